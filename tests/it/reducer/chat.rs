//! Reducer tests: messages in, model and effects out. No tokio, no terminal.

use crate::support::{press as key, send, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{
    App, AppOptions, Effect, Focus, Msg, Overlay, ProviderInfo, Scroll, TurnState, update,
};
use keyturn::providers::{FinishReason, ProviderError, Role, StreamEvent, Usage};

fn app() -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local".into(),
            model: "m1".into(),
        }),
        system_prompt: Some("be brief".into()),
        ..Default::default()
    })
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn stream(app: &mut App, req: u64, event: StreamEvent) {
    assert!(update(app, Msg::Stream { req, event }).is_empty());
}

#[test]
fn submit_builds_the_request_and_clears_the_composer() {
    let mut app = app();
    type_text(&mut app, "hello");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::StartStream {
            provider_id,
            request,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(provider_id, "local");
    assert_eq!(request.model, "m1");
    assert_eq!(request.system.as_deref(), Some("be brief"));
    assert_eq!(request.messages.len(), 1);
    assert_eq!(request.messages[0].content, "hello");
    assert_eq!(app.draft(), "");
    assert_eq!(app.session.conversation.messages.len(), 2);
    assert_eq!(
        app.session.conversation.messages[1].state,
        TurnState::Connecting
    );
    assert!(app.is_busy());
}

#[test]
fn stream_events_fill_the_turn() {
    let mut app = app();
    let req = send(&mut app, "hi");
    assert!(!app.session.conversation.messages[1].answered);
    stream(&mut app, req, StreamEvent::Connected);
    assert_eq!(app.phase(), Some(&TurnState::Streaming));
    // Only a request a provider answered is billed.
    assert!(app.session.conversation.messages[1].answered);
    stream(&mut app, req, StreamEvent::Reasoning("thinking".into()));
    stream(&mut app, req, StreamEvent::Text("Hel".into()));
    stream(&mut app, req, StreamEvent::Text("lo".into()));
    stream(&mut app, req, StreamEvent::Finish(FinishReason::Length));
    stream(
        &mut app,
        req,
        StreamEvent::Usage(Usage {
            input_tokens: 3,
            output_tokens: 2,
            ..Default::default()
        }),
    );
    stream(&mut app, req, StreamEvent::Done);
    let m = &app.session.conversation.messages[1];
    assert_eq!(m.text, "Hello");
    assert_eq!(m.reasoning, "thinking");
    assert_eq!(m.state, TurnState::Done);
    assert_eq!(m.usage.unwrap().output_tokens, 2);
    assert_eq!(
        m.notes,
        vec!["stopped at the token limit (max_tokens)".to_string()]
    );
    assert!(!app.is_busy());
}

#[test]
fn a_request_that_fails_before_any_answer_is_not_marked_answered() {
    let mut app = app();
    let req = send(&mut app, "hi");
    let err = ProviderError::Connect {
        provider: "Local".into(),
        url: "http://127.0.0.1:9/v1".into(),
        detail: "connection refused".into(),
    };
    stream(&mut app, req, StreamEvent::Error(err));
    let m = &app.session.conversation.messages[1];
    assert!(matches!(m.state, TurnState::Failed(_)));
    assert!(!m.answered);
}

#[test]
fn esc_cancels_keeps_partial_and_ignores_late_events() {
    let mut app = app();
    let req = send(&mut app, "hi");
    stream(&mut app, req, StreamEvent::Text("partial".into()));
    let effects = update(&mut app, key(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::AbortStream { req }]);
    stream(&mut app, req, StreamEvent::Text(" late".into()));
    stream(&mut app, req, StreamEvent::Done);
    let m = &app.session.conversation.messages[1];
    assert_eq!(m.text, "partial");
    assert_eq!(m.state, TurnState::Cancelled);
}

#[test]
fn retry_resends_the_same_history_with_a_new_request_id() {
    let mut app = app();
    let req = send(&mut app, "question");
    stream(&mut app, req, StreamEvent::Text("half".into()));
    let err = ProviderError::Incomplete {
        provider: "Local".into(),
    };
    stream(&mut app, req, StreamEvent::Error(err.clone()));
    // The failed turn keeps the error as a value: its kind and its message.
    assert_eq!(
        app.phase(),
        Some(&TurnState::Failed(keyturn::chat::TurnError {
            kind: keyturn::chat::FailureKind::Network,
            message: err.to_string(),
        }))
    );
    let effects = update(&mut app, ctrl('r'));
    let [
        Effect::StartStream {
            req: new_req,
            request,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_ne!(*new_req, req);
    assert_eq!(
        request.messages.len(),
        1,
        "the failed answer is replaced, not sent"
    );
    assert_eq!(request.messages[0].content, "question");
    assert_eq!(app.session.conversation.messages.len(), 2);
}

#[test]
fn multi_turn_history_includes_previous_answers() {
    let mut app = app();
    let req = send(&mut app, "one");
    stream(&mut app, req, StreamEvent::Text("first answer".into()));
    stream(&mut app, req, StreamEvent::Done);
    type_text(&mut app, "two");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!()
    };
    let roles: Vec<Role> = request.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Assistant, Role::User]);
    assert_eq!(request.messages[1].content, "first answer");
}

#[test]
fn without_a_provider_the_draft_stays_and_a_notice_explains() {
    let mut app = App::new(AppOptions::default());
    type_text(&mut app, "hello");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(app.draft(), "hello");
    assert!(app.notice.as_ref().unwrap().is_error());
    assert!(app.session.conversation.messages.is_empty());
}

