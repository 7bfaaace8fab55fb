//! Reasoning effort in the reducer: config's default, cycled with Alt-R and shown in the
//! status bar, sent with each request (none to a model that does not reason, said once);
//! what a provider carries back rides on the answer into the next request.

use crate::support::{screen, send, submit};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::chat::{Effort, Reasoning};
use keyturn::config::{Config, ReasoningDefaults};
use keyturn::providers::StreamEvent;

fn app(model: &str, config: &str) -> App {
    let config: Config = toml::from_str(config).unwrap();
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: model.into(),
        }),
        reasoning: ReasoningDefaults::from_config(&config),
        ..Default::default()
    })
}

fn alt_r(app: &mut App) {
    let effects = update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::ALT)),
    );
    assert!(effects.is_empty());
}

fn asked(effects: &[Effect]) -> Option<Reasoning> {
    match effects {
        [Effect::StartStream { request, .. }] => request.reasoning,
        other => panic!("expected one StartStream, got {other:?}"),
    }
}

fn finish(app: &mut App, req: u64) {
    for event in [StreamEvent::Text("ok".into()), StreamEvent::Done] {
        let _ = update(app, Msg::Stream { req, event });
    }
}

#[test]
fn the_effort_starts_from_config_cycles_and_goes_with_each_request() {
    let mut app = app(
        "o4-mini",
        "reasoning_effort = \"medium\"\nreasoning_budget = 5000\n",
    );
    assert!(screen(&mut app, 80, 24).contains("│ think medium"));
    let effects = submit(&mut app, "one");
    assert_eq!(
        asked(&effects),
        Some(Reasoning {
            effort: Effort::Medium,
            budget: Some(5000)
        })
    );
    let req = app.session.active.unwrap().0;
    finish(&mut app, req);
    let mut seen = Vec::new();
    for _ in 0..4 {
        alt_r(&mut app);
        seen.push(app.session.reasoning.unwrap().effort);
        assert!(
            app.notice
                .as_ref()
                .unwrap()
                .text
                .starts_with("Reasoning for the next messages")
        );
    }
    assert_eq!(
        seen,
        [Effort::High, Effort::Off, Effort::Low, Effort::Medium]
    );
    alt_r(&mut app);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("│ think high"), "{s}");
    // The budget from config stays with a level picked at run time.
    assert_eq!(
        asked(&submit(&mut app, "two")),
        Some(Reasoning {
            effort: Effort::High,
            budget: Some(5000)
        })
    );
}

#[test]
fn nothing_is_asked_until_set_and_a_model_that_does_not_reason_is_told_once() {
    let mut app = app("gpt-4o", "");
    assert!(!screen(&mut app, 80, 24).contains("think"));
    let req = send(&mut app, "plain");
    assert_eq!(app.session.conversation.messages.len(), 2);
    finish(&mut app, req);
    alt_r(&mut app);
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("gpt-4o does not reason, so nothing is asked of it")
    );
    let effects = submit(&mut app, "again");
    assert_eq!(asked(&effects), None);
    let told = app.notice.as_ref().unwrap().text.clone();
    assert!(
        told.contains("reasoning = true under [models.\"gpt-4o\"]"),
        "{told}"
    );
    let req = app.session.active.unwrap().0;
    finish(&mut app, req);
    app.notice = None;
    assert_eq!(asked(&submit(&mut app, "third")), None);
    assert!(app.notice.is_none(), "said once");
}

#[test]
fn what_the_provider_carries_back_rides_on_the_answer_into_the_next_request() {
    let mut app = app("o4-mini", "reasoning_effort = \"low\"\n");
    let req = send(&mut app, "first");
    let item = serde_json::json!({"type": "reasoning", "id": "rs_1", "encrypted_content": "gAAA"});
    let _ = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Carry {
                api: "responses",
                item: item.clone(),
            },
        },
    );
    finish(&mut app, req);
    let effects = submit(&mut app, "second");
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let carry = request.messages[1].carry.as_ref().expect("carried");
    assert_eq!(
        (carry.api.as_str(), carry.model.as_str()),
        ("responses", "o4-mini")
    );
    assert_eq!(carry.items, vec![item]);
}
