//! The key manager's reducer: every step of add, unlock, test, delete and their skip paths.

use crate::support::submit;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::key_manager::{KeyDialog, KeyMeta, KeysEffect, KeysMsg, StoreState};
use keyturn::app::secret::Secret;
use keyturn::app::{App, AppOptions, ConfigEdit, Effect, Msg, ProviderInfo, View, update};
use keyturn::keystore::KeyCheck;
use keyturn::providers::validate::CheckOutcome;

fn app(store: StoreState, needs_key: bool) -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local".into(),
            model: "m".into(),
        }),
        store: Some(store),
        key_providers: vec![
            ("local".into(), "Local".into()),
            ("other".into(), "Other".into()),
        ],
        provider_needs_key: needs_key,
        ..Default::default()
    })
}

/// A key to the key manager; the effects it asked of the key store.
pub(super) fn key(app: &mut App, code: KeyCode) -> Vec<KeysEffect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
        .into_iter()
        .map(|e| match e {
            Effect::Keys(k) => k,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

pub(super) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(key(app, KeyCode::Char(c)).is_empty());
    }
}

fn msg(app: &mut App, m: KeysMsg) -> Vec<KeysEffect> {
    update(app, Msg::Keys(m))
        .into_iter()
        .map(|e| match e {
            Effect::Keys(k) => k,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn meta(id: &str, active: bool) -> KeyMeta {
    KeyMeta {
        id: id.into(),
        provider: "local".into(),
        label: format!("label {id}"),
        masked: "…abcd".into(),
        created: 1,
        rotated: None,
        last_test: None,
        active,
        cap: None,
    }
}

fn test_req(effects: Vec<KeysEffect>) -> u64 {
    match effects.as_slice() {
        [KeysEffect::TestNew { req, .. }] => *req,
        other => panic!("expected TestNew, got {other:?}"),
    }
}

fn unlocked(entries: Vec<KeyMeta>) -> KeysMsg {
    KeysMsg::Unlocked {
        method: "a passphrase".into(),
        entries,
        warnings: vec![],
        env_candidates: vec![],
    }
}

fn outcome(check: KeyCheck) -> CheckOutcome {
    CheckOutcome {
        check,
        detail: format!("{} detail", check.label()),
    }
}

#[test]
fn first_key_creates_the_store_then_adds_a_tested_key() {
    let mut app = app(StoreState::Absent, false);
    key(&mut app, KeyCode::F(3));
    assert_eq!(app.view(), View::Keys);
    assert!(key(&mut app, KeyCode::Char('a')).is_empty());
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::Passphrase(
            keyturn::app::key_manager::dialogs::Passphrase { creating: true, .. }
        ))
    ));
    typed(&mut app, "pass one");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "pass two");
    key(&mut app, KeyCode::Enter);
    let Some(KeyDialog::Passphrase(keyturn::app::key_manager::dialogs::Passphrase {
        error: Some(e),
        ..
    })) = &app.key_manager.dialog
    else {
        panic!("{:?}", app.key_manager.dialog)
    };
    assert!(e.contains("differ"));
    typed(&mut app, "pass one");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "pass one");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![KeysEffect::Create {
            passphrase: Some(Secret::new("pass one"))
        }]
    );
    assert_eq!(app.key_manager.state, StoreState::Unlocking);
    // Unlocked: the add flow resumes at the provider choice.
    msg(&mut app, unlocked(vec![]));
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::ChooseProvider(
            keyturn::app::key_manager::dialogs::ChooseProvider { .. }
        ))
    ));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&app.key_manager.dialog, Some(KeyDialog::Label(keyturn::app::key_manager::dialogs::Label { provider, .. })) if provider == "other")
    );
    typed(&mut app, "work");
    key(&mut app, KeyCode::Enter);
    let _ = update(
        &mut app,
        Msg::Paste("  sk-test-CANARY-reducer-0001\r\n".into()),
    );
    let effects = key(&mut app, KeyCode::Enter);
    let [
        KeysEffect::TestNew {
            req,
            provider,
            secret,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(provider, "other");
    assert_eq!(*secret, Secret::new("sk-test-CANARY-reducer-0001"));
    let req = *req;
    assert!(app.key_manager.busy());
    let effects = msg(
        &mut app,
        KeysMsg::NewTested {
            req,
            outcome: outcome(KeyCheck::Valid),
        },
    );
    assert_eq!(
        effects,
        vec![KeysEffect::SaveNew {
            req,
            provider: "other".into(),
            label: "work".into(),
            rotate: None
        }]
    );
    assert!(app.key_manager.dialog.is_none());
}

#[test]
fn an_unverified_key_needs_confirmation_and_can_be_discarded() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter); // no label
    typed(&mut app, "sk-test-CANARY-reducer-0002");
    let req = test_req(key(&mut app, KeyCode::Enter));
    msg(
        &mut app,
        KeysMsg::NewTested {
            req,
            outcome: outcome(KeyCheck::Invalid),
        },
    );
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::ConfirmUnverified(
            keyturn::app::key_manager::dialogs::ConfirmUnverified { .. }
        ))
    ));
    assert!(
        key(&mut app, KeyCode::Char('x')).is_empty(),
        "other keys do nothing"
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('n')),
        vec![KeysEffect::DropNew { req }]
    );
    assert!(app.key_manager.dialog.is_none());
    // The same again, confirmed this time.
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "sk-test-CANARY-reducer-0003");
    let req = test_req(key(&mut app, KeyCode::Enter));
    msg(
        &mut app,
        KeysMsg::NewTested {
            req,
            outcome: outcome(KeyCheck::Unreachable),
        },
    );
    assert!(matches!(
        key(&mut app, KeyCode::Char('y')).as_slice(),
        [KeysEffect::SaveNew { .. }]
    ));
}

