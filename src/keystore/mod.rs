//! The age-encrypted key file: unlock, read, change (atomically, under a lock, merged with
//! other processes' changes), undo from the encrypted backup, change the passphrase.
//! Never imports ratatui or crossterm; slow calls (the first unlock) belong off the UI thread.

pub mod bundle;
pub mod crypto;
pub mod document;
pub mod entry;
pub mod error;
pub mod file;
pub mod identity;
pub mod ops;
pub mod unlock;

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

pub use crypto::{DEFAULT_LOG_N, MAX_LOG_N, Material};
pub use document::SCHEMA_VERSION;
pub use entry::{KeyCheck, KeyEntry, TestRecord};
pub use error::KeystoreError;
pub use ops::KeyOp;
pub use unlock::Unlock;

use crypto::DecryptFailure;
use document::DecodeError;

/// Asks the user for a passphrase (an SSH key's, during unlock). None = no way to ask.
pub type Ask<'a> = &'a mut dyn FnMut(&str) -> Option<SecretString>;

#[derive(Debug)]
pub struct KeyStore {
    path: PathBuf,
    material: Material,
    entries: Vec<KeyEntry>,
    /// The ciphertext as we last read or wrote it: a different file on disk means another
    /// process saved since, and its version is re-read before ours is applied.
    seen: Vec<u8>,
    /// Permission problems found when opening.
    pub warnings: Vec<String>,
    /// `keystore.recipients`, kept through a change of identity.
    extra_recipients: Vec<String>,
}

/// The same unlock again (a passphrase or an identity path), for a second attempt.
fn unlock_clone(unlock: &Unlock) -> Unlock {
    match unlock {
        Unlock::Passphrase(p) => Unlock::Passphrase(p.clone()),
        Unlock::Identity(path) => Unlock::Identity(path.clone()),
    }
}

pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// `path` with `suffix` appended to its file name, built from the OS string so a name that is
/// not valid UTF-8 keeps its bytes (a display form would replace them and name another file).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn decode(path: &Path, plaintext: &[u8]) -> Result<Vec<KeyEntry>, KeystoreError> {
    document::decode(plaintext).map_err(|e| match e {
        DecodeError::NewerSchema(found) => KeystoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        },
        DecodeError::Invalid(detail) => KeystoreError::Corrupt {
            path: path.to_path_buf(),
            detail,
        },
    })
}

fn material_for(unlock: Unlock, log_n: u8, ask: Ask) -> Result<Material, KeystoreError> {
    match unlock {
        Unlock::Passphrase(p) => Ok(Material::Passphrase(crypto::ScryptKey::derive_new(
            &p, log_n,
        )?)),
        Unlock::Identity(path) => identity::load_identity(&path, ask),
    }
}

