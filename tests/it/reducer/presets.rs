//! Presets in the reducer: the one a session starts with, the picker pane (F6) with its
//! preview, choosing one (system prompt, settings, model), editing the conversation's own
//! system prompt, and what each request carries.

use crate::support::{key, screen, submit};
use crossterm::event::{KeyCode, KeyModifiers};
use keyturn::app::picker::PickerProvider;
use keyturn::app::{App, AppOptions, EditTarget, Effect, Msg, ProviderInfo, update};
use keyturn::config::Config;

const CONFIG: &str = r#"
system_prompt = "Be helpful."
default_preset = "terse"
[presets.terse]
system = "Answer in one line."
temperature = 0.2
max_tokens = 300
[presets.reviewer]
system = "You review Rust code.\nPoint at lines."
provider = "anthropic"
model = "claude-sonnet-4-5"
reasoning_effort = "high"
"#;

fn app(start: Option<&str>) -> App {
    let config = Config::parse(std::path::Path::new("/tmp/c.toml"), CONFIG).unwrap();
    let provider = |id: &str, name: &str, model: &str| PickerProvider {
        id: id.into(),
        name: name.into(),
        default_model: model.into(),
        models: vec![model.into()],
        needs_key: false,
        env_key: false,
    };
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4o".into(),
        }),
        system_prompt: config.system_prompt.clone(),
        presets: config.presets(),
        start_preset: start.map(str::to_string),
        catalogue: vec![
            provider("openai", "OpenAI", "gpt-4o"),
            provider("anthropic", "Anthropic", "claude-haiku-4-5"),
        ],
        ..Default::default()
    })
}

fn request(effects: &[Effect]) -> &keyturn::chat::ChatRequest {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request),
            _ => None,
        })
        .expect("a request")
}

#[test]
fn the_start_preset_sets_the_prompt_and_settings_and_shows_in_the_status_bar() {
    let mut app = app(Some("terse"));
    assert!(screen(&mut app, 80, 24).contains("│ preset terse"));
    let effects = submit(&mut app, "hi");
    let req = request(&effects);
    assert_eq!(req.system.as_deref(), Some("Answer in one line."));
    assert_eq!(req.temperature, Some(0.2));
    assert_eq!(req.max_tokens, Some(300));
    // The conversation keeps the prompt it was sent with, and the reply its preset.
    assert_eq!(
        app.session.conversation.system.as_deref(),
        Some("Answer in one line.")
    );
    assert_eq!(app.session.conversation.preset.as_deref(), Some("terse"));
    let reply = app.session.conversation.messages.last().unwrap();
    assert_eq!(reply.preset.as_deref(), Some("terse"));
}

#[test]
fn without_a_preset_config_system_prompt_is_sent() {
    let mut app = app(None);
    assert!(!screen(&mut app, 80, 24).contains("preset"));
    let effects = submit(&mut app, "hi");
    assert_eq!(request(&effects).system.as_deref(), Some("Be helpful."));
    assert_eq!(request(&effects).temperature, None);
}

#[test]
fn the_picker_previews_and_choosing_a_preset_switches_its_model_and_effort() {
    let mut app = app(Some("terse"));
    key(&mut app, KeyCode::F(6), KeyModifiers::NONE);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Presets"), "{s}");
    assert!(s.contains("▸ terse (in use)"), "{s}");
    assert!(s.contains("Answer in one line."), "preview: {s}");
    assert!(s.contains("anthropic · claude-sonnet-4-5"), "{s}");
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("You review Rust code."), "{s}");
    assert!(s.contains("Point at lines."), "{s}");
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let p = app.session.provider.clone().unwrap();
    assert_eq!(
        (p.id.as_str(), p.model.as_str()),
        ("anthropic", "claude-sonnet-4-5")
    );
    assert_eq!(
        app.session.reasoning.map(|r| r.effort),
        Some(keyturn::chat::Effort::High)
    );
    let effects = submit(&mut app, "review this");
    let req = request(&effects);
    assert_eq!(
        req.system.as_deref(),
        Some("You review Rust code.\nPoint at lines.")
    );
    // The reviewer sets no temperature: the provider's (none here) is sent.
    assert_eq!(req.temperature, None);
    assert!(screen(&mut app, 80, 24).contains("preset reviewer"));
}

