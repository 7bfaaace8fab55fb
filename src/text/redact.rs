//! The one redactor: every string built from a provider's response (error bodies, messages,
//! logs) passes through here before it is shown or logged. It removes the secrets we know
//! (the key in use) and anything that merely looks like a credential.

/// Prefixes that real provider keys start with.
const KEY_PREFIXES: &[&str] = &[
    "sk-", "sk_", "AIza", "gsk_", "nvapi-", "xai-", "pplx-", "r8_", "hf_", "key-", "tgp_", "csk-",
];

/// The masked form shown to users: the last four characters only.
pub fn mask(secret: &str) -> String {
    let tail: String = {
        let chars: Vec<char> = secret.chars().collect();
        let start = chars.len().saturating_sub(4);
        if chars.len() < 12 {
            // Too short for a tail to be safe to show.
            String::new()
        } else {
            chars[start..].iter().collect()
        }
    };
    format!("…{tail}")
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Does this run of token characters look like a credential?
fn looks_like_key(token: &str) -> bool {
    let len = token.len();
    if len >= 16 && KEY_PREFIXES.iter().any(|p| token.starts_with(p)) {
        return true;
    }
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    let letters = token.bytes().filter(u8::is_ascii_alphabetic).count();
    len >= 32 && digits >= 2 && letters >= 2
}

/// Redacts secrets from text. Built per request with the key in use, so even a key that
/// looks nothing like a key is caught when a provider echoes it.
#[derive(Default, Clone)]
pub struct Redactor {
    known: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} known secrets)", self.known.len())
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret to remove verbatim. Secrets shorter than 6 characters are ignored
    /// (removing every "abc" from a message would garble it and protect nothing).
    pub fn with_secret(mut self, secret: &str) -> Self {
        let s = secret.trim();
        if s.len() >= 6 {
            self.known.push(s.to_string());
        }
        self
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.known {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), &format!("[key {}]", mask(secret)));
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        let mut bearer = false;
        while !rest.is_empty() {
            let start = rest.find(is_token_char).unwrap_or(rest.len());
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            if rest.is_empty() {
                break;
            }
            let end = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
            let token = &rest[..end];
            let shares_prefix = self
                .known
                .iter()
                .any(|k| token.len() >= 8 && k.len() >= 8 && token[..8] == k[..8]);
            if (bearer && token.len() >= 8) || looks_like_key(token) || shares_prefix {
                out.push_str(&format!("[redacted {}]", mask(token)));
            } else {
                out.push_str(token);
            }
            bearer = token.eq_ignore_ascii_case("bearer");
            rest = &rest[end..];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_shows_last_four_only() {
        assert_eq!(mask("sk-test-CANARY-abcdef1234"), "…1234");
        assert_eq!(mask("short"), "…");
    }

    #[test]
    fn known_secret_is_removed_even_if_unremarkable() {
        let r = Redactor::new().with_secret("hunter2hunter2");
        let out = r.redact("Invalid key: hunter2hunter2 (check it)");
        assert!(!out.contains("hunter2hunter2"), "{out}");
        assert!(out.contains("…ter2"), "{out}");
    }

    #[test]
    fn key_shaped_tokens_are_removed() {
        let r = Redactor::new();
        for key in [
            "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12",
            "AIzaSyA1234567890abcdefghijklmnopqrstu",
            "gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
            "0123456789abcdef0123456789abcdef0123",
        ] {
            let out = r.redact(&format!("bad key {key}."));
            assert!(!out.contains(key), "{out}");
            assert!(out.starts_with("bad key [redacted"), "{out}");
            assert!(out.ends_with("]."), "{out}");
        }
        let out = r.redact("Authorization: Bearer abcdefgh12");
        assert!(!out.contains("abcdefgh12"), "{out}");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let r = Redactor::new();
        let text = "The model `gpt-4o-mini` does not exist or you do not have access to it.";
        assert_eq!(r.redact(text), text);
    }

    #[test]
    fn partial_echo_sharing_a_prefix_is_removed() {
        let r = Redactor::new().with_secret("sk-test-CANARY-xyz987654321");
        let out = r.redact("Incorrect API key provided: sk-test-CA****4321");
        assert!(!out.contains("sk-test-CA"), "{out}");
    }
}