impl KeyStore {
    pub fn exists(path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    /// Opens an existing store. With a passphrase this pays scrypt once.
    pub fn open(path: &Path, unlock: Unlock, ask: Ask) -> Result<Self, KeystoreError> {
        let bytes = file::read(path)?.ok_or_else(|| KeystoreError::Missing {
            path: path.to_path_buf(),
        })?;
        let (plaintext, material) = match unlock {
            Unlock::Passphrase(p) => {
                let (pt, key) = crypto::unlock_with_passphrase(&bytes, &p)
                    .map_err(|e| e.into_error(path, None))?;
                (pt, Material::Passphrase(key))
            }
            Unlock::Identity(id) => {
                let material = identity::load_identity(&id, ask)?;
                let pt = crypto::decrypt(&bytes, &material)
                    .map_err(|e| e.into_error(path, Some(&material)))?;
                (pt, material)
            }
        };
        let entries = decode(path, &plaintext)?;
        Ok(Self {
            path: path.to_path_buf(),
            material,
            entries,
            seen: bytes,
            warnings: file::permission_warnings(path),
            extra_recipients: Vec::new(),
        })
    }

    /// The store at `path`, made if there is none: decided under the store's lock, so six
    /// first `keys add` at once make one store and all add to it.
    pub fn create_or_open(
        path: &Path,
        unlock: Unlock,
        log_n: u8,
        ask: Ask,
    ) -> Result<Self, KeystoreError> {
        let lock = file::StoreLock::acquire(path)?;
        if file::read(path)?.is_some() {
            drop(lock);
            return Self::open(path, unlock, ask);
        }
        drop(lock);
        match Self::create(path, unlock_clone(&unlock), log_n, ask) {
            // Another keyturn made it between the two looks: use that one.
            Err(KeystoreError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                Self::open(path, unlock, ask)
            }
            other => other,
        }
    }

    /// Restores keys.age from its backup when keys.age itself cannot be read (damaged,
    /// empty, truncated): the backup must open with `unlock` first; the damaged file is kept
    /// aside as keys.age.damaged.
    pub fn recover_from_backup(
        path: &Path,
        unlock: Unlock,
        ask: Ask,
    ) -> Result<Self, KeystoreError> {
        let _lock = file::StoreLock::acquire(path)?;
        let bak_path = backup_path(path);
        let bak = file::read(&bak_path)?.ok_or(KeystoreError::NothingToUndo)?;
        // Proves the backup opens (and learns the material) before anything is moved.
        let opened = Self::open(&bak_path, unlock, ask)?;
        if std::fs::symlink_metadata(path).is_ok() {
            let aside = with_suffix(path, ".damaged");
            std::fs::rename(path, &aside).map_err(|e| KeystoreError::Io {
                action: "move the damaged key file aside to",
                path: aside.clone(),
                source: e,
            })?;
        }
        file::write_atomic(path, &bak)?;
        Ok(Self {
            path: path.to_path_buf(),
            warnings: file::permission_warnings(path),
            extra_recipients: Vec::new(),
            ..opened
        })
    }

    /// Creates a new, empty store (fails if one exists). `log_n` is the scrypt work factor
    /// for a passphrase.
    pub fn create(path: &Path, unlock: Unlock, log_n: u8, ask: Ask) -> Result<Self, KeystoreError> {
        if file::read(&backup_path(path))?.is_some() && file::read(path)?.is_none() {
            // A new, empty store would soon replace the backup that still holds the keys.
            return Err(KeystoreError::MissingWithBackup {
                path: path.to_path_buf(),
            });
        }
        let material = material_for(unlock, log_n, ask)?;
        let _lock = file::StoreLock::acquire(path)?;
        if file::read(path)?.is_some() {
            return Err(KeystoreError::Io {
                action: "create",
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "a key store already exists",
                ),
            });
        }
        let ct =
            crypto::encrypt(&document::encode(&[]), &material).map_err(|e| corrupt(path, e))?;
        file::write_atomic(path, &ct)?;
        Ok(Self {
            path: path.to_path_buf(),
            material,
            entries: Vec::new(),
            seen: ct,
            warnings: Vec::new(),
            extra_recipients: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn material(&self) -> &Material {
        &self.material
    }

    /// Encrypts the store to these recipients too (`keystore.recipients`), from its next save
    /// on (`reencrypt` at once). Refused for a passphrase-protected store.
    pub fn add_recipients(&mut self, specs: &[String]) -> Result<(), KeystoreError> {
        if specs.is_empty() {
            return Ok(());
        }
        let Material::Identity { recipients, .. } = &mut self.material else {
            return Err(KeystoreError::RecipientsNeedIdentity);
        };
        for spec in specs {
            let found = bundle::recipients(spec).map_err(|e| KeystoreError::BadRecipient {
                detail: e.to_string(),
            })?;
            recipients.extend(found);
        }
        self.extra_recipients = specs.to_vec();
        Ok(())
    }

    /// Writes the store (and its backup) again with its recipients as they are now.
    pub fn reencrypt(&mut self) -> Result<(), KeystoreError> {
        let _lock = file::StoreLock::acquire(&self.path)?;
        self.refresh_locked()?;
        let bak_path = backup_path(&self.path);
        if let Some(bak) = file::read(&bak_path)?
            && let Ok(pt) = crypto::decrypt(&bak, &self.material)
        {
            let b = crypto::encrypt(&pt, &self.material).map_err(|e| corrupt(&bak_path, e))?;
            file::write_atomic(&bak_path, &b)?;
        }
        let ct = crypto::encrypt(&document::encode(&self.entries), &self.material)
            .map_err(|e| corrupt(&self.path, e))?;
        file::write_atomic(&self.path, &ct)?;
        self.seen = ct;
        Ok(())
    }

    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The active key of a provider.
    pub fn active(&self, provider: &str) -> Option<&KeyEntry> {
        self.entries
            .iter()
            .find(|e| e.provider == provider && e.active)
    }

    /// A key by id, or by a unique prefix of its id.
    pub fn find(&self, id: &str) -> Result<&KeyEntry, KeystoreError> {
        let mut hits = self
            .entries
            .iter()
            .filter(|e| e.id == id || e.id.starts_with(id));
        match (hits.next(), hits.next()) {
            (Some(e), None) => Ok(e),
            _ => self
                .entries
                .iter()
                .find(|e| e.id == id)
                .ok_or_else(|| KeystoreError::NoSuchKey { id: id.into() }),
        }
    }

    /// Re-reads the file if another process changed it since we last saw it.
    fn refresh_locked(&mut self) -> Result<Option<Vec<u8>>, KeystoreError> {
        let current = file::read(&self.path)?;
        if let Some(cur) = &current
            && *cur != self.seen
        {
            let pt = crypto::decrypt(cur, &self.material)
                .map_err(|e| e.into_error(&self.path, Some(&self.material)))?;
            self.entries = decode(&self.path, &pt)?;
            self.seen = cur.clone();
        }
        Ok(current)
    }

    /// Picks up changes other processes made.
    pub fn reload(&mut self) -> Result<(), KeystoreError> {
        let _lock = file::StoreLock::acquire(&self.path)?;
        self.refresh_locked().map(|_| ())
    }

    /// Applies one change: lock, re-read, apply, back up the current version, write.
    pub fn commit(&mut self, op: KeyOp) -> Result<(), KeystoreError> {
        self.commit_inner(op, true)
    }

    /// Whether any provider's key is this secret.
    /// This secret is stored as a key of `provider` already.
    pub fn holds_for(&self, provider: &str, secret: &SecretString) -> bool {
        self.entries
            .iter()
            .any(|e| e.provider == provider && e.secret.expose_secret() == secret.expose_secret())
    }

    pub fn holds(&self, secret: &SecretString) -> bool {
        self.entries
            .iter()
            .any(|e| e.secret.expose_secret() == secret.expose_secret())
    }

    /// Adds a key (refused when its provider has this secret already); returns its id. The
    /// TUI and `keyturn keys add` both add through here.
    pub fn add(&mut self, entry: KeyEntry) -> Result<String, KeystoreError> {
        let id = entry.id.clone();
        self.commit(KeyOp::Add(entry))?;
        Ok(id)
    }

    /// Imports keys found in the environment, as (variable, provider, secret), in one change
    /// (one backup, one undo step). Returns each variable with the new key's id, or None when
    /// the secret is stored already.
    pub fn import(
        &mut self,
        found: Vec<(String, String, SecretString)>,
        at: u64,
    ) -> Result<Vec<(String, Option<String>)>, KeystoreError> {
        let mut report = Vec::new();
        let mut adds = Vec::new();
        for (var, provider, secret) in found {
            let fresh = !self.holds(&secret)
                && !adds.iter().any(|op| {
                    matches!(op, KeyOp::Add(e) if e.secret.expose_secret() == secret.expose_secret())
                });
            if !fresh {
                report.push((var, None));
                continue;
            }
            let entry = KeyEntry::new(&provider, &format!("from {var}"), secret, at);
            report.push((var, Some(entry.id.clone())));
            adds.push(KeyOp::Add(entry));
        }
        if !adds.is_empty() {
            self.commit(KeyOp::Many(adds))?;
        }
        Ok(report)
    }

    /// Replaces a key's secret; the old one stays in the backup.
    pub fn rotate(
        &mut self,
        id: &str,
        secret: SecretString,
        at: u64,
        test: Option<TestRecord>,
    ) -> Result<(), KeystoreError> {
        self.commit(KeyOp::Rotate {
            id: id.to_string(),
            secret,
            at,
            test,
        })
    }

    /// Saves test results. They are not a change to undo, so the backup (the version before
    /// the last real change) is left alone.
    pub fn record_tests(
        &mut self,
        records: Vec<(String, TestRecord)>,
    ) -> Result<(), KeystoreError> {
        let ops = records
            .into_iter()
            .map(|(id, record)| KeyOp::RecordTest { id, record })
            .collect();
        self.commit_inner(KeyOp::Many(ops), false)
    }

    fn commit_inner(&mut self, op: KeyOp, backup: bool) -> Result<(), KeystoreError> {
        let _lock = file::StoreLock::acquire(&self.path)?;
        let current = self.refresh_locked()?;
        let mut next = self.entries.clone();
        ops::apply(&mut next, op).map_err(|e| match e {
            ops::OpError::UnknownKey(id) => KeystoreError::NoSuchKey { id },
            ops::OpError::AlreadyStored(provider) => KeystoreError::AlreadyStored { provider },
        })?;
        let ct = crypto::encrypt(&document::encode(&next), &self.material)
            .map_err(|e| corrupt(&self.path, e))?;
        if let Some(cur) = current.filter(|_| backup) {
            file::write_atomic(&backup_path(&self.path), &cur)?;
        }
        file::write_atomic(&self.path, &ct)?;
        self.entries = next;
        self.seen = ct;
        Ok(())
    }

    /// Swaps the current version with the backup (so a second undo redoes).
    pub fn undo(&mut self) -> Result<(), KeystoreError> {
        let _lock = file::StoreLock::acquire(&self.path)?;
        let bak_path = backup_path(&self.path);
        let bak = file::read(&bak_path)?.ok_or(KeystoreError::NothingToUndo)?;
        let pt = crypto::decrypt(&bak, &self.material)
            .map_err(|e| e.into_error(&bak_path, Some(&self.material)))?;
        let entries = decode(&bak_path, &pt)?;
        if let Some(cur) = file::read(&self.path)? {
            file::write_atomic(&bak_path, &cur)?;
        }
        file::write_atomic(&self.path, &bak)?;
        self.entries = entries;
        self.seen = bak;
        Ok(())
    }

    /// Whether the backup still holds the key `id` (e.g. after it was deleted).
    pub fn backup_holds(&self, id: &str) -> bool {
        let Ok(Some(bak)) = file::read(&backup_path(&self.path)) else {
            return false;
        };
        crypto::decrypt(&bak, &self.material)
            .ok()
            .and_then(|pt| document::decode(&pt).ok())
            .is_some_and(|entries| entries.iter().any(|e| e.id == id))
    }

    /// Deletes the backup (after a confirmed delete or rotation). Returns whether one existed.
    pub fn purge_backup(&self) -> Result<bool, KeystoreError> {
        let _lock = file::StoreLock::acquire(&self.path)?;
        file::remove(&backup_path(&self.path))
    }

    /// Moves the store to a new passphrase or identity. The backup is re-encrypted too, so
    /// afterwards no file on disk opens with the old one.
    pub fn change_unlock(
        &mut self,
        unlock: Unlock,
        log_n: u8,
        ask: Ask,
    ) -> Result<(), KeystoreError> {
        let mut material = material_for(unlock, log_n, ask)?;
        if let Material::Identity { recipients, .. } = &mut material {
            for spec in &self.extra_recipients {
                recipients.extend(bundle::recipients(spec).unwrap_or_default());
            }
        }
        let _lock = file::StoreLock::acquire(&self.path)?;
        self.refresh_locked()?;
        let bak_path = backup_path(&self.path);
        let new_bak = match file::read(&bak_path)? {
            Some(bak) => match crypto::decrypt(&bak, &self.material) {
                Ok(pt) => Some(crypto::encrypt(&pt, &material).map_err(|e| corrupt(&bak_path, e))?),
                Err(DecryptFailure::Corrupt(_)) | Err(_) => None,
            },
            None => None,
        };
        let ct = crypto::encrypt(&document::encode(&self.entries), &material)
            .map_err(|e| corrupt(&self.path, e))?;
        file::write_atomic(&self.path, &ct)?;
        match new_bak {
            Some(b) => file::write_atomic(&bak_path, &b)?,
            // A backup we cannot re-encrypt must not keep the old passphrase alive.
            None => {
                file::remove(&bak_path)?;
            }
        }
        self.material = material;
        self.seen = ct;
        Ok(())
    }

    pub fn fix_permissions(&mut self) -> Result<(), KeystoreError> {
        file::fix_permissions(&self.path)?;
        self.warnings = file::permission_warnings(&self.path);
        Ok(())
    }
}

fn corrupt(path: &Path, detail: crypto::EncryptError) -> KeystoreError {
    KeystoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("encryption failed: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    #[test]
    fn siblings_keep_the_bytes_of_a_name_that_is_not_utf8() {
        let path = Path::new(OsStr::from_bytes(b"/tmp/k\xffeys.age"));
        assert_eq!(
            super::backup_path(path).as_os_str().as_bytes(),
            b"/tmp/k\xffeys.age.bak"
        );
        assert_eq!(
            super::with_suffix(path, ".lock").as_os_str().as_bytes(),
            b"/tmp/k\xffeys.age.lock"
        );
    }
}