#[test]
fn no_preset_goes_back_to_config_system_prompt() {
    let mut app = app(Some("terse"));
    key(&mut app, KeyCode::F(6), KeyModifiers::NONE);
    key(&mut app, KeyCode::Up, KeyModifiers::NONE);
    key(&mut app, KeyCode::Up, KeyModifiers::NONE);
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.session.preset.is_none());
    let effects = submit(&mut app, "hi");
    assert_eq!(request(&effects).system.as_deref(), Some("Be helpful."));
    assert_eq!(request(&effects).max_tokens, None);
}

#[test]
fn the_system_prompt_is_edited_in_the_editor_for_this_conversation_only() {
    let mut app = app(Some("terse"));
    let effects = key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    match effects.as_slice() {
        [Effect::EditInEditor { draft, target }] => {
            assert_eq!(draft, "Answer in one line.");
            assert_eq!(*target, EditTarget::SystemPrompt);
        }
        other => panic!("{other:?}"),
    }
    let _ = update(
        &mut app,
        Msg::Edited {
            text: "Answer in French.\n".into(),
            target: EditTarget::SystemPrompt,
        },
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("system prompt is set")
    );
    // The draft is untouched.
    assert_eq!(app.draft(), "");
    let effects = submit(&mut app, "hi");
    assert_eq!(
        request(&effects).system.as_deref(),
        Some("Answer in French.")
    );
    // The preset's settings still apply.
    assert_eq!(request(&effects).temperature, Some(0.2));
    // A new conversation starts from the preset again.
    let req = app.session.active.unwrap().0;
    let event = keyturn::providers::StreamEvent::Done;
    let _ = update(&mut app, Msg::Stream { req, event });
    key(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    let effects = submit(&mut app, "again");
    assert_eq!(
        request(&effects).system.as_deref(),
        Some("Answer in one line.")
    );
}

#[test]
fn an_empty_edit_sends_no_system_prompt() {
    let mut app = app(None);
    let _ = update(
        &mut app,
        Msg::Edited {
            text: "\n".into(),
            target: EditTarget::SystemPrompt,
        },
    );
    let effects = submit(&mut app, "hi");
    assert_eq!(request(&effects).system, None);
}

#[test]
fn a_preset_asked_for_wins_over_the_one_a_resumed_conversation_recorded() {
    let config = Config::parse(std::path::Path::new("/tmp/c.toml"), CONFIG).unwrap();
    let resumed = || {
        let mut c = keyturn::chat::Conversation {
            system: Some("You review Rust code.".into()),
            preset: Some("reviewer".into()),
            ..Default::default()
        };
        c.push(
            keyturn::chat::Role::User,
            "q".into(),
            keyturn::chat::TurnState::Done,
        );
        c
    };
    let options = |pinned: bool| AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4o".into(),
        }),
        system_prompt: config.system_prompt.clone(),
        presets: config.presets(),
        start_preset: Some("terse".into()),
        preset_pinned: pinned,
        resume: Some(resumed()),
        ..Default::default()
    };
    // Started with the default preset: the conversation goes on with its own.
    let app = App::new(options(false));
    assert_eq!(app.session.preset.as_ref().unwrap().name, "reviewer");
    assert_eq!(app.system_prompt(), Some("You review Rust code."));
    // `--preset terse`: that one, its prompt now the conversation's.
    let mut app = App::new(options(true));
    assert_eq!(app.session.preset.as_ref().unwrap().name, "terse");
    let effects = submit(&mut app, "hi");
    assert_eq!(
        request(&effects).system.as_deref(),
        Some("Answer in one line.")
    );
    assert_eq!(app.session.conversation.preset.as_deref(), Some("terse"));
    // Fixed at the send, so the history writer saves it with the message.
    assert_eq!(
        app.session.conversation.system.as_deref(),
        Some("Answer in one line.")
    );
}
