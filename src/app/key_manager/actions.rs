//! The key manager's actions: what each key does in the list and in its dialogs.

use super::*;

impl KeysPane {
    /// A pane action (no dialog open); `budget` is config's caps, for the budget dialog.
    /// Returns effects for the runtime.
    pub fn action(
        &mut self,
        action: Action,
        budget: &crate::usage::budget::BudgetConfig,
    ) -> Vec<KeysEffect> {
        self.message = None;
        // Provider and global caps live in config, not the key store: with no key to cap
        // (none stored, or the store locked) b opens them at once.
        if action == Action::KeyBudget && self.selected_meta().is_none() {
            let provider = self.current_provider.clone().unwrap_or_default();
            let scope = if provider.is_empty() {
                CapScope::Global
            } else {
                CapScope::Provider
            };
            let input = self.cap_input(scope, "", &provider, budget);
            self.dialog = Some(KeyDialog::EditCap(dialogs::EditCap {
                id: String::new(),
                provider,
                scope,
                input,
            }));
            return Vec::new();
        }
        let unlocked = matches!(self.state, StoreState::Unlocked { .. });
        let creates = matches!(action, Action::KeyAdd | Action::KeyImportEnv);
        match (&self.state, action) {
            (_, Action::ListUp | Action::ListDown) => {}
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
            Action::ListUp => self.selected = self.selected.saturating_sub(1),
            Action::ListDown => {
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
                    self.dialog = Some(KeyDialog::ChooseProvider(dialogs::ChooseProvider {
                        selected,
                        rotate: None,
                    }));
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
                    self.dialog = Some(KeyDialog::Secret(dialogs::SecretField {
                        provider: m.provider.clone(),
                        label: m.label.clone(),
                        rotate: Some(m.id.clone()),
                        input: input(true, "paste the new key (hidden)"),
                    }));
                }
            }
            Action::KeyUndo => return vec![KeysEffect::Undo],
            Action::KeyDelete => {
                if let Some(m) = self.selected_meta() {
                    self.dialog = Some(KeyDialog::ConfirmDelete(dialogs::ConfirmDelete {
                        id: m.id.clone(),
                    }));
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
                    self.dialog = Some(KeyDialog::EditLabel(dialogs::EditLabel {
                        id: m.id,
                        input: t,
                    }));
                }
            }
            Action::KeyExport => {
                let provider = self.selected_meta().map(|m| m.provider.clone());
                self.dialog = Some(KeyDialog::ExportBundle(
                    super::bundle_dialogs::ExportBundle::new(provider),
                ));
            }
            Action::KeyImportBundle => {
                self.dialog = Some(KeyDialog::ImportBundle(
                    super::bundle_dialogs::ImportBundle::default(),
                ));
            }
            Action::KeyBudget => {
                if let Some(m) = self.selected_meta().cloned() {
                    let input = self.cap_input(CapScope::Key, &m.id, &m.provider, budget);
                    self.dialog = Some(KeyDialog::EditCap(dialogs::EditCap {
                        id: m.id,
                        provider: m.provider,
                        scope: CapScope::Key,
                        input,
                    }));
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

    /// Stops waiting for an unlock in flight: the store stays locked (a late answer that
    /// opened it is still taken).
    pub fn cancel_unlock(&mut self) {
        self.state = StoreState::Locked;
        self.after_unlock = None;
        self.note(
            "Stopped waiting for the key store to unlock. Any key that needs it asks again.",
            false,
        );
    }

    /// The budget dialog's input, holding the cap in force for `scope` (empty: none).
    pub(super) fn cap_input(
        &self,
        scope: CapScope,
        id: &str,
        provider: &str,
        budget: &crate::usage::budget::BudgetConfig,
    ) -> TextArea<'static> {
        let current = match scope {
            CapScope::Key => self.entries.iter().find(|e| e.id == id).and_then(|m| m.cap),
            CapScope::Provider => budget.providers.get(provider).copied(),
            CapScope::Global => budget.monthly_usd,
        };
        let mut t = input(false, "dollars a month, empty for no cap");
        // Every digit of the cap: a rounded figure would be saved back by Enter.
        if let Some(v) = current {
            t.insert_str(v.exact());
        }
        t
    }
}
