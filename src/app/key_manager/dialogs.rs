//! The key manager's dialogs, one small type each. A dialog handles its own keys (as the
//! dialog key map names them; other keys type into its field) and answers with an
//! [`Outcome`]; the pane applies outcomes to its state. `Debug` never shows what a field holds.

use crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use super::{CapScope, input, text_of};
use crate::app::secret::Secret;
use crate::keymap::Action;
use crate::providers::validate::CheckOutcome;

/// What a dialog decided.
#[derive(Debug)]
pub enum Outcome {
    /// It stays (and may have changed itself).
    Stay,
    /// It closes.
    Close,
    /// It closes, and an action waiting for the unlock is dropped.
    Cancel,
    /// Another dialog takes its place.
    Next(Box<super::KeyDialog>),
    /// It closes; the key store is asked for this.
    Effect(super::KeysEffect),
    /// A passphrase to unlock the store with, or to create it with.
    Passphrase {
        secret: Secret,
        creating: bool,
    },
    /// A new secret for a key: test it, then save it (or replace `rotate`'s).
    TestNew {
        provider: String,
        label: String,
        rotate: Option<String>,
        secret: Secret,
    },
    /// The tested key that was not verified: save it anyway, or drop it.
    SaveTested(u64),
    DropTested(u64),
    /// A word for the pane's message line; the dialog stays.
    Note {
        text: String,
        is_error: bool,
    },
    /// The budget dialog moves to another cap.
    CapScope(CapScope),
    /// It closes; config.toml gets this edit (a provider's or the global cap).
    Config(crate::app::ConfigEdit),
}

/// The action and key a dialog is given.
pub struct Press {
    pub action: Option<Action>,
    pub key: KeyEvent,
}

impl Press {
    pub(super) fn is(&self, action: Action) -> bool {
        self.action == Some(action)
    }
}

/// Text-field dialogs: Enter (confirm) submits, Esc (cancel) closes, other keys type.
pub(super) fn field_key(field: &mut TextArea<'static>, press: &Press) -> Option<Outcome> {
    if press.is(Action::Cancel) {
        return Some(Outcome::Cancel);
    }
    if press.is(Action::Confirm) {
        return None;
    }
    crate::app::line_edit::single_line_key(field, press.key);
    Some(Outcome::Stay)
}

/// Yes/no dialogs: y says yes, n or Esc say no; None for any other key.
fn yes_no(press: &Press) -> Option<bool> {
    if press.is(Action::Yes) {
        Some(true)
    } else if press.is(Action::No) || press.is(Action::Cancel) {
        Some(false)
    } else {
        None
    }
}

#[derive(Clone)]
pub struct Passphrase {
    pub input: TextArea<'static>,
    pub creating: bool,
    /// Creating: the passphrase typed the first time, to compare with the second.
    pub first: Option<Secret>,
    pub error: Option<String>,
}

impl Passphrase {
    pub fn new(creating: bool) -> Self {
        let placeholder = if creating {
            "new passphrase for keys.age"
        } else {
            "passphrase for keys.age"
        };
        Self {
            input: input(true, placeholder),
            creating,
            first: None,
            error: None,
        }
    }

    pub fn on_key(&mut self, press: &Press) -> Outcome {
        self.error = None;
        if let Some(o) = field_key(&mut self.input, press) {
            return o;
        }
        let typed = Secret::from_field(&self.input);
        if typed.is_empty() {
            self.error = Some("Type a passphrase, or Esc to cancel.".into());
            return Outcome::Stay;
        }
        if !self.creating {
            return Outcome::Passphrase {
                secret: typed,
                creating: false,
            };
        }
        match self.first.take() {
            None => Outcome::Next(Box::new(super::KeyDialog::Passphrase(Passphrase {
                input: input(true, "repeat the new passphrase"),
                creating: true,
                first: Some(typed),
                error: None,
            }))),
            Some(first) if first == typed => Outcome::Passphrase {
                secret: typed,
                creating: true,
            },
            Some(_) => Outcome::Next(Box::new(super::KeyDialog::Passphrase(Passphrase {
                error: Some("The two passphrases differ; type it again.".into()),
                ..Passphrase::new(true)
            }))),
        }
    }
}

#[derive(Clone)]
pub struct ChooseProvider {
    pub selected: usize,
    pub rotate: Option<String>,
}

impl ChooseProvider {
    pub fn on_key(&mut self, press: &Press, providers: &[(String, String)]) -> Outcome {
        let last = providers.len().saturating_sub(1);
        match press.action {
            Some(Action::ListUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::ListDown) => self.selected = (self.selected + 1).min(last),
            Some(Action::Confirm) => {
                let Some((provider, _)) = providers.get(self.selected.min(last)) else {
                    return Outcome::Close;
                };
                return Outcome::Next(Box::new(super::KeyDialog::Label(Label {
                    provider: provider.clone(),
                    input: input(false, "label, e.g. work (optional)"),
                })));
            }
            Some(Action::Cancel) => return Outcome::Cancel,
            _ => {}
        }
        Outcome::Stay
    }
}

