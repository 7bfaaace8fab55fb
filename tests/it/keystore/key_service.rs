//! The key manager through the real runtime effects (KeyService, key files, HTTP tests)
//! against the mock provider, driven headless: messages in, effects run, reports fed back.

use crate::support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::key_manager::{KeysEffect, StoreState};
use keyturn::app::secret::Secret;
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, TurnState};
use keyturn::config::Config;
use keyturn::keystore::{KeyCheck, KeyStore, Unlock};
use keyturn::mock::{MockOptions, MockProvider};
use keyturn::runtime::{Effects, dispatch};
use secrecy::SecretString;
use support::canary_key;
use tokio::sync::mpsc;

struct Harness {
    app: App,
    effects: Effects,
    rx: mpsc::Receiver<Msg>,
}

impl Harness {
    fn new(base_url: &str, home: &std::path::Path, store: StoreState) -> Self {
        let text = format!(
            "[keystore]\nscrypt_work_factor = 10\n[providers.local]\nname = \"Local mock\"\nbase_url = \"{base_url}\"\nauth = \"key\"\ndefault_model = \"mock-model\"\n"
        );
        let config = Config::parse(std::path::Path::new("test.toml"), &text).unwrap();
        let (tx, rx) = mpsc::channel(256);
        let effects = Effects::new(config, keyturn::config::Paths::under(home), tx);
        let app = App::new(AppOptions {
            provider: Some(ProviderInfo {
                id: "local".into(),
                name: "Local mock".into(),
                model: "mock-model".into(),
            }),
            store: Some(store),
            key_providers: vec![("local".into(), "Local mock".into())],
            ..Default::default()
        });
        Self { app, effects, rx }
    }

    fn run(&mut self, effect: KeysEffect) {
        self.effects.run(Effect::Keys(effect));
    }

    fn send(&mut self, msg: Msg) {
        dispatch(&mut self.app, &mut self.effects, msg);
    }

