//! Opening or creating the key store, on a blocking thread, and telling the model.

use std::path::PathBuf;

use secrecy::SecretString;

use super::{KeyService, candidates, meta};
use crate::app::key_manager::KeysMsg;
use crate::keystore::{KeyStore, KeystoreError, Unlock};

impl KeyService {
    pub(super) fn create_with_identity(&self, identity: PathBuf) {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            // No terminal prompt here (raw mode): a passphrase-protected SSH key reports so.
            let mut ask = |_: &str| None;
            let result = KeyStore::create(
                &this.path,
                Unlock::Identity(identity),
                this.config.keystore.scrypt_work_factor,
                &mut ask,
            );
            let msg = match result {
                Ok(store) => this.keep_unlocked(store),
                Err(e) => KeysMsg::UnlockFailed {
                    error: e.to_string(),
                    wrong_passphrase: false,
                    store_exists: KeyStore::exists(&this.path),
                },
            };
            this.send_blocking(msg);
        });
    }

    pub(super) fn open_or_create(
        &self,
        passphrase: Option<SecretString>,
        create: bool,
        recover: bool,
    ) {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let from_environment = passphrase.is_none();
            let typed = passphrase.clone();
            let (passphrase_again, typed_again) = (passphrase.clone(), passphrase.clone());
            let mut asked = false;
            let mut ask = |_: &str| {
                asked = true;
                typed.clone()
            };
            let result = this.unlock_source(passphrase).and_then(|unlock| {
                if create && !KeyStore::exists(&this.path) {
                    KeyStore::create(
                        &this.path,
                        unlock,
                        this.config.keystore.scrypt_work_factor,
                        &mut ask,
                    )
                } else {
                    KeyStore::open(&this.path, unlock, &mut ask)
                }
            });
            // For `u`: keys.age that cannot be read is restored from the backup.
            let damaged = result
                .as_ref()
                .is_err_and(KeystoreError::backup_may_restore);
            if recover && damaged {
                let unlock = this.unlock_source(passphrase_again);
                let recovered = unlock.and_then(|u| {
                    KeyStore::recover_from_backup(&this.path, u, &mut |_| typed_again.clone())
                });
                if let Ok(store) = recovered {
                    let note = format!(
                        "Restored keys.age from its backup; the damaged file is kept as {}.",
                        crate::keystore::with_suffix(&this.path, ".damaged").display()
                    );
                    let msg = this.keep_recovered(store, note);
                    this.send_blocking(msg);
                    return;
                }
            }
            let msg = match result {
                Ok(store) => this.keep_unlocked(store),
                Err(e) => {
                    let wrong = matches!(e, KeystoreError::WrongPassphrase { .. })
                        || (asked && matches!(e, KeystoreError::BadIdentity { .. }));
                    // A wrong passphrase from the environment is fixed there, not retyped.
                    let error = match &e {
                        KeystoreError::WrongPassphrase { path } if from_environment => {
                            crate::keystore::unlock::wrong_passphrase_from_environment(path)
                                .unwrap_or_else(|| e.to_string())
                        }
                        _ => e.to_string(),
                    };
                    KeysMsg::UnlockFailed {
                        error,
                        wrong_passphrase: wrong,
                        store_exists: KeyStore::exists(&this.path),
                    }
                }
            };
            this.send_blocking(msg);
        });
    }

    /// The store was restored from its backup and is open.
    fn keep_recovered(&self, store: KeyStore, note: String) -> KeysMsg {
        match self.keep_unlocked(store) {
            KeysMsg::Unlocked {
                method,
                entries,
                warnings,
                env_candidates,
            } => KeysMsg::Recovered {
                method,
                entries,
                warnings,
                env_candidates,
                note,
            },
            other => other,
        }
    }

    /// The store is open: it is kept for the session, and the model hears what it holds.
    fn keep_unlocked(&self, mut store: KeyStore) -> KeysMsg {
        // `keystore.recipients` join the store's own recipient; one that cannot be read is
        // said among the warnings.
        if let Err(e) = store.add_recipients(&self.config.keystore.recipients) {
            store.warnings.push(e.to_string());
        }
        let msg = KeysMsg::Unlocked {
            method: store.material().describe(),
            entries: meta(&store),
            warnings: store.warnings.clone(),
            env_candidates: candidates(&self.config, Some(&store)),
        };
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
        msg
    }
}