#[test]
fn esc_while_testing_drops_the_pending_key_and_a_late_result_is_ignored() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "sk-test-CANARY-reducer-0004");
    let req = test_req(key(&mut app, KeyCode::Enter));
    assert_eq!(
        key(&mut app, KeyCode::Esc),
        vec![KeysEffect::DropNew { req }]
    );
    assert_eq!(
        msg(
            &mut app,
            KeysMsg::NewTested {
                req,
                outcome: outcome(KeyCheck::Valid)
            }
        ),
        vec![KeysEffect::DropNew { req }]
    );
    assert!(app.key_manager.dialog.is_none());
}

#[test]
fn a_locked_store_asks_at_start_when_the_provider_needs_a_key() {
    let app1 = app(StoreState::Locked, true);
    assert_eq!(app1.view(), View::Keys);
    assert!(matches!(
        app1.key_manager.dialog,
        Some(KeyDialog::Passphrase(
            keyturn::app::key_manager::dialogs::Passphrase {
                creating: false,
                ..
            }
        ))
    ));
    let app2 = app(StoreState::Locked, false);
    assert_eq!(app2.view(), View::Chat);
    let mut app = app1;
    typed(&mut app, "wrong");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![KeysEffect::Unlock {
            passphrase: Some(Secret::new("wrong")),
            recover: false,
        }]
    );
    msg(
        &mut app,
        KeysMsg::UnlockFailed {
            error: "Wrong passphrase for keys.age.".into(),
            wrong_passphrase: true,
            store_exists: true,
        },
    );
    let Some(KeyDialog::Passphrase(keyturn::app::key_manager::dialogs::Passphrase {
        error: Some(e),
        ..
    })) = &app.key_manager.dialog
    else {
        panic!()
    };
    assert!(e.contains("Wrong passphrase"));
    assert_eq!(app.key_manager.state, StoreState::Locked);
    // Esc skips unlocking; the chat is still usable.
    key(&mut app, KeyCode::Esc);
    assert!(app.key_manager.dialog.is_none());
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), View::Chat);
}

