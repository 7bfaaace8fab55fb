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

/// How long a piece of a known key is redacted wherever it appears (error bodies).
const FRAGMENT: usize = 10;

/// Redacts known secrets from a reply as it streams: text that could be the start of a key
/// is held until the next chunk says whether it is one.
#[derive(Debug, Default, Clone)]
pub struct StreamRedactor {
    redactor: Redactor,
    held: String,
}

impl StreamRedactor {
    pub fn new(redactor: Redactor) -> Self {
        Self {
            redactor,
            held: String::new(),
        }
    }

    /// The safe part of what has come so far.
    pub fn push(&mut self, chunk: &str) -> String {
        self.held.push_str(chunk);
        let text = self.redactor.redact_known(&self.held);
        let keep = self.redactor.partial_tail(&text);
        let cut = text.len() - keep;
        self.held = text[cut..].to_string();
        text[..cut].to_string()
    }

    /// The stream ended: what was held back is not a key.
    pub fn flush(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
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

    /// Only the known secrets, whole: for a model's reply, where a hash or an id that looks
    /// like a key is content, not a leak.
    pub fn redact_known(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.known {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), &format!("[key {}]", mask(secret)));
            }
        }
        text
    }

    /// The longest end of `text` that could be the start of a known secret (held back while
    /// streaming, in case the rest comes in the next chunk).
    fn partial_tail(&self, text: &str) -> usize {
        self.known
            .iter()
            .flat_map(|k| {
                (1..k.len().min(text.len() + 1)).rev().find(|&n| {
                    text.is_char_boundary(text.len() - n) && k.starts_with(&text[text.len() - n..])
                })
            })
            .max()
            .unwrap_or(0)
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = self.redact_known(text);
        // A piece of a known key (10 characters or more) is as telling as the whole.
        for secret in &self.known {
            let chars: Vec<char> = secret.chars().collect();
            if chars.len() < 16 {
                continue;
            }
            for start in 0..=chars.len() - FRAGMENT {
                let piece: String = chars[start..start + FRAGMENT].iter().collect();
                if text.contains(&piece) {
                    text = text.replace(&piece, "[key fragment]");
                }
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
    fn a_key_echoed_in_a_reply_is_redacted_even_split_across_chunks() {
        let key = "sk-test-CANARY-stream-0123456789";
        let mut r = StreamRedactor::new(Redactor::new().with_secret(key));
        let mut out = String::new();
        for chunk in [
            "Your key is sk-te",
            "st-CANARY-str",
            "eam-0123456789 and a hash ",
            "deadbeef",
        ] {
            out.push_str(&r.push(chunk));
        }
        out.push_str(&r.flush());
        assert!(!out.contains("CANARY"), "{out}");
        assert!(
            out.contains("[key …6789]") && out.contains("a hash deadbeef"),
            "{out}"
        );
        // Text that only starts like the key comes through once it is clearly not the key.
        let mut r = StreamRedactor::new(Redactor::new().with_secret(key));
        assert_eq!(r.push("see sk-"), "see ");
        // A last "s" could begin the key: held one chunk more, given back at the end.
        assert_eq!(r.push("docs"), "sk-doc");
        assert_eq!(r.flush(), "s");
    }

    #[test]
    fn a_ten_character_fragment_of_the_key_is_redacted_in_an_error() {
        let key = "sk-test-CANARY-fragment-0123456789";
        let r = Redactor::new().with_secret(key);
        let out = r.redact("invalid key ending in ragment-0123456789 (truncated)");
        assert!(!out.contains("0123456789"), "{out}");
    }

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
