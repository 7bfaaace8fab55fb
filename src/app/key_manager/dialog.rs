//! The key manager's dialogs: what each key press does in a text field or a yes/no question.

use tui_textarea::TextArea;

use crate::keymap::Action;

use super::{CapScope, KeyDialog, KeysEffect, KeysPane, StoreState, input, text_of};
use crate::app::secret::Secret;

impl KeysPane {
    /// A key press while a dialog is open: `action` is what the dialog key map makes of it
    /// (`budget`: config's caps, for the budget dialog).
    pub fn dialog_key(
        &mut self,
        action: Option<Action>,
        key: crossterm::event::KeyEvent,
        budget: &crate::usage::budget::BudgetConfig,
    ) -> Vec<KeysEffect> {
        let confirm = action == Some(Action::Confirm);
        let esc = action == Some(Action::Cancel);
        // The next field of the budget dialog: the key's, its provider's or the global cap.
        if action == Some(Action::DialogNext)
            && let Some(KeyDialog::EditCap {
                id,
                provider,
                scope,
                ..
            }) = &self.dialog
        {
            let (id, provider, scope) = (id.clone(), provider.clone(), scope.next());
            let input = self.cap_input(scope, &id, &provider, budget);
            self.dialog = Some(KeyDialog::EditCap {
                id,
                provider,
                scope,
                input,
            });
            return Vec::new();
        }
        // In a dialog with a text field every key but confirm and cancel edits the field.
        if !(confirm || esc) {
            if let Some(KeyDialog::Passphrase { error, .. }) = &mut self.dialog {
                *error = None;
            }
            if let Some(field) = self.dialog_input() {
                field.input(key);
                return Vec::new();
            }
        }
        let Some(dialog) = self.dialog.take() else {
            return Vec::new();
        };
        let yes = action == Some(Action::Yes);
        let no = action == Some(Action::No) || esc;
        match dialog {
            // Esc closes any text dialog; what follows is Enter.
            KeyDialog::Passphrase { .. }
            | KeyDialog::Label { .. }
            | KeyDialog::Secret { .. }
            | KeyDialog::EditLabel { .. }
            | KeyDialog::EditCap { .. }
                if esc =>
            {
                self.after_unlock = None;
            }
            KeyDialog::Passphrase {
                input,
                creating,
                first,
                ..
            } => return self.submit_passphrase(input, creating, first),
            KeyDialog::ChooseProvider {
                mut selected,
                rotate,
            } => {
                match action {
                    Some(Action::ListUp) => selected = selected.saturating_sub(1),
                    Some(Action::ListDown) => {
                        selected = (selected + 1).min(self.providers.len().saturating_sub(1))
                    }
                    Some(Action::Confirm) => {
                        let provider = self.providers[selected.min(self.providers.len() - 1)]
                            .0
                            .clone();
                        self.dialog = Some(KeyDialog::Label {
                            provider,
                            input: input(false, "label, e.g. work (optional)"),
                        });
                        return Vec::new();
                    }
                    Some(Action::Cancel) => return Vec::new(),
                    _ => {}
                }
                self.dialog = Some(KeyDialog::ChooseProvider { selected, rotate });
            }
            KeyDialog::Label { provider, input } => {
                let label = crate::text::sanitize::sanitize_line(text_of(&input).trim());
                self.dialog = Some(KeyDialog::Secret {
                    provider,
                    label,
                    rotate: None,
                    input: self::input(true, "paste the API key (hidden)"),
                });
            }
            KeyDialog::Secret {
                provider,
                label,
                rotate,
                input,
            } => {
                let secret = Secret::from_field(&input);
                if secret.is_empty() {
                    self.dialog = Some(KeyDialog::Secret {
                        provider,
                        label,
                        rotate,
                        input,
                    });
                    return Vec::new();
                }
                if let Some(hint) = crate::providers::hints::prefix_hint(
                    &provider,
                    secrecy::ExposeSecret::expose_secret(&secret.0),
                ) {
                    self.note(hint, false);
                }
                let req = self.fresh_req();
                self.pending = Some((req, provider.clone(), label, rotate));
                self.dialog = Some(KeyDialog::Testing {
                    req,
                    provider: provider.clone(),
                });
                return vec![KeysEffect::TestNew {
                    req,
                    provider,
                    secret,
                }];
            }
            KeyDialog::EditLabel { id, input } => {
                let label = crate::text::sanitize::sanitize_line(text_of(&input).trim());
                return vec![KeysEffect::Relabel { id, label }];
            }
            KeyDialog::EditCap {
                id,
                provider,
                scope,
                input,
            } => {
                let text = text_of(&input).trim().to_string();
                let monthly_usd = match crate::chat::money::Usd::parse(&text) {
                    _ if text.is_empty() => None,
                    Some(v) => Some(v),
                    None => {
                        self.note("A cap is a number of dollars, e.g. 5 or 12.50.", true);
                        self.dialog = Some(KeyDialog::EditCap {
                            id,
                            provider,
                            scope,
                            input,
                        });
                        return Vec::new();
                    }
                };
                return vec![match scope {
                    CapScope::Key => KeysEffect::SetCap { id, monthly_usd },
                    CapScope::Provider => KeysEffect::SetConfigCap {
                        provider: Some(provider),
                        monthly_usd,
                    },
                    CapScope::Global => KeysEffect::SetConfigCap {
                        provider: None,
                        monthly_usd,
                    },
                }];
            }
            KeyDialog::Testing { req, provider } => {
                if esc {
                    self.pending = None;
                    return vec![KeysEffect::DropNew { req }];
                }
                self.dialog = Some(KeyDialog::Testing { req, provider });
            }
            KeyDialog::ConfirmUnverified { req, outcome } => {
                if yes {
                    return self.save_pending(req);
                }
                if no {
                    self.pending = None;
                    self.note("Not saved.", false);
                    return vec![KeysEffect::DropNew { req }];
                }
                self.dialog = Some(KeyDialog::ConfirmUnverified { req, outcome });
            }
            KeyDialog::ConfirmDelete { id } => {
                if yes {
                    return vec![KeysEffect::Remove { id }];
                }
                if !no {
                    self.dialog = Some(KeyDialog::ConfirmDelete { id });
                }
            }
            KeyDialog::OfferPurge { id } => {
                if yes {
                    return vec![KeysEffect::PurgeBackup];
                }
                if !no {
                    self.dialog = Some(KeyDialog::OfferPurge { id });
                }
            }
        }
        Vec::new()
    }

