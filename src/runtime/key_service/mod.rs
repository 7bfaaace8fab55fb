//! The key manager's edge: owns the unlocked key store (the only place secrets live while
//! the TUI runs), unlocks and saves on blocking threads, tests keys concurrently, and holds
//! a new key's secret while it is being tested. Reports back as `Msg::Keys`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use tokio::sync::mpsc;

use super::api_keys::env_keys;
use crate::app::Msg;
use crate::app::key_manager::{KeyMeta, KeysEffect, KeysMsg, StoreState};
use crate::config::Config;
use crate::keystore::{KeyEntry, KeyOp, KeyStore, KeystoreError, TestRecord, Unlock, unlock};
use crate::providers::validate::{CheckOutcome, check_key};
use crate::time::now;

mod bundles;
mod open;

type Pending = HashMap<u64, (SecretString, Option<CheckOutcome>)>;

#[derive(Clone)]
pub struct KeyService {
    path: PathBuf,
    config: Arc<Config>,
    client: crate::providers::http::LazyClient,
    tx: mpsc::Sender<Msg>,
    pub store: Arc<Mutex<Option<KeyStore>>>,
    pending: Arc<Mutex<Pending>>,
}

pub fn meta(store: &KeyStore) -> Vec<KeyMeta> {
    store
        .entries()
        .iter()
        .map(|e| KeyMeta {
            id: e.id.clone(),
            provider: e.provider.clone(),
            label: e.label.clone(),
            masked: e.masked(),
            created: e.created,
            rotated: e.rotated,
            last_test: e.last_test.clone(),
            active: e.active,
            cap: e.monthly_usd,
        })
        .collect()
}

fn candidates(config: &Config, store: Option<&KeyStore>) -> Vec<(String, String)> {
    env_keys(config)
        .into_iter()
        .filter(|(_, _, secret)| !store.is_some_and(|s| s.holds(secret)))
        .map(|(var, provider, _)| (var, provider))
        .collect()
}

