//! Keys in the key manager, the model picker and the usage view, and where each returns when
//! it is done (the chat, or the welcome flow that handed it a step).

use super::welcome::{keys_idle, welcome_resume};
use crate::app::picker::{PickerEffect, PickerOutcome};
use crate::app::usage_view::UsageOutcome;
use crate::app::{Action, App, Back, Effect, KeyChord, Notice, Scope, Screen};

pub(super) fn on_keys_key(
    app: &mut App,
    key: crossterm::event::KeyEvent,
    chord: KeyChord,
) -> Vec<Effect> {
    let mut effects: Vec<Effect> = if app.key_manager.dialog.is_some() {
        let action = app.options.keymap.lookup_pane(Scope::Dialog, chord);
        app.key_manager.dialog_key(action, key, &app.session.budget)
    } else {
        match app.options.keymap.lookup_pane(Scope::Keys, chord) {
            // Esc while the store unlocks (a slow passphrase command) stops waiting for it.
            Some(Action::Close)
                if app.key_manager.state == crate::app::key_manager::StoreState::Unlocking =>
            {
                app.key_manager.cancel_unlock();
                return Vec::new();
            }
            Some(Action::Close) => return close_keys(app),
            // Help was opened before the pane saw the key.
            Some(Action::Help) | None => return Vec::new(),
            Some(a) => app
                .key_manager
                .action(a, &app.session.budget)
                .into_iter()
                .map(Effect::Keys)
                .collect(),
        }
    };
    effects.extend(after_keys(app));
    effects
}

/// Leaves the key manager for where it was opened from. A welcome step still in flight
/// (an unlock, a key test) is picked up by `after_keys` when it reports.
fn close_keys(app: &mut App) -> Vec<Effect> {
    match std::mem::replace(&mut app.screen, Screen::Chat) {
        Screen::Keys {
            back: Back::Welcome(w),
        } if keys_idle(app) => welcome_resume(app, w),
        Screen::Keys {
            back: Back::Welcome(w),
        } => {
            app.screen = Screen::Welcome(w);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The key manager's outcome for a welcome step it was handed: once it has nothing left to
/// do (no dialog, no unlock or test in flight), the welcome flow takes over again.
pub(super) fn after_keys(app: &mut App) -> Vec<Effect> {
    let waiting = match &app.screen {
        Screen::Keys {
            back: Back::Welcome(_),
        } => true,
        Screen::Welcome(w) => w.waiting,
        _ => false,
    };
    if !waiting || !keys_idle(app) {
        return Vec::new();
    }
    match std::mem::replace(&mut app.screen, Screen::Chat) {
        Screen::Keys {
            back: Back::Welcome(w),
        }
        | Screen::Welcome(w) => welcome_resume(app, w),
        other => {
            app.screen = other;
            Vec::new()
        }
    }
}

pub(super) fn on_picker_key(
    app: &mut App,
    key: crossterm::event::KeyEvent,
    chord: KeyChord,
) -> Vec<Effect> {
    let action = app.options.keymap.lookup_pane(Scope::Picker, chord);
    let Screen::Picker { picker, .. } = &mut app.screen else {
        return Vec::new();
    };
    let outcome = picker.on_key(action, key);
    if matches!(outcome, PickerOutcome::Stay) {
        return Vec::new();
    }
    let back = match std::mem::replace(&mut app.screen, Screen::Chat) {
        Screen::Picker { back, .. } => back,
        _ => Back::Chat,
    };
    let mut effects = Vec::new();
    let mut chosen = None;
    if let PickerOutcome::Choose {
        provider,
        model,
        save_default,
    } = outcome
    {
        use_model(app, &provider, &model);
        super::presets::model_default(app);
        chosen = Some((provider.id.clone(), model.clone()));
        if save_default {
            effects.push(Effect::Picker(PickerEffect::SaveDefault {
                provider_id: provider.id,
                model,
            }));
        }
    }
    if let Back::Welcome(mut w) = back {
        w.chosen = chosen.or(w.chosen);
        effects.extend(welcome_resume(app, w));
    }
    effects
}

/// A conversation opened or resumed goes on with the provider and model that answered last
/// in it, when config still has that provider; the notice says which.
pub(crate) fn continue_on_its_provider(app: &mut App) {
    let Some((id, model)) = app.session.conversation.last_answerer() else {
        return;
    };
    let (id, model) = (id.to_string(), model.to_string());
    if app
        .session
        .provider
        .as_ref()
        .is_some_and(|p| p.id == id && p.model == model)
    {
        return;
    }
    match app.session.catalogue.iter().find(|p| p.id == id).cloned() {
        Some(provider) if !model.is_empty() => {
            let lead = format!(
                "Continuing on {} · {model}, which answered last here",
                provider.name
            );
            use_model_saying(app, &provider, &model, lead);
        }
        _ => {
            let now = app.session.provider.as_ref().map_or_else(
                || "no provider".to_string(),
                |p| format!("{} · {}", p.name, p.model),
            );
            app.notice = Some(Notice::info(format!(
                "This conversation was last answered by {id} · {model}, which is not configured now; {now} answers."
            )));
        }
    }
}

/// The chat uses this provider and model from now on; says whether it has a key yet.
fn use_model(app: &mut App, provider: &crate::app::picker::PickerProvider, model: &str) {
    let lead = format!("Now using {} · {model}", provider.name);
    use_model_saying(app, provider, model, lead);
}

/// [`use_model`] with the first words of the notice given.
pub(super) fn use_model_saying(
    app: &mut App,
    provider: &crate::app::picker::PickerProvider,
    model: &str,
    lead: String,
) {
    let has_key = !provider.needs_key
        || provider.env_key
        || app
            .key_manager
            .entries
            .iter()
            .any(|e| e.provider == provider.id);
    use crate::app::key_manager::StoreState;
    app.notice = Some(Notice::info(match (has_key, &app.key_manager.state) {
        (false, StoreState::Locked) => format!("{lead}. Unlock the key store (F3) to use its key."),
        // Still unlocking: whether it holds a key is not known yet.
        (false, StoreState::Absent | StoreState::Unlocked { .. }) => {
            format!("{lead}, but it has no key yet: press F3 to add one.")
        }
        _ => format!("{lead}."),
    }));
    app.key_manager.current_provider = Some(provider.id.clone());
    app.session.reasoning = app.options.reasoning.for_model(&provider.id, model);
    app.session.provider = Some(crate::app::ProviderInfo {
        id: provider.id.clone(),
        name: provider.name.clone(),
        model: model.to_string(),
    });
}

pub(super) fn on_usage_key(app: &mut App, chord: KeyChord) -> Vec<Effect> {
    let action = app.options.keymap.lookup_pane(Scope::Usage, chord);
    let Screen::Usage(v) = &mut app.screen else {
        return Vec::new();
    };
    match v.on_key(action, &mut app.next_list_req) {
        UsageOutcome::Stay(req) => req.map(Effect::LoadUsage).into_iter().collect(),
        UsageOutcome::Close => {
            app.screen = Screen::Chat;
            Vec::new()
        }
    }
}
