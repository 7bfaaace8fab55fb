//! Encryption of keys.age, always as a standard age file. Passphrase files use age's scrypt
//! stanza, but the scrypt key is derived once per session and kept (zeroized on drop):
//! every later save wraps its fresh file key with it, so saving costs ~0.3 ms, not ~1 s,
//! and `age -d` still opens the file with the passphrase. Identity files (age X25519 or
//! SSH) use age's own recipients.

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::path::{Path, PathBuf};

use age_core::format::{FILE_KEY_BYTES, FileKey, Stanza};
use age_core::primitives::aead_decrypt;
use base64::Engine;
use base64::prelude::BASE64_STANDARD_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

mod encrypt;

pub use encrypt::{EncryptError, encrypt};

use super::error::{KeystoreError, clean_age_message};

/// The most scrypt work keyturn accepts when opening (2^22: ~4 GiB, several seconds).
/// Files written by age on a fast machine use up to ~2^20.
pub const MAX_LOG_N: u8 = 22;
/// The work factor for new passphrases unless config says otherwise (~0.5–1 s here).
pub const DEFAULT_LOG_N: u8 = 18;

const SCRYPT_TAG: &str = "scrypt";
const SCRYPT_SALT_LABEL: &[u8] = b"age-encryption.org/v1/scrypt";
const SALT_LEN: usize = 16;

/// A scrypt-derived wrapping key with the salt and work factor it came from.
pub struct ScryptKey {
    salt: [u8; SALT_LEN],
    log_n: u8,
    key: Zeroizing<[u8; 32]>,
}

impl ScryptKey {
    /// Derives a key for a new passphrase with a fresh salt (pays scrypt once).
    pub fn derive_new(passphrase: &SecretString, log_n: u8) -> Result<Self, KeystoreError> {
        if passphrase.expose_secret().is_empty() {
            return Err(KeystoreError::EmptyPassphrase);
        }
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        Ok(Self {
            salt,
            log_n,
            key: derive(&salt, log_n, passphrase),
        })
    }

    pub fn log_n(&self) -> u8 {
        self.log_n
    }
}

fn derive(salt: &[u8; SALT_LEN], log_n: u8, passphrase: &SecretString) -> Zeroizing<[u8; 32]> {
    let mut inner = Vec::with_capacity(SCRYPT_SALT_LABEL.len() + SALT_LEN);
    inner.extend_from_slice(SCRYPT_SALT_LABEL);
    inner.extend_from_slice(salt);
    let params =
        scrypt::Params::new(log_n, 8, 1, 32).expect("log_n below 64 with r=8, p=1 is valid");
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(
        passphrase.expose_secret().as_bytes(),
        &inner,
        &params,
        out.as_mut(),
    )
    .expect("32-byte output is valid");
    out
}

fn parse_scrypt_stanza(stanza: &Stanza) -> Option<Result<([u8; SALT_LEN], u8), ()>> {
    if stanza.tag != SCRYPT_TAG {
        return None;
    }
    let [salt, log_n] = &stanza.args[..] else {
        return Some(Err(()));
    };
    let salt = BASE64_STANDARD_NO_PAD
        .decode(salt)
        .ok()
        .and_then(|s| <[u8; SALT_LEN]>::try_from(s).ok());
    let log_n = log_n
        .parse::<u8>()
        .ok()
        .filter(|n| (1..64).contains(n) && !log_n.starts_with('0'));
    match (salt, log_n) {
        (Some(s), Some(n)) if stanza.body.len() == FILE_KEY_BYTES + 16 => Some(Ok((s, n))),
        _ => Some(Err(())),
    }
}

fn unwrap_with(key: &[u8; 32], body: &[u8]) -> Option<FileKey> {
    let pt = Zeroizing::new(aead_decrypt(key, FILE_KEY_BYTES, body).ok()?);
    Some(FileKey::init_with_mut(|fk| fk.copy_from_slice(&pt)))
}

/// Why an age identity did not open the file; set by our identities as they run.
#[derive(Default)]
struct Outcome {
    wrong_key: Cell<bool>,
    bad_stanza: Cell<bool>,
    excessive: Cell<Option<u8>>,
    salt_changed: Cell<bool>,
}

impl Outcome {
    /// The salt and work factor of a scrypt stanza (None for other stanzas); a malformed
    /// one is flagged so it is reported as damage, not as a wrong passphrase.
    fn scrypt_args(
        &self,
        stanza: &Stanza,
    ) -> Option<Result<([u8; SALT_LEN], u8), age::DecryptError>> {
        Some(parse_scrypt_stanza(stanza)?.map_err(|()| {
            self.bad_stanza.set(true);
            age::DecryptError::InvalidHeader
        }))
    }
}