#[test]
fn test_all_delete_with_purge_activate_rotate_and_label() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    msg(
        &mut app,
        unlocked(vec![meta("k1", true), meta("k2", false)]),
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('T')),
        vec![KeysEffect::Test {
            ids: vec!["k1".into(), "k2".into()]
        }]
    );
    assert!(app.key_manager.busy());
    msg(
        &mut app,
        KeysMsg::Tested {
            id: "k1".into(),
            outcome: outcome(KeyCheck::Valid),
            at: 1_795_000_000,
        },
    );
    msg(
        &mut app,
        KeysMsg::Tested {
            id: "k2".into(),
            outcome: outcome(KeyCheck::RateLimited),
            at: 1_795_000_000,
        },
    );
    assert!(!app.key_manager.busy());
    assert_eq!(
        app.key_manager.entries[1]
            .last_test
            .as_ref()
            .unwrap()
            .result,
        KeyCheck::RateLimited
    );
    key(&mut app, KeyCode::Down);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![KeysEffect::Activate { id: "k2".into() }]
    );
    // After activation the order changes; the selection stays on k2.
    msg(
        &mut app,
        KeysMsg::Updated {
            entries: vec![meta("k1", false), meta("k2", true)],
            note: "ok".into(),
            backup_holds: None,
            env_candidates: vec![],
            warnings: vec![],
        },
    );
    assert_eq!(app.key_manager.entries[app.key_manager.selected].id, "k2");
    key(&mut app, KeyCode::Char('e'));
    typed(&mut app, "!");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![KeysEffect::Relabel {
            id: "k2".into(),
            label: "label k2!".into()
        }]
    );
    key(&mut app, KeyCode::Char('r'));
    typed(&mut app, "sk-test-CANARY-reducer-0005");
    let req = test_req(key(&mut app, KeyCode::Enter));
    let effects = msg(
        &mut app,
        KeysMsg::NewTested {
            req,
            outcome: outcome(KeyCheck::Valid),
        },
    );
    assert_eq!(
        effects,
        vec![KeysEffect::SaveNew {
            req,
            provider: "local".into(),
            label: "label k2".into(),
            rotate: Some("k2".into())
        }]
    );
    key(&mut app, KeyCode::Char('d'));
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::ConfirmDelete(
            keyturn::app::key_manager::dialogs::ConfirmDelete { .. }
        ))
    ));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        vec![KeysEffect::Remove { id: "k2".into() }]
    );
    msg(
        &mut app,
        KeysMsg::Updated {
            entries: vec![meta("k1", true)],
            note: "Deleted".into(),
            backup_holds: Some("k2".into()),
            env_candidates: vec![],
            warnings: vec![],
        },
    );
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::OfferPurge(
            keyturn::app::key_manager::dialogs::OfferPurge { .. }
        ))
    ));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        vec![KeysEffect::PurgeBackup]
    );
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![KeysEffect::Undo]);
    assert!(
        key(&mut app, KeyCode::Char('i')).is_empty(),
        "nothing to import"
    );
}

#[test]
fn a_typed_key_never_shows_in_debug_output() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "sk-test-CANARY-reducer-0006");
    let shown = format!("{app:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(!format!("{effects:?} {app:?}").contains("CANARY"));
}

#[test]
fn paste_in_the_key_manager_never_reaches_the_composer() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    let _ = update(&mut app, Msg::Paste("sk-test-CANARY-reducer-0007".into()));
    assert_eq!(app.draft(), "");
}

fn failover_app(mode: keyturn::config::Failover) -> App {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local".into(),
            model: "m".into(),
        }),
        store: Some(StoreState::Unlocked { method: "x".into() }),
        failover: mode,
        ..Default::default()
    });
    msg(
        &mut app,
        unlocked(vec![meta("k1", true), meta("k2", false)]),
    );
    app
}

fn started(effects: Vec<Effect>) -> u64 {
    match effects.as_slice() {
        [
            Effect::StartStream {
                req, key_id: None, ..
            },
        ] => *req,
        other => panic!("expected StartStream, got {other:?}"),
    }
}

fn rejected() -> keyturn::providers::StreamEvent {
    keyturn::providers::StreamEvent::Error(keyturn::providers::ProviderError::Unauthorized {
        provider: "Local".into(),
        status: 401,
        detail: "bad key".into(),
    })
}

/// The provider rejects the key of turn `req`; what the reducer does about it.
fn reject(app: &mut App, req: u64) -> Vec<Effect> {
    update(
        app,
        Msg::Stream {
            req,
            event: rejected(),
        },
    )
}

