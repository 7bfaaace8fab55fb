//! What the key manager asks of the runtime ([`KeysEffect`]) and what it hears back
//! ([`KeysMsg`]), and how the pane takes each report.

use super::*;
use crate::chat::money::Usd;

/// What the key manager asks the runtime to do. Secrets travel as [`Secret`].
#[derive(Debug, Clone, PartialEq)]
pub enum KeysEffect {
    /// Ask the provider about a key again without saving (OpenRouter's credit after a reply).
    Refresh {
        id: String,
    },
    /// Write keys (`provider`'s, or all) to `path`, encrypted to `recipients`.
    ExportBundle {
        provider: Option<String>,
        recipients: Vec<String>,
        path: String,
    },
    /// Add the keys of the bundle at `path`, opened with `identity` (empty: the default).
    ImportBundle {
        path: String,
        identity: String,
    },
    /// Unlock with this passphrase, or with the configured non-interactive source.
    Unlock {
        passphrase: Option<Secret>,
        /// The unlock is for `u` (undo): when keys.age cannot be read, restore it from the
        /// backup instead of failing.
        recover: bool,
    },
    /// Create keys.age protected by this passphrase (or the configured identity).
    Create {
        passphrase: Option<Secret>,
    },
    /// Test a key that is not saved yet; the runtime keeps it under `req` until saved.
    TestNew {
        req: u64,
        provider: String,
        secret: Secret,
    },
    /// Save the key tested under `req` (add, or rotate `rotate`).
    SaveNew {
        req: u64,
        provider: String,
        label: String,
        rotate: Option<String>,
    },
    DropNew {
        req: u64,
    },
    /// Create keys.age protected by an age identity or SSH key (welcome flow).
    CreateWithIdentity {
        path: std::path::PathBuf,
    },
    Test {
        ids: Vec<String>,
    },
    Remove {
        id: String,
    },
    Activate {
        id: String,
    },
    SetCap {
        id: String,
        monthly_usd: Option<crate::chat::money::Usd>,
    },
    Relabel {
        id: String,
        label: String,
    },
    Undo,
    PurgeBackup,
    ImportEnv,
    FixPermissions,
}

/// What the runtime reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum KeysMsg {
    Unlocked {
        method: String,
        entries: Vec<KeyMeta>,
        warnings: Vec<String>,
        env_candidates: Vec<(String, String)>,
    },
    UnlockFailed {
        error: String,
        wrong_passphrase: bool,
        store_exists: bool,
    },
    /// keys.age could not be read and was restored from its backup (for `u`).
    Recovered {
        method: String,
        entries: Vec<KeyMeta>,
        warnings: Vec<String>,
        env_candidates: Vec<(String, String)>,
        note: String,
    },
    Updated {
        entries: Vec<KeyMeta>,
        note: String,
        backup_holds: Option<String>,
        env_candidates: Vec<(String, String)>,
        warnings: Vec<String>,
    },
    Failed {
        error: String,
    },
    Tested {
        id: String,
        outcome: CheckOutcome,
        /// When the test ran (Unix seconds): time reaches the model on messages.
        at: u64,
    },
    /// What the provider says of a key now (not saved, no notice): its credit after a reply.
    Refreshed {
        id: String,
        outcome: CheckOutcome,
        at: u64,
    },
    NewTested {
        req: u64,
        outcome: CheckOutcome,
    },
}

impl KeysPane {
    /// A cap the budget dialog set was written to config.toml: say so.
    pub fn cap_saved(&mut self, provider: Option<&str>, monthly_usd: Option<Usd>, path: &str) {
        let whose = provider.map_or("The global monthly cap".to_string(), |p| {
            format!("The monthly cap for {p}")
        });
        let what = monthly_usd.map_or("removed".to_string(), |v| format!("set to ${v}"));
        self.note(format!("{whose} is {what} (saved in {path})."), false);
    }

