//! The key manager's model and its part of the reducer: listing keys (metadata only, never
//! secrets), unlocking, adding (tested before saving), testing, rotating, undo, delete with
//! backup purge, activation, labels and importing keys from the environment.

use std::collections::BTreeSet;

use tui_textarea::TextArea;

mod actions;
pub mod bundle_dialogs;
mod dialog;
pub mod dialogs;
mod msg;

pub use msg::{KeysEffect, KeysMsg};

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
    /// Monthly cap, exactly as the key store keeps it.
    pub cap: Option<crate::chat::money::Usd>,
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

/// A modal step of the key manager, one small type each (`dialogs`). Inputs are masked where
/// they hold secrets; `Debug` never shows their text.
#[derive(Clone)]
pub enum KeyDialog {
    Passphrase(dialogs::Passphrase),
    ChooseProvider(dialogs::ChooseProvider),
    Label(dialogs::Label),
    Secret(dialogs::SecretField),
    Testing(dialogs::Testing),
    ConfirmUnverified(dialogs::ConfirmUnverified),
    ConfirmDelete(dialogs::ConfirmDelete),
    OfferPurge(dialogs::OfferPurge),
    EditLabel(dialogs::EditLabel),
    EditCap(dialogs::EditCap),
    ExportBundle(bundle_dialogs::ExportBundle),
    ImportBundle(bundle_dialogs::ImportBundle),
}

/// Which monthly cap the budget dialog edits. Key caps live in the key store; provider and
/// global caps in config.toml (`[budget]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapScope {
    Key,
    Provider,
    Global,
}

impl CapScope {
    pub fn next(self) -> Self {
        match self {
            CapScope::Key => CapScope::Provider,
            CapScope::Provider => CapScope::Global,
            CapScope::Global => CapScope::Key,
        }
    }
}

impl std::fmt::Debug for KeyDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            KeyDialog::Passphrase(_) => "Passphrase",
            KeyDialog::ChooseProvider(_) => "ChooseProvider",
            KeyDialog::Label(_) => "Label",
            KeyDialog::Secret(_) => "Secret",
            KeyDialog::Testing(_) => "Testing",
            KeyDialog::ConfirmUnverified(_) => "ConfirmUnverified",
            KeyDialog::ConfirmDelete(_) => "ConfirmDelete",
            KeyDialog::OfferPurge(_) => "OfferPurge",
            KeyDialog::EditLabel(_) => "EditLabel",
            KeyDialog::EditCap(_) => "EditCap",
            KeyDialog::ExportBundle(_) => "ExportBundle",
            KeyDialog::ImportBundle(_) => "ImportBundle",
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
    /// What a gateway's last answer said of its key's spend and budget, by provider id.
    pub gateway: std::collections::BTreeMap<String, crate::providers::gateway::KeySpend>,
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
            gateway: Default::default(),
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

fn input(masked: bool, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    if masked {
        t.set_mask_char('•');
        // No undo history: a secret field keeps no earlier copies of what was typed.
        t.set_max_histories(0);
    }
    t.set_placeholder_text(placeholder);
    t
}

fn text_of(t: &TextArea) -> String {
    t.lines().join("\n")
}

impl KeysPane {
    fn note(&mut self, text: impl Into<String>, is_error: bool) {
        self.message = Some(if is_error {
            Notice::error(text)
        } else {
            Notice::info(text)
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
            || matches!(self.dialog, Some(KeyDialog::Testing(_)))
    }

    /// Opens the passphrase prompt for unlocking (or for creating the store).
    pub fn ask_passphrase(&mut self, creating: bool) {
        self.dialog = Some(KeyDialog::Passphrase(dialogs::Passphrase::new(creating)));
    }

    /// Paste goes into the open dialog's input (a pasted key is the common case).
    pub fn paste(&mut self, text: &str) -> bool {
        match self.dialog_input() {
            Some(field) => field.insert_str(text.trim()),
            None => return false,
        };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn a_masked_field_keeps_no_undo_history() {
        let mut field = input(true, "paste the API key (hidden)");
        for c in "sk-test-CANARY-undo".chars() {
            field.input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        field.delete_line_by_head();
        assert_eq!(field.max_histories(), 0);
        assert!(!field.undo(), "an earlier copy of the secret came back");
        assert_eq!(field.lines().join(""), "");
        // A plain field keeps its history.
        let mut label = input(false, "label");
        label.input(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::NONE));
        assert!(label.undo());
    }

    #[test]
    fn a_secret_is_read_from_the_field_trimmed() {
        let mut field = input(true, "");
        field.insert_str("  sk-test-CANARY-trim \n");
        assert_eq!(
            Secret::from_field(&field),
            Secret::new("sk-test-CANARY-trim")
        );
    }
}
