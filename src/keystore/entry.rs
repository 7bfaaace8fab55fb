//! One stored key and the plaintext document. The secret is a `SecretString`; the types that
//! hold it have hand-written `Debug` that shows the last 4 characters only, and only the
//! private on-disk form in `document.rs` can serialize it.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::text::redact::mask;

/// What testing a key against its provider found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCheck {
    Valid,
    Invalid,
    Unreachable,
    RateLimited,
    NoCredit,
    Unknown,
}

impl KeyCheck {
    pub fn label(self) -> &'static str {
        match self {
            KeyCheck::Valid => "valid",
            KeyCheck::Invalid => "invalid",
            KeyCheck::Unreachable => "unreachable",
            KeyCheck::RateLimited => "rate-limited",
            KeyCheck::NoCredit => "no credit",
            KeyCheck::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRecord {
    pub at: u64,
    pub result: KeyCheck,
    /// The provider's own words, already redacted.
    pub detail: String,
}

#[derive(Clone)]
pub struct KeyEntry {
    pub id: String,
    pub provider: String,
    pub label: String,
    pub secret: SecretString,
    pub created: u64,
    pub rotated: Option<u64>,
    pub last_test: Option<TestRecord>,
    pub active: bool,
    /// Monthly spending cap for this key in USD (checked with the usage ledger).
    pub monthly_usd: Option<crate::chat::money::Usd>,
}

impl KeyEntry {
    pub fn new(provider: &str, label: &str, secret: SecretString, now: u64) -> Self {
        Self {
            id: new_id(),
            provider: provider.to_string(),
            label: label.to_string(),
            secret,
            created: now,
            rotated: None,
            last_test: None,
            active: false,
            monthly_usd: None,
        }
    }

    /// "…9f2c": the only form of the secret ever shown.
    pub fn masked(&self) -> String {
        mask(self.secret.expose_secret())
    }
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("label", &self.label)
            .field("secret", &self.masked())
            .field("created", &self.created)
            .field("rotated", &self.rotated)
            .field("last_test", &self.last_test)
            .field("active", &self.active)
            .field("monthly_usd", &self.monthly_usd)
            .finish()
    }
}

/// Short random ids ("k3f9a0c1"): easy to type in `keyturn keys rm ID`.
pub fn new_id() -> String {
    use rand::Rng;
    format!("k{:08x}", rand::thread_rng().r#gen::<u32>())
}

/// Trims whitespace and newlines a paste brings along.
pub fn clean_secret(raw: &str) -> SecretString {
    SecretString::from(raw.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let e = KeyEntry::new(
            "openai",
            "work",
            SecretString::from("sk-test-CANARY-debug-abcd1234".to_string()),
            0,
        );
        let shown = format!("{e:?} {:?}", vec![e.clone()]);
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(shown.contains("…1234"), "{shown}");
    }

    #[test]
    fn pasted_secrets_are_trimmed() {
        assert_eq!(clean_secret("  sk-abc\r\n").expose_secret(), "sk-abc");
    }
}
