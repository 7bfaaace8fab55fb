//! The key manager's model and its part of the reducer: listing keys (metadata only, never
//! secrets), unlocking, adding (tested before saving), testing, rotating, undo, delete with
//! backup purge, activation, labels and importing keys from the environment.

use std::collections::BTreeSet;

use tui_textarea::TextArea;

mod dialog;

use super::secret::Secret;
use super::{Action, Notice};
use crate::keystore::{KeyCheck, TestRecord};
use crate::providers::validate::CheckOutcome;

/// What the key manager shows of a key: never the secret, only its last 4 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMeta {
    pub id: String,
    pub provider: String,
    pub label: String,
    pub masked: String,
    pub created: u64,
    pub rotated: Option<u64>,
    pub last_test: Option<TestRecord>,
    pub active: bool,
    /// Monthly cap in cents (the key store keeps dollars).
    pub cap_cents: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreState {
    /// No keys.age yet.
    Absent,
    /// keys.age exists; nobody unlocked it yet.
    Locked,
    Unlocking,
    Unlocked {
        method: String,
    },
}

/// A modal step of the key manager. Inputs are masked where they hold secrets; `Debug`
/// never shows their text.
#[derive(Clone)]
pub enum KeyDialog {
    Passphrase {
        input: TextArea<'static>,
        creating: bool,
        first: Option<Secret>,
        error: Option<String>,
    },
    ChooseProvider {
        selected: usize,
        rotate: Option<String>,
    },
    Label {
        provider: String,
        input: TextArea<'static>,
    },
    Secret {
        provider: String,
        label: String,
        rotate: Option<String>,
        input: TextArea<'static>,
    },
    Testing {
        req: u64,
        provider: String,
    },
    ConfirmUnverified {
        req: u64,
        outcome: CheckOutcome,
    },
    ConfirmDelete {
        id: String,
    },
    OfferPurge {
        id: String,
    },
    EditLabel {
        id: String,
        input: TextArea<'static>,
    },
    EditCap {
        id: String,
        input: TextArea<'static>,
    },
}

impl std::fmt::Debug for KeyDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            KeyDialog::Passphrase { .. } => "Passphrase",
            KeyDialog::ChooseProvider { .. } => "ChooseProvider",
            KeyDialog::Label { .. } => "Label",
            KeyDialog::Secret { .. } => "Secret",
            KeyDialog::Testing { .. } => "Testing",
            KeyDialog::ConfirmUnverified { .. } => "ConfirmUnverified",
            KeyDialog::ConfirmDelete { .. } => "ConfirmDelete",
            KeyDialog::OfferPurge { .. } => "OfferPurge",
            KeyDialog::EditLabel { .. } => "EditLabel",
            KeyDialog::EditCap { .. } => "EditCap",
        };
        write!(f, "KeyDialog::{name}")
    }
}

#[derive(Debug, Clone)]
pub struct KeysPane {
    pub state: StoreState,
    pub entries: Vec<KeyMeta>,
    pub selected: usize,
    pub testing: BTreeSet<String>,
    pub dialog: Option<KeyDialog>,
    pub message: Option<Notice>,
    /// Environment variables holding keys not yet in the store: (variable, provider id).
    pub env_candidates: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Providers a key can be added for: (id, display name).
    pub providers: Vec<(String, String)>,
    pub next_req: u64,
    /// The key being added or rotated while it is tested: (req, provider, label, rotate).
    /// The secret itself waits in the runtime, never here.
    pub pending: Option<(u64, String, String, Option<String>)>,
    /// An action to resume once the store is unlocked or created.
    pub after_unlock: Option<Action>,
    /// A non-interactive unlock source (identity file or passphrase variable) is configured.
    pub auto_source: bool,
    /// The provider the chat uses: preselected when adding a key.
    pub current_provider: Option<String>,
}