    /// A report from the runtime (`budget`: config's caps, for an action resumed after
    /// unlocking).
    pub fn on_msg(
        &mut self,
        msg: KeysMsg,
        budget: &crate::usage::budget::BudgetConfig,
    ) -> Vec<KeysEffect> {
        match msg {
            KeysMsg::Unlocked {
                method,
                entries,
                warnings,
                env_candidates,
            } => {
                self.state = StoreState::Unlocked { method };
                self.set_entries(entries);
                self.env_candidates = env_candidates;
                self.warnings = warnings;
                if matches!(
                    self.dialog,
                    Some(KeyDialog::Passphrase(dialogs::Passphrase { .. }))
                ) {
                    self.dialog = None;
                }
                if let Some(action) = self.after_unlock.take() {
                    return self.action(action, budget);
                }
            }
            KeysMsg::Recovered {
                method,
                entries,
                warnings,
                env_candidates,
                note,
            } => {
                // The undo asked for is done: the restore was it.
                self.after_unlock = None;
                let effects = self.on_msg(
                    KeysMsg::Unlocked {
                        method,
                        entries,
                        warnings,
                        env_candidates,
                    },
                    budget,
                );
                self.note(note, false);
                return effects;
            }
            KeysMsg::UnlockFailed {
                error,
                wrong_passphrase,
                store_exists,
            } => {
                self.state = if store_exists {
                    StoreState::Locked
                } else {
                    StoreState::Absent
                };
                if wrong_passphrase {
                    self.dialog = Some(KeyDialog::Passphrase(dialogs::Passphrase {
                        input: input(true, "passphrase for keys.age"),
                        creating: false,
                        first: None,
                        error: Some(error),
                    }));
                } else {
                    self.dialog = None;
                    self.after_unlock = None;
                    self.note(error, true);
                }
            }
            KeysMsg::Updated {
                entries,
                note,
                backup_holds,
                env_candidates,
                warnings,
            } => {
                self.set_entries(entries);
                self.env_candidates = env_candidates;
                self.warnings = warnings;
                self.note(note, false);
                if let Some(id) = backup_holds {
                    self.dialog = Some(KeyDialog::OfferPurge(dialogs::OfferPurge { id }));
                }
            }
            KeysMsg::Failed { error } => {
                if matches!(
                    self.dialog,
                    Some(KeyDialog::Testing(dialogs::Testing { .. }))
                ) {
                    self.dialog = None;
                }
                self.note(error, true);
            }
            KeysMsg::Tested { id, outcome, at } => {
                self.testing.remove(&id);
                let mut who = id.clone();
                if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
                    e.last_test = Some(TestRecord {
                        at,
                        result: outcome.check,
                        detail: outcome.detail.clone(),
                    });
                    who = format!("{} {}", e.provider, e.masked);
                }
                self.note(
                    format!("{who}: {} — {}", outcome.check.label(), outcome.detail),
                    outcome.check != KeyCheck::Valid,
                );
            }
            KeysMsg::Refreshed { id, outcome, at } => {
                if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
                    e.last_test = Some(TestRecord {
                        at,
                        result: outcome.check,
                        detail: outcome.detail,
                    });
                }
            }
            KeysMsg::NewTested { req, outcome } => {
                if !matches!(self.dialog, Some(KeyDialog::Testing(dialogs::Testing { req: r, .. })) if r == req)
                {
                    return vec![KeysEffect::DropNew { req }];
                }
                if outcome.check == KeyCheck::Valid {
                    self.dialog = None;
                    self.note(outcome.detail.clone(), false);
                    return self.save_pending(req);
                }
                self.dialog = Some(KeyDialog::ConfirmUnverified(dialogs::ConfirmUnverified {
                    req,
                    outcome,
                }));
            }
        }
        Vec::new()
    }

    fn set_entries(&mut self, mut entries: Vec<KeyMeta>) {
        entries.sort_by(|a, b| {
            a.provider
                .cmp(&b.provider)
                .then(b.active.cmp(&a.active))
                .then(a.created.cmp(&b.created))
        });
        // The selection follows the key it was on, even when the order changes.
        let selected_id = self.selected_meta().map(|m| m.id.clone());
        self.entries = entries;
        self.selected = selected_id
            .and_then(|id| self.entries.iter().position(|e| e.id == id))
            .unwrap_or(self.selected)
            .min(self.entries.len().saturating_sub(1));
    }
}
