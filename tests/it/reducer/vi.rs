//! `ui.vi_mode` in the reducer: the mode in the status bar, Esc leaves insert mode (a
//! streaming reply goes on), Esc in normal mode stops it, Enter in normal mode sends,
//! global keys still work, and each new message starts in insert mode.

use crate::support::{press, screen, send, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::vi::ViMode;
use keyturn::app::{App, AppOptions, Effect, Msg, update};

fn app() -> App {
    App::new(AppOptions {
        vi_mode: true,
        ..crate::support::local_options()
    })
}

fn keys(app: &mut App, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        effects.extend(update(app, press(KeyCode::Char(c))));
    }
    effects
}

#[test]
fn esc_leaves_insert_mode_and_stops_a_reply_only_from_normal_mode() {
    let mut app = app();
    assert!(screen(&mut app, 80, 24).contains(" INSERT "));
    let req = send(&mut app, "first");
    type_text(&mut app, "draft words");
    // Esc: normal mode; the reply streams on.
    assert!(update(&mut app, press(KeyCode::Esc)).is_empty());
    assert_eq!(app.chat.vi.mode, ViMode::Normal);
    assert!(app.is_busy());
    assert!(screen(&mut app, 80, 24).contains(" NORMAL "));
    // Vi commands edit the draft.
    let _ = keys(&mut app, "0dw");
    assert_eq!(app.draft(), "words");
    // Esc again: the cancel action.
    let effects = update(&mut app, press(KeyCode::Esc));
    assert!(
        matches!(effects.as_slice(), [Effect::AbortStream { req: r }] if *r == req),
        "{effects:?}"
    );
    assert!(!app.is_busy());
}

#[test]
fn enter_in_normal_mode_sends_and_the_next_message_starts_in_insert_mode() {
    let mut app = app();
    type_text(&mut app, "hello wrld");
    let _ = update(&mut app, press(KeyCode::Esc));
    // Fix the typo from normal mode: b, then `ciw`.
    let _ = keys(&mut app, "bciwworld");
    let _ = update(&mut app, press(KeyCode::Esc));
    assert_eq!(app.draft(), "hello world");
    let effects = update(&mut app, press(KeyCode::Enter));
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.messages.last().unwrap().content, "hello world");
    assert_eq!(app.chat.vi.mode, ViMode::Insert);
    // Global keys pass through normal mode: Ctrl-P opens the picker.
    let _ = update(&mut app, press(KeyCode::Esc));
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    assert_eq!(app.view(), keyturn::app::View::Picker);
}
