//! The plaintext inside keys.age: a versioned JSON document. This is the only place a
//! secret is serialized, and its bytes live in `Zeroizing` buffers.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::entry::{KeyEntry, TestRecord};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Document {
    schema_version: u32,
    #[serde(default)]
    keys: Vec<StoredKey>,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    id: String,
    provider: String,
    #[serde(default)]
    label: String,
    secret: Zeroizing<String>,
    created: u64,
    #[serde(default)]
    rotated: Option<u64>,
    #[serde(default)]
    last_test: Option<TestRecord>,
    #[serde(default)]
    active: bool,
    /// Monthly spending cap for this key in USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    monthly_usd: Option<crate::chat::money::Usd>,
}

pub enum DecodeError {
    NewerSchema(u32),
    Invalid(String),
}

pub fn encode(entries: &[KeyEntry]) -> Zeroizing<Vec<u8>> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        keys: entries
            .iter()
            .map(|e| StoredKey {
                id: e.id.clone(),
                provider: e.provider.clone(),
                label: e.label.clone(),
                secret: Zeroizing::new(e.secret.expose_secret().to_string()),
                created: e.created,
                rotated: e.rotated,
                last_test: e.last_test.clone(),
                active: e.active,
                monthly_usd: e.monthly_usd,
            })
            .collect(),
    };
    Zeroizing::new(serde_json::to_vec_pretty(&doc).expect("the key document always serializes"))
}

pub fn decode(bytes: &[u8]) -> Result<Vec<KeyEntry>, DecodeError> {
    #[derive(Deserialize)]
    struct Version {
        schema_version: u32,
    }
    // Check the version first so a newer file's unknown shape is reported as newer.
    let version: Version = serde_json::from_slice(bytes).map_err(|_| {
        DecodeError::Invalid("the decrypted content is not a keyturn key document".into())
    })?;
    if version.schema_version > SCHEMA_VERSION {
        return Err(DecodeError::NewerSchema(version.schema_version));
    }
    let doc: Document = serde_json::from_slice(bytes)
        // serde's message names the field, never echoes a value.
        .map_err(|e| {
            DecodeError::Invalid(format!(
                "the key document is malformed: {}",
                e.classify_name()
            ))
        })?;
    Ok(doc
        .keys
        .into_iter()
        .map(|k| KeyEntry {
            id: k.id,
            provider: k.provider,
            label: k.label,
            secret: SecretString::from(k.secret.as_str().to_string()),
            created: k.created,
            rotated: k.rotated,
            last_test: k.last_test,
            active: k.active,
            monthly_usd: k.monthly_usd,
        })
        .collect())
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected field type",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}
