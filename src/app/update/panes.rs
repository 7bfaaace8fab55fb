//! Keys in the key manager and the model picker panes.

use crate::app::{Action, App, Effect, KeyChord, Notice, Overlay, Scope, View};

pub(super) fn on_keys_key(
    app: &mut App,
    key: crossterm::event::KeyEvent,
    chord: KeyChord,
) -> Vec<Effect> {
    if app.keys.dialog.is_some() {
        return app
            .keys
            .dialog_key(key, &app.options.budget)
            .into_iter()
            .map(Effect::Keys)
            .collect();
    }
    match app.options.keymap.lookup(Scope::Keys, chord) {
        Some(Action::OpenKeys | Action::Cancel) => {
            app.view = View::Chat;
            Vec::new()
        }
        Some(Action::Help) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Some(
            Action::Retry
            | Action::NewConversation
            | Action::FocusNext
            | Action::Submit
            | Action::Newline,
        )
        | None => Vec::new(),
        Some(a) => app
            .keys
            .action(a, &app.options.budget)
            .into_iter()
            .map(Effect::Keys)
            .collect(),
    }
}

pub(super) fn on_picker_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let Some(picker) = app.picker.as_mut() else {
        app.view = View::Chat;
        return Vec::new();
    };
    match picker.on_key(key) {
        crate::app::picker::PickerOutcome::Stay => Vec::new(),
        crate::app::picker::PickerOutcome::Close => {
            app.view = View::Chat;
            app.picker = None;
            Vec::new()
        }
        crate::app::picker::PickerOutcome::Choose {
            provider,
            model,
            save_default,
        } => {
            app.view = View::Chat;
            app.picker = None;
            let has_key = !provider.needs_key
                || provider.env_key
                || app.keys.entries.iter().any(|e| e.provider == provider.id);
            let locked = app.keys.state == crate::app::keys::StoreState::Locked;
            app.notice = Some(Notice {
                text: match (has_key, locked) {
                    (true, _) => format!("Now using {} · {model}.", provider.name),
                    (false, true) => format!(
                        "Now using {} · {model}. Unlock the key store (F3) to use its key.",
                        provider.name
                    ),
                    (false, false) => format!(
                        "Now using {} · {model}, but it has no key yet: press F3 to add one.",
                        provider.name
                    ),
                },
                is_error: false,
            });
            app.keys.current_provider = Some(provider.id.clone());
            if let Some(w) = app.welcome.as_mut() {
                w.chosen = Some((provider.id.clone(), model.clone()));
            }
            app.provider = Some(crate::app::ProviderInfo {
                id: provider.id.clone(),
                name: provider.name.clone(),
                model: model.clone(),
            });
            if save_default {
                return vec![Effect::Picker(
                    crate::app::picker::PickerEffect::SaveDefault {
                        provider_id: provider.id,
                        model,
                    },
                )];
            }
            Vec::new()
        }
    }
}
