//! What providers say of a key's spend, where the user looks: a gateway's figures beside the
//! provider in the key manager and in the usage view (F5), an OpenRouter key's credit from
//! its last test under the selected key and in F5.

use crossterm::event::KeyCode;
use keyturn::app::key_manager::{KeyMeta, KeysMsg, StoreState};
use keyturn::app::{App, Msg, update};
use keyturn::keystore::{KeyCheck, TestRecord};
use keyturn::providers::StreamEvent;
use keyturn::providers::gateway::KeySpend;

use crate::support::{press, screen, send};

#[test]
fn gateway_spend_and_openrouter_credit_show_in_the_key_manager_and_f5() {
    let mut app = App::new(keyturn::app::AppOptions {
        store: Some(StoreState::Unlocked { method: "x".into() }),
        ..crate::support::local_options()
    });
    // A request through the gateway: its headers said the key's spend.
    let req = send(&mut app, "hi");
    let spend = KeySpend {
        spend: keyturn::chat::money::Usd::parse("4.5").unwrap(),
        max_budget: keyturn::chat::money::Usd::parse("20"),
    };
    for event in [StreamEvent::GatewayKey(spend), StreamEvent::Done] {
        let _ = update(&mut app, Msg::Stream { req, event });
    }
    let key = |id: &str, provider: &str, detail: &str| KeyMeta {
        id: id.into(),
        provider: provider.into(),
        label: String::new(),
        masked: "…abcd".into(),
        created: 1,
        rotated: None,
        last_test: Some(TestRecord {
            at: 1_764_460_800,
            result: KeyCheck::Valid,
            detail: detail.into(),
        }),
        active: true,
        cap: None,
    };
    app.open_keys();
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::Unlocked {
            method: "a passphrase".into(),
            entries: vec![
                key("k1", "local", "Local accepted the key"),
                key(
                    "k2",
                    "openrouter",
                    "OpenRouter accepted the key ($1.25 used; $8.75 of $10.00 left, the limit resets monthly)",
                ),
            ],
            warnings: vec![],
            env_candidates: vec![],
        }),
    );
    let s = screen(&mut app, 100, 24);
    assert!(
        s.contains("gateway: $4.50 of $20.00 spent on this key"),
        "{s}"
    );
    let _ = update(&mut app, press(KeyCode::Down));
    let s = screen(&mut app, 100, 24);
    assert!(
        s.contains("$8.75 of $10.00 left, the limit resets monthly"),
        "{s}"
    );
    // The budget dialog says OpenRouter's own limit runs by its own period.
    let _ = update(&mut app, press(KeyCode::Char('b')));
    let s = screen(&mut app, 100, 24);
    assert!(
        s.contains("openrouter's own limit on this key: $1.25 used; $8.75 of $10.00"),
        "{s}"
    );
    let _ = update(&mut app, press(KeyCode::Esc));
    let _ = update(&mut app, press(KeyCode::Esc));
    let _ = update(&mut app, press(KeyCode::F(5)));
    let s = screen(&mut app, 100, 24);
    assert!(
        s.contains("local: the gateway says $4.50 of $20.00 spent on its key."),
        "{s}"
    );
    assert!(
        s.contains("openrouter key …abcd: $1.25 used; $8.75 of $10.00 left"),
        "{s}"
    );
}

#[test]
fn an_openrouter_reply_asks_for_the_keys_credit_again_without_saving() {
    use keyturn::app::Effect;
    use keyturn::app::key_manager::KeysEffect;
    let mut app = App::new(keyturn::app::AppOptions {
        provider: Some(keyturn::app::ProviderInfo {
            id: "openrouter".into(),
            name: "OpenRouter".into(),
            model: "openai/gpt-4o".into(),
        }),
        ..Default::default()
    });
    let req = send(&mut app, "hi");
    let _ = update(
        &mut app,
        Msg::TurnKey {
            req,
            key_id: "k9".into(),
        },
    );
    let effects = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Done,
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Keys(KeysEffect::Refresh { id }) if id == "k9")),
        "{effects:?}"
    );
    // Another provider's reply asks nothing.
    let mut local = App::new(crate::support::local_options());
    let req = send(&mut local, "hi");
    let _ = update(
        &mut local,
        Msg::TurnKey {
            req,
            key_id: "k1".into(),
        },
    );
    let effects = update(
        &mut local,
        Msg::Stream {
            req,
            event: StreamEvent::Done,
        },
    );
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Keys(_))),
        "{effects:?}"
    );
}
