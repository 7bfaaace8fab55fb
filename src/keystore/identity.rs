//! Loading an age identity file (X25519) or an SSH private key (ed25519/RSA) as the
//! material that opens keys.age.

use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::crypto::Material;
use super::error::{KeystoreError, clean_age_message};

/// Loads an age identity file (X25519) or an SSH private key (ed25519/RSA) as material.
/// A passphrase-protected SSH key asks `ask` for its passphrase once.
pub fn load_identity(
    path: &Path,
    ask: &mut dyn FnMut(&str) -> Option<SecretString>,
) -> Result<Material, KeystoreError> {
    let bad = |detail: String| KeystoreError::BadIdentity {
        path: path.to_path_buf(),
        detail,
    };
    match read_identity(path, ask)? {
        Loaded::Ssh(identity) => {
            let pub_path = super::with_suffix(path, ".pub");
            let pub_text = std::fs::read_to_string(&pub_path).map_err(|e| {
                bad(format!(
                    "its public key {} is needed to re-encrypt ({e})",
                    pub_path.display()
                ))
            })?;
            let recipient: age::ssh::Recipient = pub_text.trim().parse().map_err(|_| {
                bad(format!(
                    "{} is not a supported SSH public key",
                    pub_path.display()
                ))
            })?;
            Ok(Material::Identity {
                path: path.to_path_buf(),
                identities: vec![Box::new(identity)],
                recipients: vec![Box::new(recipient)],
            })
        }
        Loaded::Age(file) => {
            let recipients = file
                .to_recipients()
                .map_err(|e| bad(clean_age_message(&e.to_string())))?;
            let identities = age_identities(path, file)?;
            Ok(Material::Identity {
                path: path.to_path_buf(),
                identities,
                recipients,
            })
        }
    }
}

/// The identities in an age identity file or SSH private key, for decrypting only (an SSH
/// key needs no `.pub` beside it): what opens a key bundle.
pub fn load_identities(
    path: &Path,
    ask: &mut dyn FnMut(&str) -> Option<SecretString>,
) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>, KeystoreError> {
    match read_identity(path, ask)? {
        Loaded::Ssh(identity) => Ok(vec![Box::new(identity)]),
        Loaded::Age(file) => age_identities(path, file),
    }
}

enum Loaded {
    Ssh(age::ssh::Identity),
    Age(age::IdentityFile<age::NoCallbacks>),
}

fn read_identity(
    path: &Path,
    ask: &mut dyn FnMut(&str) -> Option<SecretString>,
) -> Result<Loaded, KeystoreError> {
    let bad = |detail: String| KeystoreError::BadIdentity {
        path: path.to_path_buf(),
        detail,
    };
    let text = Zeroizing::new(std::fs::read(path).map_err(|e| bad(e.to_string()))?);
    let is_ssh = text.starts_with(b"-----BEGIN") || text.windows(11).any(|w| w == b"PRIVATE KEY");
    if is_ssh {
        let identity = age::ssh::Identity::from_buffer(&text[..], Some(path.display().to_string()))
            .map_err(|e| bad(format!("not a readable SSH private key ({e})")))?;
        return Ok(Loaded::Ssh(match identity {
            age::ssh::Identity::Unencrypted(k) => age::ssh::Identity::Unencrypted(k),
            age::ssh::Identity::Encrypted(enc) => {
                let pass = ask(&format!("Passphrase for SSH key {}", path.display())).ok_or_else(
                    || bad("it is passphrase-protected and no passphrase was given".into()),
                )?;
                let key = enc
                    .decrypt(pass)
                    .map_err(|_| bad("wrong passphrase for the SSH key".into()))?;
                age::ssh::Identity::Unencrypted(key)
            }
            age::ssh::Identity::Unsupported(_) => {
                return Err(bad(
                    "this SSH key type is not supported; use ed25519 or RSA".into(),
                ));
            }
        }));
    }
    age::IdentityFile::from_buffer(&text[..])
        .map(Loaded::Age)
        .map_err(|e| bad(clean_age_message(&e.to_string())))
}

fn age_identities(
    path: &Path,
    file: age::IdentityFile<age::NoCallbacks>,
) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>, KeystoreError> {
    let bad = |detail: String| KeystoreError::BadIdentity {
        path: path.to_path_buf(),
        detail,
    };
    let identities = file
        .into_identities()
        .map_err(|e| bad(clean_age_message(&e.to_string())))?;
    if identities.is_empty() {
        return Err(bad(
            "it holds no identity (expected an AGE-SECRET-KEY-1... line)".into(),
        ));
    }
    Ok(identities)
}