#[test]
fn a_rejected_key_offers_the_other_key_and_ctrl_f_switches() {
    let mut app = failover_app(keyturn::config::Failover::Ask);
    let req = started(submit(&mut app, "hi"));
    assert!(reject(&mut app, req).is_empty());
    let note = app
        .session
        .conversation
        .messages
        .last()
        .unwrap()
        .notes
        .join(" ");
    assert!(
        note.contains("press Ctrl-F to switch") && note.contains("…abcd \"label k2\""),
        "{note}"
    );
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        effects[0],
        Effect::Keys(KeysEffect::Activate { id: "k2".into() })
    );
    let Effect::StartStream {
        key_id, request, ..
    } = &effects[1]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(key_id.as_deref(), Some("k2"));
    assert_eq!(
        request.messages.len(),
        1,
        "the failed turn is replaced, the question asked again"
    );
    assert_eq!(app.session.conversation.messages.len(), 2);
    // If the second key fails too there is nothing left to offer: no loop.
    let req = app.session.active.unwrap().0;
    let _ = reject(&mut app, req);
    assert!(app.session.failover_offer.is_none());
}

#[test]
fn auto_failover_switches_at_once_and_off_does_nothing() {
    let mut app = failover_app(keyturn::config::Failover::Auto);
    let req = started(submit(&mut app, "hi"));
    let effects = reject(&mut app, req);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Keys(KeysEffect::Activate { .. }),
                Effect::StartStream {
                    key_id: Some(_),
                    ..
                }
            ]
        ),
        "{effects:?}"
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Switched to the key …abcd")
    );

    let mut app = failover_app(keyturn::config::Failover::Off);
    let req = started(submit(&mut app, "hi"));
    assert!(reject(&mut app, req).is_empty());
    assert!(
        app.session
            .conversation
            .messages
            .last()
            .unwrap()
            .notes
            .is_empty()
    );
}

#[test]
fn b_sets_a_keys_monthly_cap_and_bad_numbers_are_refused() {
    let mut app = app(StoreState::Locked, false);
    msg(&mut app, unlocked(vec![meta("k1", true)]));
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)),
    );
    assert!(key(&mut app, KeyCode::Char('b')).is_empty());
    typed(&mut app, "abc");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(crate::support::key_manager_note(&app).contains("number of dollars"));
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "$12.50");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        [KeysEffect::SetCap {
            id: "k1".into(),
            monthly_usd: keyturn::chat::money::Usd::parse("12.5")
        }]
    );
    // An empty field removes the cap.
    key(&mut app, KeyCode::Char('b'));
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        [KeysEffect::SetCap {
            id: "k1".into(),
            monthly_usd: None
        }]
    );
}