impl Default for KeysPane {
    fn default() -> Self {
        Self {
            state: StoreState::Absent,
            entries: Vec::new(),
            selected: 0,
            testing: BTreeSet::new(),
            dialog: None,
            message: None,
            env_candidates: Vec::new(),
            warnings: Vec::new(),
            providers: Vec::new(),
            next_req: 1,
            pending: None,
            after_unlock: None,
            auto_source: false,
            current_provider: None,
        }
    }
}

/// What the key manager asks the runtime to do. Secrets travel as [`Secret`].
#[derive(Debug, Clone, PartialEq)]
pub enum KeysEffect {
    /// Unlock with this passphrase, or with the configured non-interactive source.
    Unlock {
        passphrase: Option<Secret>,
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
        monthly_usd: Option<f64>,
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
    },
    NewTested {
        req: u64,
        outcome: CheckOutcome,
    },
}

fn input(masked: bool, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    if masked {
        t.set_mask_char('•');
    }
    t.set_placeholder_text(placeholder);
    t
}

fn text_of(t: &TextArea) -> String {
    t.lines().join("\n")
}

impl KeysPane {
    fn note(&mut self, text: impl Into<String>, is_error: bool) {
        self.message = Some(Notice {
            text: text.into(),
            is_error,
        });
    }

    fn selected_meta(&self) -> Option<&KeyMeta> {
        self.entries.get(self.selected)
    }

    fn fresh_req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    pub fn busy(&self) -> bool {
        self.state == StoreState::Unlocking
            || !self.testing.is_empty()
            || matches!(self.dialog, Some(KeyDialog::Testing { .. }))
    }

    /// Opens the passphrase prompt for unlocking (or for creating the store).
    pub fn ask_passphrase(&mut self, creating: bool) {
        let placeholder = if creating {
            "new passphrase for keys.age"
        } else {
            "passphrase for keys.age"
        };
        self.dialog = Some(KeyDialog::Passphrase {
            input: input(true, placeholder),
            creating,
            first: None,
            error: None,
        });
    }

    /// Paste goes into the open dialog's input (a pasted key is the common case).
    pub fn paste(&mut self, text: &str) -> bool {
        match self.dialog_input() {
            Some(field) => field.insert_str(text.trim()),
            None => return false,
        };
        true
    }