    /// Enter in the passphrase dialog: unlock, or the two steps of choosing a new one.
    fn submit_passphrase(
        &mut self,
        field: TextArea<'static>,
        creating: bool,
        first: Option<Secret>,
    ) -> Vec<KeysEffect> {
        let typed = Secret::from_field(&field);
        let retry = |field, first, error: &str| KeyDialog::Passphrase {
            input: field,
            creating,
            first,
            error: Some(error.into()),
        };
        if typed.is_empty() {
            self.dialog = Some(retry(field, first, "Type a passphrase, or Esc to cancel."));
            return Vec::new();
        }
        if !creating {
            self.state = StoreState::Unlocking;
            return vec![KeysEffect::Unlock {
                passphrase: Some(typed),
            }];
        }
        match first {
            None => {
                self.dialog = Some(KeyDialog::Passphrase {
                    input: input(true, "repeat the new passphrase"),
                    creating,
                    first: Some(typed),
                    error: None,
                });
            }
            Some(first) if first == typed => {
                self.state = StoreState::Unlocking;
                return vec![KeysEffect::Create {
                    passphrase: Some(typed),
                }];
            }
            Some(_) => {
                self.dialog = Some(retry(
                    input(true, "new passphrase for keys.age"),
                    None,
                    "The two passphrases differ; type it again.",
                ));
            }
        }
        Vec::new()
    }

    /// The text field of the open dialog, if it has one.
    pub(super) fn dialog_input(&mut self) -> Option<&mut TextArea<'static>> {
        match &mut self.dialog {
            Some(KeyDialog::Passphrase { input, .. })
            | Some(KeyDialog::Label { input, .. })
            | Some(KeyDialog::Secret { input, .. })
            | Some(KeyDialog::EditLabel { input, .. })
            | Some(KeyDialog::EditCap { input, .. }) => Some(input),
            _ => None,
        }
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