#[test]
fn tab_in_the_budget_dialog_edits_the_provider_and_global_caps_which_apply_when_saved() {
    let mut app = App::new(AppOptions {
        budget: keyturn::usage::budget::BudgetConfig {
            monthly_usd: keyturn::chat::money::Usd::parse("20.0"),
            ..Default::default()
        },
        ..Default::default()
    });
    app.key_manager.state = StoreState::Locked;
    msg(&mut app, unlocked(vec![meta("k1", true)]));
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)),
    );
    key(&mut app, KeyCode::Char('b'));
    let field = cap_field;
    use keyturn::app::key_manager::CapScope;
    assert_eq!(field(&app), (CapScope::Key, String::new()));
    // Tab: the provider's cap (none yet), then the global one, showing its value.
    key(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), (CapScope::Provider, String::new()));
    typed(&mut app, "7.5");
    // A provider's cap is a config edit, not a key-store change.
    let cap = ConfigEdit::BudgetCap {
        provider: Some("local".into()),
        monthly_usd: keyturn::chat::money::Usd::parse("7.5"),
    };
    assert_eq!(
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        ),
        [Effect::EditConfig(cap.clone())]
    );
    // The runtime wrote config.toml: the budget the reducer checks follows at once.
    let _ = update(
        &mut app,
        Msg::ConfigSaved {
            edit: cap,
            path: "/tmp/config.toml".into(),
        },
    );
    assert_eq!(
        app.session.budget.providers.get("local"),
        keyturn::chat::money::Usd::parse("7.5").as_ref()
    );
    assert!(
        crate::support::key_manager_note(&app)
            .contains("The monthly cap for local is set to $7.50")
    );
    key(&mut app, KeyCode::Char('b'));
    key(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), (CapScope::Provider, "7.50".into()));
    key(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), (CapScope::Global, "20.00".into()));
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    let global = ConfigEdit::BudgetCap {
        provider: None,
        monthly_usd: None,
    };
    assert_eq!(
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        ),
        [Effect::EditConfig(global.clone())]
    );
    let _ = update(
        &mut app,
        Msg::ConfigSaved {
            edit: global,
            path: "/tmp/config.toml".into(),
        },
    );
    assert_eq!(app.session.budget.monthly_usd, None);
    // Tab comes round to the key again.
    key(&mut app, KeyCode::Char('b'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    assert_eq!(field(&app).0, CapScope::Key);
}

#[test]
fn a_key_that_last_tested_invalid_is_not_offered_and_the_note_says_so() {
    let mut app = failover_app(keyturn::config::Failover::Auto);
    let mut bad = meta("k2", false);
    bad.masked = "…dead".into();
    bad.last_test = Some(keyturn::keystore::TestRecord {
        at: 1,
        result: KeyCheck::Invalid,
        detail: "401".into(),
    });
    msg(&mut app, unlocked(vec![meta("k1", true), bad]));
    let req = started(submit(&mut app, "hi"));
    let effects = reject(&mut app, req);
    assert!(
        effects.is_empty(),
        "no switch to an invalid key: {effects:?}"
    );
    let note = app
        .session
        .conversation
        .messages
        .last()
        .unwrap()
        .notes
        .join(" ");
    assert!(
        note.contains("Not switching to …dead: its last test said invalid"),
        "{note}"
    );
}

#[test]
fn caps_are_editable_with_no_stored_key_and_shown_to_the_last_digit() {
    use keyturn::app::key_manager::CapScope;
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local".into(),
            model: "m".into(),
        }),
        store: Some(StoreState::Absent),
        budget: keyturn::usage::budget::BudgetConfig {
            monthly_usd: keyturn::chat::money::Usd::parse("0.0001"),
            providers: [(
                "local".to_string(),
                keyturn::chat::money::Usd::parse("1.23456789").unwrap(),
            )]
            .into(),
            ..Default::default()
        },
        ..Default::default()
    });
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)),
    );
    assert!(key(&mut app, KeyCode::Char('b')).is_empty());
    let field = cap_field;
    // No key to cap: the provider's cap, exactly; Tab goes to the global one and back.
    assert_eq!(field(&app), (CapScope::Provider, "1.23456789".into()));
    key(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), (CapScope::Global, "0.0001".into()));
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        field(&app).0,
        CapScope::Provider,
        "the key scope is skipped"
    );
    // Enter saves what is shown, not a rounded figure.
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        ),
        [Effect::EditConfig(ConfigEdit::BudgetCap {
            provider: None,
            monthly_usd: keyturn::chat::money::Usd::parse("0.0001"),
        })]
    );
}

#[test]
fn the_key_manager_hint_line_fits_and_says_where_the_rest_are() {
    let mut app = app(StoreState::Unlocked { method: "x".into() }, false);
    app.open_keys();
    for width in [100u16, 60] {
        let s = crate::support::screen(&mut app, width, 20);
        let hint = s.lines().rev().nth(1).unwrap_or("").to_string();
        assert!(
            hint.contains("back") && hint.contains("add"),
            "{width}: {hint}"
        );
        assert!(!hint.contains('…'), "{width}: cut mid-item: {hint}");
        if width == 60 {
            assert!(hint.contains("F1 all keys"), "{hint}");
        } else {
            assert!(hint.contains("b caps"), "{hint}");
        }
    }
}

/// The budget dialog's scope and what its field holds.
fn cap_field(app: &App) -> (keyturn::app::key_manager::CapScope, String) {
    match &app.key_manager.dialog {
        Some(KeyDialog::EditCap(keyturn::app::key_manager::dialogs::EditCap {
            scope,
            input,
            ..
        })) => (*scope, input.lines().join("")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_while_the_store_unlocks_stops_waiting_and_a_second_esc_leaves() {
    let mut app = app(StoreState::Unlocking, false);
    app.open_keys();
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.key_manager.state, StoreState::Locked);
    assert_eq!(app.view(), View::Keys);
    assert!(crate::support::key_manager_note(&app).contains("Stopped waiting"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), View::Chat);
    // A late answer that opened the store is still taken.
    msg(&mut app, unlocked(vec![meta("k1", true)]));
    assert!(matches!(app.key_manager.state, StoreState::Unlocked { .. }));
}
