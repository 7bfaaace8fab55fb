//! Branches in the reducer: regenerating keeps the old answer as a sibling, editing a
//! message in the middle makes a sibling of it with the branch below kept, `<`/`>` (and
//! Alt-Left/Right) switch with the conversation below following, the label shows
//! `‹2/3›`, and a fork starts a new conversation from the branch shown.

use crate::support::{key, local_options, press, screen, send, type_text};
use crossterm::event::{KeyCode, KeyModifiers};
use keyturn::app::{App, Effect, Msg, update};
use keyturn::providers::StreamEvent;

fn reply(app: &mut App, req: u64, text: &str) {
    for event in [StreamEvent::Text(text.into()), StreamEvent::Done] {
        let _ = update(app, Msg::Stream { req, event });
    }
}

fn ask(app: &mut App, q: &str, a: &str) {
    let req = send(app, q);
    reply(app, req, a);
}

fn path(app: &App) -> Vec<&str> {
    let conv = &app.session.conversation;
    conv.messages.iter().map(|m| m.text.as_str()).collect()
}

fn started(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::StartStream { req, .. }] => *req,
        other => panic!("expected one StartStream, got {other:?}"),
    }
}

#[test]
fn regenerating_keeps_every_answer_and_the_arrows_switch_between_them() {
    let mut app = App::new(local_options());
    ask(&mut app, "q", "first");
    for (i, text) in ["second", "third"].iter().enumerate() {
        let req = started(&key(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL));
        reply(&mut app, req, text);
        assert_eq!(
            app.session.conversation.messages[1].branch,
            Some((i + 2, i + 2))
        );
    }
    assert_eq!(path(&app), ["q", "third"]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Assistant · m1 ‹3/3›"), "{s}");
    key(&mut app, KeyCode::Left, KeyModifiers::ALT);
    assert_eq!(path(&app), ["q", "second"]);
    assert!(app.notice.as_ref().unwrap().text.contains("Branch 2 of 3"));
    key(&mut app, KeyCode::Left, KeyModifiers::ALT);
    key(&mut app, KeyCode::Left, KeyModifiers::ALT);
    assert_eq!(path(&app), ["q", "first"]);
    assert!(app.notice.as_ref().unwrap().text.contains("first branch"));
    // In the conversation pane, > goes forward; the next request sends the branch shown.
    let _ = update(&mut app, press(KeyCode::Tab));
    let _ = update(&mut app, press(KeyCode::Char('>')));
    assert_eq!(path(&app), ["q", "second"]);
    let _ = update(&mut app, press(KeyCode::Tab));
    let effects = {
        type_text(&mut app, "more");
        update(&mut app, press(KeyCode::Enter))
    };
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let sent: Vec<&str> = request
        .messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(sent, ["q", "second", "more"]);
}

#[test]
fn editing_a_message_in_the_middle_makes_a_sibling_and_keeps_the_branch_below() {
    let mut app = App::new(local_options());
    ask(&mut app, "one", "a1");
    ask(&mut app, "two", "a2");
    ask(&mut app, "three", "a3");
    // Select "two" (Ctrl-Up steps back from the end) and edit it.
    for _ in 0..4 {
        key(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    }
    assert_eq!(app.chat.selected, Some(2));
    let _ = update(&mut app, press(KeyCode::Char('e')));
    assert_eq!(app.draft(), "two");
    // The context meter counts what the edit sends: the messages above it and the draft.
    let end = app.next_request_end();
    assert_eq!(app.session.conversation.sent_before(end).count(), 2);
    type_text(&mut app, " (edited)");
    let req = started(&update(&mut app, press(KeyCode::Enter)));
    reply(&mut app, req, "b2");
    assert_eq!(path(&app), ["one", "a1", "two (edited)", "b2"]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("You ‹2/2›"), "{s}");
    // Back to the first version: the branch below it follows.
    key(&mut app, KeyCode::Left, KeyModifiers::ALT);
    assert_eq!(path(&app), ["one", "a1", "two", "a2", "three", "a3"]);
    key(&mut app, KeyCode::Right, KeyModifiers::ALT);
    assert_eq!(path(&app), ["one", "a1", "two (edited)", "b2"]);
    // Nothing was lost: the tree has every message.
    assert_eq!(app.session.conversation.tree().len(), 8);
}

#[test]
fn a_fork_is_a_new_conversation_of_the_branch_up_to_the_selection() {
    let mut app = App::new(local_options());
    ask(&mut app, "one", "a1");
    ask(&mut app, "two", "a2");
    key(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    let _ = update(&mut app, press(KeyCode::Char('f')));
    assert_eq!(path(&app), ["one", "a1"]);
    assert!(app.session.conversation.id.is_empty(), "a new conversation");
    assert!(app.notice.as_ref().unwrap().text.contains("Forked"));
    // Without branches the arrows say how to make one.
    key(&mut app, KeyCode::Right, KeyModifiers::ALT);
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("No message here has another branch")
    );
}

#[test]
fn a_failed_answer_asked_again_is_replaced_not_kept() {
    let mut app = App::new(local_options());
    let req = send(&mut app, "q");
    let _ = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Error(keyturn::providers::ProviderError::Dropped {
                provider: "Local".into(),
                detail: "connection reset".into(),
            }),
        },
    );
    let req = started(&key(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL));
    reply(&mut app, req, "ok");
    assert_eq!(path(&app), ["q", "ok"]);
    assert!(app.session.conversation.parked.is_empty());
    assert_eq!(app.session.conversation.messages[1].branch, None);
}
