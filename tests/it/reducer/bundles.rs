//! The key manager's bundle dialogs: `x` asks the recipients, then the file, with Tab choosing
//! this provider's keys or every key; `I` asks the file, then the identity.

use super::keys::{key, typed};
use crossterm::event::KeyCode;
use keyturn::app::key_manager::{KeyMeta, KeysEffect, KeysMsg, StoreState};
use keyturn::app::{App, Msg, update};

fn app() -> App {
    let mut app = App::new(keyturn::app::AppOptions {
        store: Some(StoreState::Unlocked { method: "x".into() }),
        ..crate::support::local_options()
    });
    app.open_keys();
    let meta = KeyMeta {
        id: "k1".into(),
        provider: "openai".into(),
        label: "work".into(),
        masked: "…abcd".into(),
        created: 1,
        rotated: None,
        last_test: None,
        active: true,
        cap: None,
    };
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::Unlocked {
            method: "a passphrase".into(),
            entries: vec![meta],
            warnings: vec![],
            env_candidates: vec![],
        }),
    );
    app
}

#[test]
fn export_asks_the_recipients_then_the_file_and_tab_chooses_which_keys() {
    let mut app = app();
    assert!(key(&mut app, KeyCode::Char('x')).is_empty());
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(
        s.contains("Export keys to another machine") && s.contains("openai's keys"),
        "{s}"
    );
    // No recipient: said, and the dialog stays.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(app.key_manager.dialog.is_some());
    typed(&mut app, "age1abc, ~/.ssh/server.pub");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(
        s.contains("keyturn-keys.bundle"),
        "the file is offered: {s}"
    );
    assert!(key(&mut app, KeyCode::Tab).is_empty());
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![KeysEffect::ExportBundle {
            provider: None,
            recipients: vec!["age1abc".into(), "~/.ssh/server.pub".into()],
            path: "keyturn-keys.bundle".into(),
        }]
    );
    // Again, without Tab: the selected key's provider only.
    key(&mut app, KeyCode::Char('x'));
    typed(&mut app, "age1abc");
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [KeysEffect::ExportBundle { provider: Some(p), .. }] if p == "openai"),
        "{effects:?}"
    );
}

#[test]
fn import_asks_the_file_then_the_identity() {
    let mut app = app();
    key(&mut app, KeyCode::Char('I'));
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(s.contains("Import keys from a bundle"), "{s}");
    typed(&mut app, "keys.bundle");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![KeysEffect::ImportBundle {
            path: "keys.bundle".into(),
            identity: String::new(),
        }]
    );
}