    /// A pane action (no dialog open). Returns effects for the runtime.
    pub fn action(&mut self, action: Action) -> Vec<KeysEffect> {
        self.message = None;
        let unlocked = matches!(self.state, StoreState::Unlocked { .. });
        let creates = matches!(action, Action::KeyAdd | Action::KeyImportEnv);
        match (&self.state, action) {
            (_, Action::ScrollUp | Action::ScrollDown) => {}
            (StoreState::Locked, _) => {
                self.after_unlock = Some(action);
                self.ask_passphrase(false);
                return Vec::new();
            }
            (StoreState::Unlocking, _) => {
                self.note("Unlocking the key store…", false);
                return Vec::new();
            }
            (StoreState::Absent, _) if creates => {
                self.after_unlock = Some(action);
                if self.auto_source {
                    self.state = StoreState::Unlocking;
                    return vec![KeysEffect::Create { passphrase: None }];
                }
                self.ask_passphrase(true);
                self.note(
                    "First key: choose a passphrase to protect keys.age (asked once per session).",
                    false,
                );
                return Vec::new();
            }
            _ => {}
        }
        match action {
            Action::ScrollUp => self.selected = self.selected.saturating_sub(1),
            Action::ScrollDown => {
                self.selected = (self.selected + 1).min(self.entries.len().saturating_sub(1))
            }
            Action::KeyAdd => {
                if self.providers.is_empty() {
                    self.note("No providers in config to add a key for: add a [providers.<id>] table first.", true);
                } else {
                    let selected = self
                        .current_provider
                        .as_ref()
                        .and_then(|c| self.providers.iter().position(|(id, _)| id == c))
                        .unwrap_or(0);
                    self.dialog = Some(KeyDialog::ChooseProvider {
                        selected,
                        rotate: None,
                    });
                }
            }
            _ if !unlocked => self.note("No keys yet: press a to add one.", false),
            Action::KeyTest => {
                if let Some(m) = self.selected_meta() {
                    let id = m.id.clone();
                    self.testing.insert(id.clone());
                    return vec![KeysEffect::Test { ids: vec![id] }];
                }
            }
            Action::KeyTestAll => {
                let ids: Vec<String> = self.entries.iter().map(|e| e.id.clone()).collect();
                if ids.is_empty() {
                    self.note("No keys to test.", false);
                } else {
                    self.testing.extend(ids.iter().cloned());
                    return vec![KeysEffect::Test { ids }];
                }
            }
            Action::KeyRotate => {
                if let Some(m) = self.selected_meta().cloned() {
                    self.dialog = Some(KeyDialog::Secret {
                        provider: m.provider.clone(),
                        label: m.label.clone(),
                        rotate: Some(m.id.clone()),
                        input: input(true, "paste the new key (hidden)"),
                    });
                }
            }
            Action::KeyUndo => return vec![KeysEffect::Undo],
            Action::KeyDelete => {
                if let Some(m) = self.selected_meta() {
                    self.dialog = Some(KeyDialog::ConfirmDelete { id: m.id.clone() });
                }
            }
            Action::KeyActivate => {
                if let Some(m) = self.selected_meta() {
                    return vec![KeysEffect::Activate { id: m.id.clone() }];
                }
            }
            Action::KeyEditLabel => {
                if let Some(m) = self.selected_meta().cloned() {
                    let mut t = input(false, "label");
                    t.insert_str(&m.label);
                    self.dialog = Some(KeyDialog::EditLabel { id: m.id, input: t });
                }
            }
            Action::KeyBudget => {
                if let Some(m) = self.selected_meta().cloned() {
                    let mut t = input(false, "dollars a month, empty for no cap");
                    if let Some(c) = m.cap_cents {
                        t.insert_str(format!("{}.{:02}", c / 100, c % 100));
                    }
                    self.dialog = Some(KeyDialog::EditCap { id: m.id, input: t });
                }
            }
            Action::KeyFixPermissions => {
                if self.warnings.is_empty() {
                    self.note("Permissions are already owner-only.", false);
                } else {
                    return vec![KeysEffect::FixPermissions];
                }
            }
            Action::KeyImportEnv => {
                if self.env_candidates.is_empty() {
                    self.note(
                        "No keys found in the environment that are not stored already.",
                        false,
                    );
                } else {
                    return vec![KeysEffect::ImportEnv];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A report from the runtime.
    pub fn on_msg(&mut self, msg: KeysMsg) -> Vec<KeysEffect> {
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
                if matches!(self.dialog, Some(KeyDialog::Passphrase { .. })) {
                    self.dialog = None;
                }
                if let Some(action) = self.after_unlock.take() {
                    return self.action(action);
                }
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
                    self.dialog = Some(KeyDialog::Passphrase {
                        input: input(true, "passphrase for keys.age"),
                        creating: false,
                        first: None,
                        error: Some(error),
                    });
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
                    self.dialog = Some(KeyDialog::OfferPurge { id });
                }
            }
            KeysMsg::Failed { error } => {
                if matches!(self.dialog, Some(KeyDialog::Testing { .. })) {
                    self.dialog = None;
                }
                self.note(error, true);
            }
            KeysMsg::Tested { id, outcome } => {
                self.testing.remove(&id);
                let mut who = id.clone();
                if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
                    e.last_test = Some(TestRecord {
                        at: crate::keystore::entry::now(),
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
            KeysMsg::NewTested { req, outcome } => {
                if !matches!(self.dialog, Some(KeyDialog::Testing { req: r, .. }) if r == req) {
                    return vec![KeysEffect::DropNew { req }];
                }
                if outcome.check == KeyCheck::Valid {
                    self.dialog = None;
                    self.note(outcome.detail.clone(), false);
                    return self.save_pending(req);
                }
                self.dialog = Some(KeyDialog::ConfirmUnverified { req, outcome });
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