/// Unlocks with a passphrase and keeps the derived key for later saves.
struct PassphraseIdentity<'a> {
    passphrase: &'a SecretString,
    derived: RefCell<Option<ScryptKey>>,
    outcome: &'a Outcome,
}

impl age::Identity for PassphraseIdentity<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let (salt, log_n) = match self.outcome.scrypt_args(stanza)? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        if log_n > MAX_LOG_N {
            self.outcome.excessive.set(Some(log_n));
            return Some(Err(age::DecryptError::ExcessiveWork {
                required: log_n,
                target: MAX_LOG_N,
            }));
        }
        let key = derive(&salt, log_n, self.passphrase);
        match unwrap_with(&key, &stanza.body) {
            Some(fk) => {
                *self.derived.borrow_mut() = Some(ScryptKey { salt, log_n, key });
                Some(Ok(fk))
            }
            None => {
                self.outcome.wrong_key.set(true);
                Some(Err(age::DecryptError::DecryptionFailed))
            }
        }
    }
}

/// Opens files written with a key we already derived (no scrypt).
struct CachedIdentity<'a> {
    key: &'a ScryptKey,
    outcome: &'a Outcome,
}

impl age::Identity for CachedIdentity<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let (salt, log_n) = match self.outcome.scrypt_args(stanza)? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        if salt != self.key.salt || log_n != self.key.log_n {
            self.outcome.salt_changed.set(true);
            return Some(Err(age::DecryptError::DecryptionFailed));
        }
        match unwrap_with(&self.key.key, &stanza.body) {
            Some(fk) => Some(Ok(fk)),
            None => {
                self.outcome.wrong_key.set(true);
                Some(Err(age::DecryptError::DecryptionFailed))
            }
        }
    }
}

/// What unlocks and re-locks the store for the rest of the session.
pub enum Material {
    Passphrase(ScryptKey),
    Identity {
        path: PathBuf,
        identities: Vec<Box<dyn age::Identity + Send + Sync>>,
        recipients: Vec<Box<dyn age::Recipient + Send>>,
    },
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Material::Passphrase(k) => write!(f, "Material::Passphrase(scrypt 2^{})", k.log_n),
            Material::Identity { path, .. } => write!(f, "Material::Identity({})", path.display()),
        }
    }
}

impl Material {
    pub fn describe(&self) -> String {
        match self {
            Material::Passphrase(_) => "a passphrase".into(),
            Material::Identity { path, .. } => format!("the identity {}", path.display()),
        }
    }
}

/// Why decryption failed, before it is given a path and turned into a `KeystoreError`.
#[derive(Debug)]
pub enum DecryptFailure {
    WrongPassphrase,
    WrongIdentity(String),
    ChangedElsewhere,
    Excessive(u8),
    Corrupt(String),
}

impl DecryptFailure {
    pub fn into_error(self, path: &Path, material: Option<&Material>) -> KeystoreError {
        let path = path.to_path_buf();
        match self {
            DecryptFailure::WrongPassphrase => KeystoreError::WrongPassphrase { path },
            DecryptFailure::WrongIdentity(detail) => KeystoreError::WrongIdentity {
                path,
                what: material.map_or_else(|| "this method".into(), Material::describe),
                detail,
            },
            DecryptFailure::ChangedElsewhere => KeystoreError::ChangedElsewhere { path },
            DecryptFailure::Excessive(required) => KeystoreError::ExcessiveWork {
                path,
                required,
                max: MAX_LOG_N,
            },
            DecryptFailure::Corrupt(detail) => KeystoreError::Corrupt { path, detail },
        }
    }
}