/// Whether a non-interactive unlock source is configured (without running a command).
pub fn has_auto_source(config: &Config) -> bool {
    config.keystore.identity_file.is_some()
        || [
            "KEYTURN_IDENTITY",
            "KEYTURN_PASSPHRASE_COMMAND",
            "KEYTURN_PASSPHRASE_FILE",
            "KEYTURN_PASSPHRASE",
        ]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

impl KeyService {
    pub fn new(
        path: PathBuf,
        config: Arc<Config>,
        client: crate::providers::http::LazyClient,
        tx: mpsc::Sender<Msg>,
    ) -> Self {
        Self {
            path,
            config,
            client,
            tx,
            store: Arc::new(Mutex::new(None)),
            pending: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn initial_state(&self) -> StoreState {
        if KeyStore::exists(&self.path) {
            StoreState::Locked
        } else {
            StoreState::Absent
        }
    }

    /// Unlocks in the background at start when no one needs to be asked.
    pub fn start(&self) -> bool {
        if KeyStore::exists(&self.path) && has_auto_source(&self.config) {
            self.handle(KeysEffect::Unlock {
                passphrase: None,
                recover: false,
            });
            return true;
        }
        false
    }

    /// True when keys.age exists but nobody unlocked it yet.
    pub fn store_is_locked(&self) -> bool {
        KeyStore::exists(&self.path) && self.store.lock().map(|s| s.is_none()).unwrap_or(true)
    }

    /// Reports from a blocking thread, in order.
    fn send_blocking(&self, msg: KeysMsg) {
        let _ = self.tx.blocking_send(Msg::Keys(msg));
    }

    /// Reports from an async task, in order.
    async fn send(&self, msg: KeysMsg) {
        let _ = self.tx.send(Msg::Keys(msg)).await;
    }

    fn updated(&self, store: &KeyStore, note: String, backup_holds: Option<String>) -> KeysMsg {
        KeysMsg::Updated {
            entries: meta(store),
            note,
            backup_holds,
            env_candidates: candidates(&self.config, Some(store)),
            warnings: store.warnings.clone(),
        }
    }

    /// Runs a change and reports the store with `note`.
    fn change(
        &self,
        note: &'static str,
        op: impl FnOnce(&mut KeyStore) -> Result<(), KeystoreError> + Send + 'static,
    ) {
        let this = self.clone();
        self.with_store(move |store| {
            op(store)?;
            Ok(this.updated(store, note.into(), None))
        });
    }

    /// Runs a change on a blocking thread with the store locked.
    fn with_store(
        &self,
        f: impl FnOnce(&mut KeyStore) -> Result<KeysMsg, KeystoreError> + Send + 'static,
    ) {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let msg = {
                let mut guard = this.store.lock().unwrap_or_else(|p| p.into_inner());
                match guard.as_mut() {
                    Some(store) => f(store).unwrap_or_else(|e| KeysMsg::Failed {
                        error: e.to_string(),
                    }),
                    None => KeysMsg::Failed {
                        error: "The key store is locked; unlock it first.".into(),
                    },
                }
            };
            this.send_blocking(msg);
        });
    }

    fn unlock_source(&self, passphrase: Option<SecretString>) -> Result<Unlock, KeystoreError> {
        match unlock::from_environment(self.config.keystore.identity_file.as_deref())? {
            // A typed passphrase with an identity source is the SSH key's passphrase.
            Some(u @ Unlock::Identity(_)) => Ok(u),
            Some(u) if passphrase.is_none() => Ok(u),
            _ => passphrase
                .map(Unlock::Passphrase)
                .ok_or(KeystoreError::NoPassphraseSource),
        }
    }

    pub fn handle(&self, effect: KeysEffect) {
        match effect {
            // config.toml, not the key store: the runtime's effects write it.
            KeysEffect::Unlock {
                passphrase,
                recover,
            } => self.open_or_create(passphrase.map(|s| s.0), false, recover),
            KeysEffect::Create { passphrase } => {
                self.open_or_create(passphrase.map(|s| s.0), true, false)
            }
            KeysEffect::CreateWithIdentity { path } => self.create_with_identity(path),
            KeysEffect::TestNew {
                req,
                provider,
                secret,
            } => {
                self.pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(req, (secret.0.clone(), None));
                let this = self.clone();
                tokio::spawn(async move {
                    let outcome = this.check(&provider, &secret.0).await;
                    if let Some(p) = this
                        .pending
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_mut(&req)
                    {
                        p.1 = Some(outcome.clone());
                    }
                    this.send(KeysMsg::NewTested { req, outcome }).await;
                });
            }
            KeysEffect::DropNew { req } => {
                self.pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&req);
            }
            KeysEffect::SaveNew {
                req,
                provider,
                label,
                rotate,
            } => {
                let Some((secret, outcome)) = self
                    .pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&req)
                else {
                    return;
                };
                let test = outcome.map(|o| TestRecord {
                    at: now(),
                    result: o.check,
                    detail: o.detail,
                });
                let this = self.clone();
                self.with_store(move |store| match rotate {
                    Some(id) => {
                        store.rotate(&id, secret, now(), test)?;
                        let e = store.find(&id)?;
                        let note = format!(
                            "Rotated the {} key to {}; the old one stays in the backup: u undoes.",
                            e.provider,
                            e.masked()
                        );
                        Ok(this.updated(store, note, None))
                    }
                    None => {
                        let mut entry = KeyEntry::new(&provider, &label, secret, now());
                        entry.last_test = test;
                        let note = format!("Added {} for {provider}.", entry.masked());
                        match store.add(entry) {
                            Ok(_) => Ok(this.updated(store, note, None)),
                            Err(e @ KeystoreError::AlreadyStored { .. }) => Ok(KeysMsg::Failed {
                                error: e.to_string(),
                            }),
                            Err(e) => Err(e),
                        }
                    }
                });
            }
            KeysEffect::Refresh { id } => {
                let target = {
                    let guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
                    let Some(store) = guard.as_ref() else { return };
                    store
                        .find(&id)
                        .ok()
                        .map(|e| (e.provider.clone(), e.secret.clone()))
                };
                if let Some((provider, secret)) = target {
                    let this = self.clone();
                    tokio::spawn(async move {
                        let outcome = this.check(&provider, &secret).await;
                        this.send(KeysMsg::Refreshed {
                            id,
                            outcome,
                            at: now(),
                        })
                        .await;
                    });
                }
            }
            KeysEffect::Test { ids } => {
                let targets: Vec<(String, String, SecretString)> = {
                    let guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
                    let Some(store) = guard.as_ref() else { return };
                    ids.iter()
                        .filter_map(|id| {
                            store
                                .find(id)
                                .ok()
                                .map(|e| (e.id.clone(), e.provider.clone(), e.secret.clone()))
                        })
                        .collect()
                };
                for (id, provider, secret) in targets {
                    let this = self.clone();
                    tokio::spawn(async move {
                        let outcome = this.check(&provider, &secret).await;
                        let at = now();
                        this.send(KeysMsg::Tested {
                            id: id.clone(),
                            outcome: outcome.clone(),
                            at,
                        })
                        .await;
                        let record = TestRecord {
                            at,
                            result: outcome.check,
                            detail: outcome.detail,
                        };
                        let store = this.store.clone();
                        let _ = tokio::task::spawn_blocking(move || {
                            if let Some(s) =
                                store.lock().unwrap_or_else(|p| p.into_inner()).as_mut()
                                && let Err(e) = s.record_tests(vec![(id, record)])
                            {
                                tracing::warn!("could not save a key test result: {e}");
                            }
                        })
                        .await;
                    });
                }
            }
            KeysEffect::Remove { id } => {
                let this = self.clone();
                self.with_store(move |store| {
                    let masked = store.find(&id)?.masked();
                    store.commit(KeyOp::Remove { id: id.clone() })?;
                    let holds = store.backup_holds(&id).then(|| id.clone());
                    Ok(this.updated(store, format!("Deleted {masked}."), holds))
                });
            }
            KeysEffect::Activate { id } => {
                let this = self.clone();
                self.with_store(move |store| {
                    store.commit(KeyOp::Activate { id: id.clone() })?;
                    let e = store.find(&id)?;
                    Ok(this.updated(
                        store,
                        format!("{} is now the active {} key.", e.masked(), e.provider),
                        None,
                    ))
                });
            }
            KeysEffect::SetCap { id, monthly_usd } => {
                let this = self.clone();
                self.with_store(move |store| {
                    store.commit(KeyOp::SetCap { id, monthly_usd })?;
                    let note = match monthly_usd {
                        Some(v) => format!("Monthly cap set: ${v}."),
                        None => "Monthly cap removed.".into(),
                    };
                    Ok(this.updated(store, note, None))
                });
            }
            KeysEffect::Relabel { id, label } => {
                let this = self.clone();
                self.with_store(move |store| {
                    store.commit(KeyOp::Relabel { id, label })?;
                    Ok(this.updated(store, "Label saved.".into(), None))
                });
            }
            KeysEffect::Undo => self
                .change("Restored the previous version; u again redoes.", |s| {
                    s.undo()
                }),
            KeysEffect::PurgeBackup => self
                .change("Deleted the backup; the old key is gone for good.", |s| {
                    s.purge_backup().map(|_| ())
                }),
            KeysEffect::FixPermissions => self
                .change("keys.age is now 0600 and its directory 0700.", |s| {
                    s.fix_permissions()
                }),
            KeysEffect::ExportBundle {
                provider,
                recipients,
                path,
            } => {
                let this = self.clone();
                self.with_store(move |store| {
                    let note = bundles::export(store, provider.as_deref(), &recipients, &path);
                    Ok(match note {
                        Ok(note) => this.updated(store, note, None),
                        Err(error) => KeysMsg::Failed { error },
                    })
                });
            }
            KeysEffect::ImportBundle { path, identity } => {
                let this = self.clone();
                let configured = self.config.keystore.identity_file.clone();
                self.with_store(move |store| {
                    Ok(
                        match bundles::import(store, &path, &identity, configured.as_deref()) {
                            Ok(note) => this.updated(store, note, None),
                            Err(error) => KeysMsg::Failed { error },
                        },
                    )
                });
            }
            KeysEffect::ImportEnv => {
                let this = self.clone();
                let config = self.config.clone();
                self.with_store(move |store| {
                    let imported: Vec<String> = store
                        .import(env_keys(&config), now())?
                        .into_iter()
                        .filter_map(|(var, id)| id.map(|_| var))
                        .collect();
                    let note = if imported.is_empty() {
                        "Nothing new to import.".to_string()
                    } else {
                        format!(
                            "Imported {}. Now unset {} and remove {} from your shell profile.",
                            imported.join(", "),
                            if imported.len() == 1 { "it" } else { "them" },
                            if imported.len() == 1 { "it" } else { "them" },
                        )
                    };
                    Ok(this.updated(store, note, None))
                });
            }
        }
    }

    async fn check(&self, provider: &str, secret: &SecretString) -> CheckOutcome {
        match self.config.provider(provider, None) {
            Ok(choice) => {
                check_key(
                    self.client.get(),
                    &choice.endpoint,
                    secret,
                    self.config.timeouts(),
                )
                .await
            }
            Err(e) => CheckOutcome {
                check: crate::keystore::KeyCheck::Unknown,
                detail: format!("cannot test: {e}"),
            },
        }
    }

    /// Env keys offered at start, before any unlock (names only).
    pub fn env_candidates_now(&self) -> Vec<(String, String)> {
        candidates(&self.config, None)
    }
}