#[derive(Clone)]
pub struct Label {
    pub provider: String,
    pub input: TextArea<'static>,
}

impl Label {
    pub fn on_key(&mut self, press: &Press) -> Outcome {
        if let Some(o) = field_key(&mut self.input, press) {
            return o;
        }
        Outcome::Next(Box::new(super::KeyDialog::Secret(SecretField::new(
            &self.provider,
            crate::text::sanitize::sanitize_line(text_of(&self.input).trim()),
            None,
        ))))
    }
}

/// The masked field a new key is pasted into.
#[derive(Clone)]
pub struct SecretField {
    pub provider: String,
    pub label: String,
    /// The key this one replaces (a rotation), if any.
    pub rotate: Option<String>,
    pub input: TextArea<'static>,
}

impl SecretField {
    pub fn new(provider: &str, label: String, rotate: Option<String>) -> Self {
        Self {
            provider: provider.to_string(),
            label,
            rotate,
            input: input(true, "paste the API key (hidden)"),
        }
    }

    pub fn on_key(&mut self, press: &Press) -> Outcome {
        if let Some(o) = field_key(&mut self.input, press) {
            return o;
        }
        let secret = Secret::from_field(&self.input);
        if secret.is_empty() {
            return Outcome::Stay;
        }
        Outcome::TestNew {
            provider: self.provider.clone(),
            label: self.label.clone(),
            rotate: self.rotate.clone(),
            secret,
        }
    }
}

/// A new key being tested; Esc drops it.
#[derive(Clone)]
pub struct Testing {
    pub req: u64,
    pub provider: String,
}

impl Testing {
    pub fn on_key(&self, press: &Press) -> Outcome {
        if press.is(Action::Cancel) {
            Outcome::DropTested(self.req)
        } else {
            Outcome::Stay
        }
    }
}

#[derive(Clone)]
pub struct ConfirmUnverified {
    pub req: u64,
    pub outcome: CheckOutcome,
}

impl ConfirmUnverified {
    pub fn on_key(&self, press: &Press) -> Outcome {
        match yes_no(press) {
            Some(true) => Outcome::SaveTested(self.req),
            Some(false) => Outcome::DropTested(self.req),
            None => Outcome::Stay,
        }
    }
}

#[derive(Clone)]
pub struct ConfirmDelete {
    pub id: String,
}

impl ConfirmDelete {
    pub fn on_key(&self, press: &Press) -> Outcome {
        match yes_no(press) {
            Some(true) => Outcome::Effect(super::KeysEffect::Remove {
                id: self.id.clone(),
            }),
            Some(false) => Outcome::Close,
            None => Outcome::Stay,
        }
    }
}

#[derive(Clone)]
pub struct OfferPurge {
    pub id: String,
}

impl OfferPurge {
    pub fn on_key(&self, press: &Press) -> Outcome {
        match yes_no(press) {
            Some(true) => Outcome::Effect(super::KeysEffect::PurgeBackup),
            Some(false) => Outcome::Close,
            None => Outcome::Stay,
        }
    }
}

#[derive(Clone)]
pub struct EditLabel {
    pub id: String,
    pub input: TextArea<'static>,
}

impl EditLabel {
    pub fn on_key(&mut self, press: &Press) -> Outcome {
        if let Some(o) = field_key(&mut self.input, press) {
            return o;
        }
        Outcome::Effect(super::KeysEffect::Relabel {
            id: self.id.clone(),
            label: crate::text::sanitize::sanitize_line(text_of(&self.input).trim()),
        })
    }
}

/// A monthly cap: for the selected key, its provider, or everything (Tab changes which).
#[derive(Clone)]
pub struct EditCap {
    pub id: String,
    pub provider: String,
    pub scope: CapScope,
    pub input: TextArea<'static>,
}

impl EditCap {
    pub fn on_key(&mut self, press: &Press) -> Outcome {
        if press.is(Action::DialogNext) {
            return Outcome::CapScope(self.scope.next());
        }
        if let Some(o) = field_key(&mut self.input, press) {
            return o;
        }
        let text = text_of(&self.input).trim().to_string();
        let monthly_usd = if text.is_empty() {
            None
        } else {
            match crate::chat::money::Usd::parse(&text) {
                Some(v) => Some(v),
                None => {
                    return Outcome::Note {
                        text: "A cap is a number of dollars, e.g. 5 or 12.50.".into(),
                        is_error: true,
                    };
                }
            }
        };
        let provider = match self.scope {
            CapScope::Key => {
                return Outcome::Effect(super::KeysEffect::SetCap {
                    id: self.id.clone(),
                    monthly_usd,
                });
            }
            CapScope::Provider => Some(self.provider.clone()),
            CapScope::Global => None,
        };
        Outcome::Config(crate::app::ConfigEdit::BudgetCap {
            provider,
            monthly_usd,
        })
    }
}