#[test]
fn alt_enter_and_ctrl_j_insert_newlines_and_paste_normalises_cr() {
    let mut app = app();
    type_text(&mut app, "a");
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)),
    );
    type_text(&mut app, "b");
    let _ = update(&mut app, ctrl('j'));
    let _ = update(&mut app, Msg::Paste("c\r\nd\x1b[31m".into()));
    assert_eq!(app.draft(), "a\nb\nc\nd");
}

#[test]
fn quit_aborts_the_running_stream() {
    let mut app = app();
    let req = send(&mut app, "hi");
    let effects = update(&mut app, ctrl('c'));
    assert_eq!(effects, vec![Effect::AbortStream { req }, Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn help_opens_from_f1_and_from_question_mark_in_an_empty_composer() {
    let mut app = app();
    let _ = update(&mut app, key(KeyCode::F(1)));
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }));
    let _ = update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
    let _ = update(&mut app, key(KeyCode::Char('?')));
    assert!(app.overlay.is_some());
    let _ = update(&mut app, key(KeyCode::Char('x')));
    assert!(app.overlay.is_none());
    type_text(&mut app, "why?");
    assert_eq!(app.draft(), "why?");
    assert!(app.overlay.is_none());
}

#[test]
fn scrolling_up_pins_the_view_and_end_follows_again() {
    let mut app = app();
    let _ = update(
        &mut app,
        Msg::Layout {
            content_lines: 100,
            viewport: 20,
            top: 80,
        },
    );
    assert_eq!(app.chat.scroll_top(), 80);
    let _ = update(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.chat.scroll, Scroll::Top(62));
    // New content arrives: the pinned view does not move.
    let _ = update(
        &mut app,
        Msg::Layout {
            content_lines: 140,
            viewport: 20,
            top: 62,
        },
    );
    assert_eq!(app.chat.scroll_top(), 62);
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL)),
    );
    assert_eq!(app.chat.scroll, Scroll::Follow);
    assert_eq!(app.chat.scroll_top(), 120);
    // Tab to the conversation: arrows scroll there, letters go back to the composer.
    let _ = update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.chat.focus, Focus::Conversation);
    let _ = update(&mut app, key(KeyCode::Up));
    assert_eq!(app.chat.scroll, Scroll::Top(119));
    let _ = update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(app.chat.scroll, Scroll::Follow);
    let _ = update(&mut app, key(KeyCode::Char('z')));
    assert_eq!(app.chat.focus, Focus::Composer);
    assert_eq!(app.draft(), "z");
}

#[test]
fn idle_ticks_do_not_redraw() {
    let mut app = app();
    app.dirty = false;
    let _ = update(&mut app, Msg::Tick);
    assert!(!app.dirty);
    send(&mut app, "hi");
    app.dirty = false;
    let _ = update(&mut app, Msg::Tick);
    assert!(app.dirty);
}

#[test]
fn reasoning_toggles_on_the_newest_message_with_reasoning() {
    let mut app = app();
    let req = send(&mut app, "hi");
    stream(&mut app, req, StreamEvent::Reasoning("hmm".into()));
    assert!(!app.session.conversation.messages[1].reasoning_open);
    let _ = update(&mut app, ctrl('t'));
    assert!(app.session.conversation.messages[1].reasoning_open);
}

#[test]
fn terminate_quits_cleanly() {
    let mut app = app();
    assert_eq!(update(&mut app, Msg::Terminate), vec![Effect::Quit]);
}

#[test]
fn a_pending_retry_shows_its_countdown_until_text_arrives() {
    let mut app = app();
    let req = send(&mut app, "hi");
    let reason = "Local is rate-limiting requests (429: slow down).".to_string();
    stream(
        &mut app,
        req,
        StreamEvent::Retrying {
            attempt: 2,
            of: 3,
            in_secs: 3,
            reason: reason.clone(),
        },
    );
    let note = app.session.conversation.messages[1].retry.clone().unwrap();
    assert!(
        note.contains("Retrying in 3s (attempt 2 of 3)") && note.contains("Esc cancels"),
        "{note}"
    );
    stream(
        &mut app,
        req,
        StreamEvent::Retrying {
            attempt: 2,
            of: 3,
            in_secs: 2,
            reason,
        },
    );
    assert!(
        app.session.conversation.messages[1]
            .retry
            .as_ref()
            .unwrap()
            .contains("in 2s")
    );
    assert_eq!(app.phase(), Some(&TurnState::Connecting));
    stream(&mut app, req, StreamEvent::Text("ok".into()));
    assert_eq!(app.session.conversation.messages[1].retry, None);
}

#[test]
fn ctrl_u_in_the_composer_deletes_to_the_start_of_the_line_not_undo() {
    let mut app = app();
    type_text(&mut app, "keep this");
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)),
    );
    type_text(&mut app, "drop this");
    let _ = update(&mut app, ctrl('u'));
    assert_eq!(app.draft(), "keep this\n");
}

#[test]
fn a_pastes_trailing_newline_is_not_sent() {
    let mut app = app();
    let _ = update(
        &mut app,
        Msg::Paste("    indented code\nsecond line\n\n".into()),
    );
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        request.messages[0].content,
        "    indented code\nsecond line"
    );
    assert_eq!(
        app.session.conversation.messages[0].text,
        "    indented code\nsecond line"
    );
}
