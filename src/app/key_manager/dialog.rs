//! The pane's side of its dialogs: a key goes to the open dialog, and what it decided is
//! applied to the pane (the next dialog, an effect for the key store, a note).

use super::dialogs::{EditCap, Outcome, Press};
use super::{KeyDialog, KeysEffect, KeysPane, StoreState};
use crate::app::Effect;
use crate::keymap::Action;

fn keys(effects: Vec<KeysEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Keys).collect()
}

impl KeyDialog {
    /// The dialog's own key handling.
    fn on_key(&mut self, press: &Press, providers: &[(String, String)]) -> Outcome {
        match self {
            KeyDialog::Passphrase(d) => d.on_key(press),
            KeyDialog::ChooseProvider(d) => d.on_key(press, providers),
            KeyDialog::Label(d) => d.on_key(press),
            KeyDialog::Secret(d) => d.on_key(press),
            KeyDialog::Testing(d) => d.on_key(press),
            KeyDialog::ConfirmUnverified(d) => d.on_key(press),
            KeyDialog::ConfirmDelete(d) => d.on_key(press),
            KeyDialog::OfferPurge(d) => d.on_key(press),
            KeyDialog::EditLabel(d) => d.on_key(press),
            KeyDialog::EditCap(d) => d.on_key(press),
            KeyDialog::ExportBundle(d) => d.on_key(press),
            KeyDialog::ImportBundle(d) => d.on_key(press),
        }
    }

    /// The text field of the dialog, if it has one.
    pub fn field(&mut self) -> Option<&mut tui_textarea::TextArea<'static>> {
        match self {
            KeyDialog::Passphrase(d) => Some(&mut d.input),
            KeyDialog::Label(d) => Some(&mut d.input),
            KeyDialog::Secret(d) => Some(&mut d.input),
            KeyDialog::EditLabel(d) => Some(&mut d.input),
            KeyDialog::EditCap(d) => Some(&mut d.input),
            KeyDialog::ExportBundle(d) => Some(if d.on_file {
                &mut d.file
            } else {
                &mut d.recipients
            }),
            KeyDialog::ImportBundle(d) => Some(if d.on_identity {
                &mut d.identity
            } else {
                &mut d.file
            }),
            KeyDialog::ChooseProvider(_)
            | KeyDialog::Testing(_)
            | KeyDialog::ConfirmUnverified(_)
            | KeyDialog::ConfirmDelete(_)
            | KeyDialog::OfferPurge(_) => None,
        }
    }
}

impl KeysPane {
    /// A key press while a dialog is open: `action` is what the dialog key map makes of it
    /// (`budget`: config's caps, for the budget dialog).
    pub fn dialog_key(
        &mut self,
        action: Option<Action>,
        key: crossterm::event::KeyEvent,
        budget: &crate::usage::budget::BudgetConfig,
    ) -> Vec<Effect> {
        let press = Press { action, key };
        let Some(dialog) = self.dialog.as_mut() else {
            return Vec::new();
        };
        let unverified = matches!(dialog, KeyDialog::ConfirmUnverified(_));
        match dialog.on_key(&press, &self.providers) {
            Outcome::Stay => {}
            Outcome::Close => self.dialog = None,
            Outcome::Cancel => {
                self.dialog = None;
                self.after_unlock = None;
            }
            Outcome::Next(next) => self.dialog = Some(*next),
            Outcome::Effect(effect) => {
                self.dialog = None;
                return vec![Effect::Keys(effect)];
            }
            Outcome::Config(edit) => {
                self.dialog = None;
                return vec![Effect::EditConfig(edit)];
            }
            Outcome::Passphrase { secret, creating } => {
                self.dialog = None;
                self.state = StoreState::Unlocking;
                return vec![Effect::Keys(if creating {
                    KeysEffect::Create {
                        passphrase: Some(secret),
                    }
                } else {
                    KeysEffect::Unlock {
                        passphrase: Some(secret),
                        recover: self.after_unlock == Some(crate::keymap::Action::KeyUndo),
                    }
                })];
            }
            Outcome::TestNew {
                provider,
                label,
                rotate,
                secret,
            } => return keys(self.test_new(provider, label, rotate, secret)),
            Outcome::SaveTested(req) => {
                self.dialog = None;
                return keys(self.save_pending(req));
            }
            Outcome::DropTested(req) => {
                self.dialog = None;
                self.pending = None;
                if unverified {
                    self.note("Not saved.", false);
                }
                return vec![Effect::Keys(KeysEffect::DropNew { req })];
            }
            Outcome::Note { text, is_error } => self.note(text, is_error),
            Outcome::CapScope(mut scope) => {
                if let Some(KeyDialog::EditCap(d)) = &self.dialog {
                    let (id, provider) = (d.id.clone(), d.provider.clone());
                    // Only the scopes that exist: no key, or no provider, is skipped.
                    for _ in 0..3 {
                        let missing = (scope == super::CapScope::Key && id.is_empty())
                            || (scope == super::CapScope::Provider && provider.is_empty());
                        if !missing {
                            break;
                        }
                        scope = scope.next();
                    }
                    let input = self.cap_input(scope, &id, &provider, budget);
                    self.dialog = Some(KeyDialog::EditCap(EditCap {
                        id,
                        provider,
                        scope,
                        input,
                    }));
                }
            }
        }
        Vec::new()
    }

    /// A new key typed in: say what its shape suggests, then test it before saving.
    fn test_new(
        &mut self,
        provider: String,
        label: String,
        rotate: Option<String>,
        secret: crate::app::secret::Secret,
    ) -> Vec<KeysEffect> {
        if let Some(hint) = crate::providers::hints::prefix_hint(
            &provider,
            secrecy::ExposeSecret::expose_secret(&secret.0),
        ) {
            self.note(hint, false);
        }
        let req = self.fresh_req();
        self.pending = Some((req, provider.clone(), label, rotate));
        self.dialog = Some(KeyDialog::Testing(super::dialogs::Testing {
            req,
            provider: provider.clone(),
        }));
        vec![KeysEffect::TestNew {
            req,
            provider,
            secret,
        }]
    }

    /// The text field of the open dialog, if it has one.
    pub(super) fn dialog_input(&mut self) -> Option<&mut tui_textarea::TextArea<'static>> {
        self.dialog.as_mut().and_then(KeyDialog::field)
    }

    pub(super) fn save_pending(&mut self, req: u64) -> Vec<KeysEffect> {
        match self.pending.take() {
            Some((r, provider, label, rotate)) if r == req => vec![KeysEffect::SaveNew {
                req,
                provider,
                label,
                rotate,
            }],
            _ => Vec::new(),
        }
    }
}
