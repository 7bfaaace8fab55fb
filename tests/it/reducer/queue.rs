//! Queue while streaming: Enter during a reply queues the draft (shown under the composer),
//! the reply's end sends it, Alt-Up takes it back, a reply that does not finish gives it
//! back to the composer.

use crate::support::{press, screen, send, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, Effect, Msg, update};
use keyturn::providers::{ProviderError, StreamEvent};

fn app() -> App {
    App::new(crate::support::local_options())
}

fn enter(app: &mut App) -> Vec<Effect> {
    update(app, press(KeyCode::Enter))
}

fn alt_up(app: &mut App) {
    let _ = update(app, Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::ALT)));
}

fn event(app: &mut App, req: u64, event: StreamEvent) -> Vec<Effect> {
    update(app, Msg::Stream { req, event })
}

/// The last user message of the request a StartStream carries.
fn sent_text(effects: &[Effect]) -> String {
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no StartStream in {effects:?}"));
    request.messages.last().unwrap().content.clone()
}

#[test]
fn enter_during_a_reply_queues_and_the_replys_end_sends_it() {
    let mut app = app();
    let req = send(&mut app, "one");
    type_text(&mut app, "next question");
    assert!(enter(&mut app).is_empty(), "nothing is sent yet");
    assert_eq!(app.draft(), "", "the composer is free for the next one");
    assert_eq!(app.chat.queued.as_deref(), Some("next question"));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Alt-Up takes it back")
    );
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("⧗ queued: next question · sent when the reply ends · Alt-Up edits"),
        "{s}"
    );
    // Another Enter joins it: one message, the next turn.
    type_text(&mut app, "and this");
    let _ = enter(&mut app);
    assert_eq!(
        app.chat.queued.as_deref(),
        Some("next question\n\nand this")
    );
    // Typing meanwhile is kept apart and comes back after the queued message goes.
    type_text(&mut app, "later");
    let _ = event(&mut app, req, StreamEvent::Text("ok".into()));
    let effects = event(&mut app, req, StreamEvent::Done);
    assert_eq!(sent_text(&effects), "next question\n\nand this");
    assert_eq!(app.chat.queued, None);
    assert_eq!(app.draft(), "later");
    assert!(app.is_busy(), "the queued message's reply is streaming");
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("queued"), "{s}");
}

#[test]
fn alt_up_takes_the_queued_message_back_before_what_is_typed() {
    let mut app = app();
    let req = send(&mut app, "one");
    type_text(&mut app, "queued words");
    let _ = enter(&mut app);
    type_text(&mut app, "typed after");
    alt_up(&mut app);
    assert_eq!(app.chat.queued, None);
    assert_eq!(app.draft(), "queued words\n\ntyped after");
    // Nothing queued: the reply's end sends nothing.
    let effects = event(&mut app, req, StreamEvent::Done);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. })),
        "{effects:?}"
    );
    alt_up(&mut app);
    assert_eq!(app.notice.as_ref().unwrap().text, "Nothing is queued.");
}

#[test]
fn a_reply_that_does_not_finish_gives_the_queued_message_back() {
    let mut app = app();
    let req = send(&mut app, "one");
    type_text(&mut app, "wait for me");
    let _ = enter(&mut app);
    // Esc stops the reply: the queued message is not sent behind the user's back.
    let effects = update(&mut app, press(KeyCode::Esc));
    assert!(matches!(effects.as_slice(), [Effect::AbortStream { .. }]));
    assert_eq!(app.draft(), "wait for me");
    assert_eq!(app.chat.queued, None);
    assert!(app.notice.as_ref().unwrap().text.contains("was not sent"));
    // A failed reply: the same.
    let _ = enter(&mut app);
    let req2 = app.session.active.unwrap().0;
    assert_ne!(req, req2);
    type_text(&mut app, "second");
    let _ = enter(&mut app);
    let effects = event(
        &mut app,
        req2,
        StreamEvent::Error(ProviderError::Incomplete {
            provider: "Local".into(),
        }),
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. }))
    );
    assert_eq!(app.draft(), "second");
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("back in the composer")
    );
}
