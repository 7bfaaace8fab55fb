//! Encrypting keys.age: to the cached scrypt key (one fresh file key per save, a standard age
//! scrypt stanza) or to the identity's recipients.

use std::collections::HashSet;
use std::io::Write;

use age_core::format::{FileKey, Stanza};
use age_core::primitives::aead_encrypt;
use base64::Engine;
use base64::prelude::BASE64_STANDARD_NO_PAD;
use rand::RngCore;
use secrecy::ExposeSecret;

use super::{Material, SCRYPT_TAG, ScryptKey};
use crate::keystore::error::clean_age_message;

/// Wraps a new file key with the cached scrypt key: a standard age scrypt stanza.
struct CachedRecipient<'a>(&'a ScryptKey);

impl age::Recipient for CachedRecipient<'_> {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let body = aead_encrypt(&self.0.key, file_key.expose_secret());
        let stanza = Stanza {
            tag: SCRYPT_TAG.into(),
            args: vec![
                BASE64_STANDARD_NO_PAD.encode(self.0.salt),
                self.0.log_n.to_string(),
            ],
            body,
        };
        // A unique label, as age's own scrypt recipient uses: it must be the only stanza.
        let mut label = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut label);
        Ok((
            vec![stanza],
            HashSet::from([BASE64_STANDARD_NO_PAD.encode(label)]),
        ))
    }
}

/// Encrypting keys.age failed (age refused the recipients, or writing into memory failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EncryptError(String);

pub fn encrypt(plaintext: &[u8], material: &Material) -> Result<Vec<u8>, EncryptError> {
    let cached;
    let recipients: Vec<&dyn age::Recipient> = match material {
        Material::Passphrase(key) => {
            cached = CachedRecipient(key);
            vec![&cached]
        }
        Material::Identity { recipients, .. } => recipients
            .iter()
            .map(|r| r.as_ref() as &dyn age::Recipient)
            .collect(),
    };
    let encryptor = age::Encryptor::with_recipients(recipients.into_iter())
        .map_err(|e| EncryptError(clean_age_message(&e.to_string())))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let failed = |e: std::io::Error| EncryptError(e.to_string());
    let mut writer = encryptor.wrap_output(&mut out).map_err(failed)?;
    writer.write_all(plaintext).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}
