//! Presets in the TUI: the picker pane, choosing one (its system prompt for this
//! conversation, its settings for the next requests, its model when it names one), and the
//! conversation's own system prompt edited in `$EDITOR`.

use crate::app::presets::PresetsPane;
use crate::app::{Action, App, EditTarget, Effect, KeyChord, Notice, Scope, Screen};
use crate::config::Preset;

/// Opens the preset picker with the preset in use selected.
pub(super) fn open(app: &mut App) {
    let names: Vec<&str> = app
        .options
        .presets
        .list
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let in_use = app.session.preset.as_ref().map(|p| p.name.as_str());
    app.screen = Screen::Presets(Box::new(PresetsPane::new(&names, in_use)));
}

pub(super) fn on_key(app: &mut App, chord: KeyChord) -> Vec<Effect> {
    let action = app.options.keymap.lookup_pane(Scope::Presets, chord);
    let rows = app.options.presets.list.len() + 1;
    let Screen::Presets(pane) = &mut app.screen else {
        return Vec::new();
    };
    let page = (app.size.1 as isize / 2).max(1);
    match action {
        Some(Action::ListUp) => pane.step(-1, rows),
        Some(Action::ListDown) => pane.step(1, rows),
        Some(Action::ListPageUp) => pane.step(-page, rows),
        Some(Action::ListPageDown) => pane.step(page, rows),
        Some(Action::UsePreset) => {
            let chosen = pane
                .selected
                .checked_sub(1)
                .and_then(|i| app.options.presets.list.get(i))
                .cloned();
            app.screen = Screen::Chat;
            use_preset(app, chosen);
        }
        Some(Action::EditSystemPrompt) => {
            app.screen = Screen::Chat;
            return edit_system_prompt(app);
        }
        Some(Action::Close) => app.screen = Screen::Chat,
        _ => {}
    }
    Vec::new()
}

/// Asks the editor for the conversation's system prompt.
pub(super) fn edit_system_prompt(app: &App) -> Vec<Effect> {
    vec![Effect::EditInEditor {
        draft: app.system_prompt().unwrap_or_default().to_string(),
        target: EditTarget::SystemPrompt,
    }]
}

/// The editor gave the conversation's system prompt back.
pub(crate) fn set_system_prompt(app: &mut App, text: &str) {
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if app.system_prompt().unwrap_or_default() == text {
        app.notice = Some(Notice::info("The system prompt is unchanged."));
        return;
    }
    app.notice = Some(Notice::info(if text.trim().is_empty() {
        "This conversation now sends no system prompt.".to_string()
    } else {
        format!(
            "This conversation's system prompt is set ({} characters); the next message sends it.",
            text.chars().count()
        )
    }));
    app.session.conversation.system = Some(text);
}

/// Uses `preset` (or none) from now on: its system prompt for this conversation, its
/// temperature, output limit and reasoning for the next requests, and its provider and
/// model when it names them.
pub(crate) fn use_preset(app: &mut App, preset: Option<Preset>) {
    app.session.conversation.system = Some(system_of(app, preset.as_ref()));
    app.session.conversation.preset = preset.as_ref().map(|p| p.name.clone());
    let mut lead = match &preset {
        Some(p) => format!("Preset {}", p.name),
        None => "No preset".to_string(),
    };
    if let Some(p) = &preset
        && (p.provider.is_some() || p.model.is_some())
    {
        let provider_id = p
            .provider
            .clone()
            .or_else(|| app.session.provider.as_ref().map(|c| c.id.clone()));
        match provider_id.and_then(|id| app.session.catalogue.iter().find(|c| c.id == id)) {
            Some(provider) => {
                let provider = provider.clone();
                let model = p
                    .model
                    .clone()
                    .unwrap_or_else(|| provider.default_model.clone());
                lead = format!("{lead}: {} · {model}", provider.name);
                super::panes::use_model_saying(app, &provider, &model, lead.clone());
            }
            None => {
                app.notice = Some(Notice::error(format!(
                    "{lead}: its provider {:?} is not configured; the model is unchanged.",
                    p.provider.as_deref().unwrap_or("")
                )));
            }
        }
    } else {
        app.notice = Some(Notice::info(format!("{lead}.")));
    }
    let model_default = app
        .session
        .provider
        .as_ref()
        .and_then(|c| app.options.reasoning.for_model(&c.id, &c.model));
    app.session.reasoning = preset.as_ref().and_then(|p| p.reasoning).or(model_default);
    app.session.preset = preset;
}

/// A model chosen for a conversation that has no message and no preset chosen by hand
/// takes the model's default preset (its settings; the model stays the one chosen).
pub(super) fn model_default(app: &mut App) {
    let conv = &app.session.conversation;
    if !conv.messages.is_empty() || conv.system.is_some() {
        return;
    }
    let Some(p) = &app.session.provider else {
        return;
    };
    let preset = app.options.presets.default_for(&p.id, &p.model).cloned();
    if preset.as_ref().map(|p| &p.name) == app.session.preset.as_ref().map(|p| &p.name) {
        return;
    }
    app.session.adopt_preset(preset);
}

/// The system prompt `preset` (or none) gives a conversation: its own, else config's.
fn system_of(app: &App, preset: Option<&Preset>) -> String {
    preset
        .and_then(|p| p.system.clone())
        .or_else(|| app.options.system_prompt.clone())
        .unwrap_or_default()
}

/// At start: a resumed conversation goes on with its recorded preset, unless `--preset`
/// chose one; then, as `ask --preset` does, that one's system prompt is the conversation's
/// from now on. The conversation follows the session's preset again, so the next message
/// fixes (and saves) the prompt it is sent with.
pub(crate) fn on_start(app: &mut App) {
    if !app.options.preset_pinned {
        return follow_conversation(app);
    }
    app.session.conversation.system = None;
    app.session.conversation.preset = None;
}

/// A conversation opened from history goes on with the preset it recorded, when config
/// still has it.
pub(crate) fn follow_conversation(app: &mut App) {
    let Some(name) = app.session.conversation.preset.clone() else {
        return;
    };
    if let Some(p) = app.options.presets.get(&name) {
        app.session.preset = Some(p.clone());
    }
}