    /// Feeds runtime reports back into the app until `done` holds.
    async fn pump(&mut self, done: impl Fn(&App) -> bool) {
        let end = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.app) {
            let msg = tokio::time::timeout_at(end, self.rx.recv())
                .await
                .expect("timed out")
                .expect("channel closed");
            dispatch(&mut self.app, &mut self.effects, msg);
        }
    }

    fn type_and_send(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Msg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
        self.send(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_add_tested_key_chat_with_it_and_test_all() {
    keyturn::install_crypto_provider();
    let good = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(good.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut h = Harness::new(&mock.base_url(), home.path(), StoreState::Absent);

    h.run(KeysEffect::Create {
        passphrase: Some(Secret::new("harness pass")),
    });
    h.pump(|a| matches!(a.key_manager.state, StoreState::Unlocked { .. }))
        .await;

    // Without a key the chat fails with advice, and the draft path still works.
    h.type_and_send("before a key");
    h.pump(|a| !a.is_busy()).await;
    let TurnState::Failed(e) = &h.app.session.conversation.messages[1].state else {
        panic!()
    };
    assert_eq!(e.kind, keyturn::chat::FailureKind::Setup);
    assert!(e.message.contains("keyturn keys add local"), "{e}");

    // Add through the test-before-save path.
    h.app.key_manager.pending = Some((7, "local".into(), "work".into(), None));
    h.app.key_manager.dialog = Some(keyturn::app::key_manager::KeyDialog::Testing(
        keyturn::app::key_manager::dialogs::Testing {
            req: 7,
            provider: "local".into(),
        },
    ));
    h.run(KeysEffect::TestNew {
        req: 7,
        provider: "local".into(),
        secret: Secret::new(&good),
    });
    h.pump(|a| a.key_manager.entries.len() == 1).await;
    let entry = &h.app.key_manager.entries[0];
    assert!(entry.active && entry.last_test.as_ref().unwrap().result == KeyCheck::Valid);
    assert_eq!(entry.masked, format!("…{}", &good[good.len() - 4..]));

    // The chat now uses the stored key.
    h.type_and_send("with a key");
    h.pump(|a| !a.is_busy()).await;
    assert_eq!(
        h.app.session.conversation.messages.last().unwrap().state,
        TurnState::Done
    );
    let chat = mock
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/v1/chat/completions")
        .unwrap();
    assert_eq!(
        chat.header("authorization"),
        Some(format!("Bearer {good}").as_str())
    );

    // Test all: results arrive and are saved without touching the undo backup.
    let bak_before = std::fs::read(home.path().join("keys.age.bak")).ok();
    h.send(Msg::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)));
    h.send(Msg::Key(KeyEvent::new(
        KeyCode::Char('T'),
        KeyModifiers::NONE,
    )));
    h.pump(|a| !a.key_manager.busy()).await;
    let id = h.app.key_manager.entries[0].id.clone();
    let saved = KeyStore::open(
        &home.path().join("keys.age"),
        Unlock::Passphrase(SecretString::from("harness pass".to_string())),
        &mut |_| None,
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut saved = saved.unwrap();
    while saved.find(&id).unwrap().last_test.is_none() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        saved.reload().unwrap();
    }
    assert_eq!(
        saved.find(&id).unwrap().last_test.as_ref().unwrap().result,
        KeyCheck::Valid
    );
    assert_eq!(
        std::fs::read(home.path().join("keys.age.bak")).ok(),
        bak_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_store_says_how_to_unlock_and_a_wrong_passphrase_is_reported() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    KeyStore::create(
        &home.path().join("keys.age"),
        Unlock::Passphrase(SecretString::from("right".to_string())),
        10,
        &mut |_| None,
    )
    .unwrap();
    let mut h = Harness::new(&mock.base_url(), home.path(), StoreState::Locked);
    h.type_and_send("hi");
    h.pump(|a| !a.is_busy()).await;
    let TurnState::Failed(e) = &h.app.session.conversation.messages[1].state else {
        panic!()
    };
    assert!(e.message.contains("key store is locked: press F3"), "{e}");
    h.app.key_manager.ask_passphrase(false);
    h.app.key_manager.state = StoreState::Unlocking;
    h.run(KeysEffect::Unlock {
        passphrase: Some(Secret::new("wrong")),
        recover: false,
    });
    h.pump(|a| a.key_manager.state == StoreState::Locked).await;
    let Some(keyturn::app::key_manager::KeyDialog::Passphrase(
        keyturn::app::key_manager::dialogs::Passphrase { error: Some(e), .. },
    )) = &h.app.key_manager.dialog
    else {
        panic!()
    };
    assert!(e.starts_with("Wrong passphrase"), "{e}");
    h.app.key_manager.state = StoreState::Unlocking;
    h.run(KeysEffect::Unlock {
        passphrase: Some(Secret::new("right")),
        recover: false,
    });
    h.pump(|a| matches!(a.key_manager.state, StoreState::Unlocked { .. }))
        .await;
    assert!(h.app.key_manager.dialog.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_key_is_named_and_failover_uses_the_other_key() {
    keyturn::install_crypto_provider();
    let good = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(good.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("keys.age");
    let mut store = KeyStore::create(
        &path,
        Unlock::Passphrase(SecretString::from("p".to_string())),
        10,
        &mut |_| None,
    )
    .unwrap();
    let bad = canary_key();
    for (label, secret) in [("stale", bad.clone()), ("fresh", good.clone())] {
        store
            .commit(keyturn::keystore::KeyOp::Add(
                keyturn::keystore::KeyEntry::new("local", label, SecretString::from(secret), 1),
            ))
            .unwrap();
    }
    drop(store);
    let mut h = Harness::new(&mock.base_url(), home.path(), StoreState::Locked);
    h.app.key_manager.state = StoreState::Unlocking;
    h.run(KeysEffect::Unlock {
        passphrase: Some(Secret::new("p")),
        recover: false,
    });
    h.pump(|a| matches!(a.key_manager.state, StoreState::Unlocked { .. }))
        .await;
    h.type_and_send("hello");
    h.pump(|a| !a.is_busy()).await;
    let TurnState::Failed(e) = &h.app.session.conversation.messages[1].state else {
        panic!()
    };
    assert!(
        e.message.contains(&format!(
            "Local mock (key \"stale\" …{})",
            &bad[bad.len() - 4..]
        )),
        "{e}"
    );
    assert!(!e.message.contains("CANARY"), "{e}");
    h.send(Msg::Key(KeyEvent::new(
        KeyCode::Char('f'),
        KeyModifiers::CONTROL,
    )));
    h.pump(|a| !a.is_busy()).await;
    assert_eq!(
        h.app.session.conversation.messages.last().unwrap().state,
        TurnState::Done
    );
    let auths: Vec<String> = mock
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(auths.last(), Some(&format!("Bearer {good}")));
    h.pump(|a| {
        a.key_manager
            .entries
            .iter()
            .any(|e| e.label == "fresh" && e.active)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn u_on_a_damaged_store_restores_it_from_the_backup() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("keys.age");
    let mut store = KeyStore::create(
        &path,
        Unlock::Passphrase(SecretString::from("right".to_string())),
        10,
        &mut |_| None,
    )
    .unwrap();
    for n in 0..2 {
        store
            .add(keyturn::keystore::KeyEntry::new(
                "local",
                "l",
                SecretString::from(format!("sk-test-recover-tui-000{n}")),
                1,
            ))
            .unwrap();
    }
    // keys.age is cut short; the backup (one key) is whole.
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let mut h = Harness::new(&mock.base_url(), home.path(), StoreState::Locked);
    // `u` while locked asks the passphrase, then restores instead of failing.
    h.app.key_manager.after_unlock = Some(keyturn::app::Action::KeyUndo);
    h.app.key_manager.state = StoreState::Unlocking;
    h.run(KeysEffect::Unlock {
        passphrase: Some(Secret::new("right")),
        recover: true,
    });
    h.pump(|a| matches!(a.key_manager.state, StoreState::Unlocked { .. }))
        .await;
    assert_eq!(h.app.key_manager.entries.len(), 1);
    let note = support::key_manager_note(&h.app);
    assert!(note.contains("Restored keys.age from its backup"), "{note}");
    assert!(home.path().join("keys.age.damaged").is_file());
    assert!(h.app.key_manager.after_unlock.is_none());
}