fn run_decrypt(
    ciphertext: &[u8],
    identity: &dyn age::Identity,
    outcome: &Outcome,
    expect_scrypt: Option<bool>,
) -> Result<Zeroizing<Vec<u8>>, DecryptFailure> {
    let decryptor = age::Decryptor::new(ciphertext).map_err(|e| corrupt(&e))?;
    match (expect_scrypt, decryptor.is_scrypt()) {
        (Some(true), false) => {
            return Err(DecryptFailure::WrongIdentity(
                "it is encrypted to an identity or SSH key, not a passphrase; set keystore.identity_file or KEYTURN_IDENTITY".into(),
            ));
        }
        (Some(false), true) => {
            return Err(DecryptFailure::WrongIdentity(
                "it is protected by a passphrase, not an identity; unset keystore.identity_file and KEYTURN_IDENTITY".into(),
            ));
        }
        _ => {}
    }
    let mut out = Zeroizing::new(Vec::new());
    let result = decryptor
        .decrypt(std::iter::once(identity))
        .and_then(|mut r| r.read_to_end(&mut out).map_err(age::DecryptError::from));
    match result {
        Ok(_) => Ok(out),
        Err(_) if outcome.wrong_key.get() => Err(DecryptFailure::WrongPassphrase),
        Err(_) if outcome.salt_changed.get() => Err(DecryptFailure::ChangedElsewhere),
        Err(_) if outcome.bad_stanza.get() => Err(DecryptFailure::Corrupt(
            "its passphrase line is malformed".into(),
        )),
        Err(_) if outcome.excessive.get().is_some() => Err(DecryptFailure::Excessive(
            outcome.excessive.get().unwrap_or(0),
        )),
        Err(age::DecryptError::NoMatchingKeys) => Err(DecryptFailure::WrongIdentity(
            "it was encrypted to a different key".into(),
        )),
        Err(e) => Err(corrupt(&e)),
    }
}

/// What can be told of a key file without its passphrase: an age header that parses, and a
/// payload long enough to hold a nonce and one sealed chunk. Catches empty, truncated and
/// foreign files; damage inside the payload shows only when it is decrypted.
pub fn check_structure(ciphertext: &[u8]) -> Result<(), String> {
    age::Decryptor::new(ciphertext).map_err(|e| match corrupt(&e) {
        DecryptFailure::Corrupt(d) => d,
        _ => "its header does not parse".into(),
    })?;
    // The header ends with its MAC line ("--- …\n"); the payload follows.
    let after_mac = ciphertext
        .windows(4)
        .position(|w| w == b"\n---")
        .and_then(|at| {
            ciphertext[at + 4..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|nl| at + 4 + nl + 1)
        })
        .ok_or("its header has no end")?;
    const NONCE: usize = 16;
    const TAG: usize = 16;
    if ciphertext.len() - after_mac < NONCE + TAG {
        return Err("it is truncated".into());
    }
    Ok(())
}

fn corrupt(e: &age::DecryptError) -> DecryptFailure {
    let detail = match e {
        age::DecryptError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "it is truncated".to_string()
        }
        other => clean_age_message(&other.to_string()),
    };
    DecryptFailure::Corrupt(detail)
}

/// First unlock with a passphrase: pays scrypt once and returns the key to keep.
pub fn unlock_with_passphrase(
    ciphertext: &[u8],
    passphrase: &SecretString,
) -> Result<(Zeroizing<Vec<u8>>, ScryptKey), DecryptFailure> {
    let outcome = Outcome::default();
    let identity = PassphraseIdentity {
        passphrase,
        derived: RefCell::new(None),
        outcome: &outcome,
    };
    let plaintext = run_decrypt(ciphertext, &identity, &outcome, Some(true))?;
    let key = identity
        .derived
        .into_inner()
        .ok_or_else(|| DecryptFailure::Corrupt("no passphrase line".into()))?;
    Ok((plaintext, key))
}

/// Decrypts with material the session already holds (no scrypt).
pub fn decrypt(
    ciphertext: &[u8],
    material: &Material,
) -> Result<Zeroizing<Vec<u8>>, DecryptFailure> {
    let outcome = Outcome::default();
    match material {
        Material::Passphrase(key) => run_decrypt(
            ciphertext,
            &CachedIdentity {
                key,
                outcome: &outcome,
            },
            &outcome,
            Some(true),
        ),
        Material::Identity { identities, .. } => {
            let decryptor = age::Decryptor::new(ciphertext).map_err(|e| corrupt(&e))?;
            if decryptor.is_scrypt() {
                return Err(DecryptFailure::WrongIdentity(
                    "it is protected by a passphrase, not an identity; unset keystore.identity_file and KEYTURN_IDENTITY".into(),
                ));
            }
            let mut out = Zeroizing::new(Vec::new());
            match decryptor
                .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
                .and_then(|mut r| r.read_to_end(&mut out).map_err(age::DecryptError::from))
            {
                Ok(_) => Ok(out),
                Err(age::DecryptError::NoMatchingKeys) => Err(DecryptFailure::WrongIdentity(
                    "it was encrypted to a different key".into(),
                )),
                Err(e) => Err(corrupt(&e)),
            }
        }
    }
}
