//! The model picker: reducer behaviour, and the model service against the mock (live list,
//! disk cache, offline fallback, newest request wins).

use crate::support::key;
use crossterm::event::{KeyCode, KeyModifiers};
use keyturn::app::picker::{ListSource, PickerEffect, PickerProvider};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, View, update};
use keyturn::mock::{MockOptions, MockProvider};
use keyturn::providers::models::ModelInfo;

fn provider(id: &str, models: &[&str], needs_key: bool) -> PickerProvider {
    PickerProvider {
        id: id.into(),
        name: id.to_uppercase(),
        default_model: models[0].into(),
        models: models.iter().map(|m| m.to_string()).collect(),
        needs_key,
        env_key: false,
    }
}

fn app() -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "LOCAL".into(),
            model: "a".into(),
        }),
        catalogue: vec![
            provider(
                "anthropic",
                &["claude-sonnet-4-5", "claude-haiku-4-5"],
                true,
            ),
            provider("local", &["a", "b"], false),
        ],
        ..Default::default()
    })
}

fn open(app: &mut App) -> Vec<(String, u64)> {
    key(app, KeyCode::Char('p'), KeyModifiers::CONTROL)
        .into_iter()
        .map(|e| match e {
            Effect::Picker(PickerEffect::Fetch { provider_id, req }) => (provider_id, req),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn opening_fetches_every_provider_and_starts_on_the_model_in_use() {
    let mut app = app();
    let fetches = open(&mut app);
    assert_eq!(app.view(), View::Picker);
    assert_eq!(
        fetches.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["anthropic", "local"]
    );
    let picker = app.picker().unwrap();
    let (p, m) = picker.rows()[picker.selected];
    assert_eq!(
        (
            picker.providers[p].provider.id.as_str(),
            picker.providers[p].models[m].id.as_str()
        ),
        ("local", "a")
    );
}

#[test]
fn filter_enter_and_ctrl_d() {
    let mut app = app();
    open(&mut app);
    for c in "haiku".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    assert_eq!(app.picker().unwrap().rows().len(), 1);
    assert!(key(&mut app, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    assert_eq!(app.view(), View::Chat);
    let p = app.session.provider.clone().unwrap();
    assert_eq!(
        (p.id.as_str(), p.model.as_str()),
        ("anthropic", "claude-haiku-4-5")
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("no key yet: press F3"),
        "{:?}",
        app.notice
    );
    open(&mut app);
    for c in "local b".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let effects = key(&mut app, KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(
        effects,
        vec![Effect::Picker(PickerEffect::SaveDefault {
            provider_id: "local".into(),
            model: "b".into()
        })]
    );
    assert_eq!(app.session.provider.as_ref().unwrap().model, "b");
    // Esc closes without changing anything.
    open(&mut app);
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(
        (
            app.view(),
            app.session.provider.as_ref().unwrap().model.as_str()
        ),
        (View::Chat, "b")
    );
}

#[test]
fn the_newest_list_wins_and_an_old_answer_is_ignored() {
    let mut app = app();
    let first = open(&mut app);
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    let second = open(&mut app);
    let models = |ids: &[&str]| ids.iter().map(|i| ModelInfo::bare(i)).collect::<Vec<_>>();
    let old_req = first.iter().find(|(p, _)| p == "local").unwrap().1;
    let new_req = second.iter().find(|(p, _)| p == "local").unwrap().1;
    let _ = update(
        &mut app,
        Msg::Models {
            provider_id: "local".into(),
            req: old_req,
            models: models(&["stale"]),
            source: ListSource::Live,
            error: None,
        },
    );
    let _ = update(
        &mut app,
        Msg::Models {
            provider_id: "local".into(),
            req: new_req,
            models: models(&["a", "fresh"]),
            source: ListSource::Live,
            error: None,
        },
    );
    let picker = app.picker().unwrap();
    let local = picker
        .providers
        .iter()
        .find(|p| p.provider.id == "local")
        .unwrap();
    assert_eq!(
        local
            .models
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["a", "fresh"]
    );
    assert_eq!(local.source, ListSource::Live);
    let (p, m) = picker.rows()[picker.selected];
    assert_eq!(
        picker.providers[p].models[m].id, "a",
        "the selection stays on the model in use"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_service_fetches_live_caches_and_falls_back_when_offline() {
    use keyturn::runtime::Effects;
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions {
        models: vec!["m-one".into(), "m-two".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let text = format!(
        "[providers.local]\nbase_url = \"{}\"\nauth = \"none\"\ndefault_model = \"m-one\"\n",
        mock.base_url()
    );
    let config = keyturn::config::Config::parse(std::path::Path::new("t.toml"), &text).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let mut effects = Effects::new(
        config.clone(),
        keyturn::config::Paths::under(home.path()),
        tx,
    );
    let next = |effects: &mut Effects, req: u64| {
        effects.run(Effect::Picker(PickerEffect::Fetch {
            provider_id: "local".into(),
            req,
        }));
    };
    let mut recv = async || match tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap()
    {
        Msg::Models {
            models,
            source,
            error,
            req,
            ..
        } => (
            models.into_iter().map(|m| m.id).collect::<Vec<_>>(),
            source,
            error,
            req,
        ),
        other => panic!("{other:?}"),
    };
    next(&mut effects, 1);
    assert_eq!(
        recv().await,
        (
            vec!["m-one".to_string(), "m-two".to_string()],
            ListSource::Live,
            None,
            1
        )
    );
    assert!(home.path().join("data/models/local.json").exists());
    let served = mock.requests().len();
    next(&mut effects, 2);
    assert_eq!(recv().await.1, ListSource::Cache, "a fresh cache is used");
    assert_eq!(
        mock.requests().len(),
        served,
        "no request for a fresh cache"
    );
    // Offline with an expired cache: the stale cache is shown, with the error.
    let cache = home.path().join("data/models/local.json");
    let stale = std::fs::read_to_string(&cache).unwrap().replacen(
        "\"fetched_at\":",
        "\"fetched_at\":1,\"old\":",
        1,
    );
    std::fs::write(&cache, stale).unwrap();
    drop(mock);
    next(&mut effects, 3);
    let (models, source, error, _) = recv().await;
    assert_eq!((models.len(), source), (2, ListSource::Cache));
    let error = error.unwrap();
    assert!(
        error.contains("Could not connect") || error.contains("lost"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_servers_are_discovered_quietly_and_usable() {
    use keyturn::runtime::discovery::{discover, resolve};
    keyturn::install_crypto_provider();
    let client =
        keyturn::providers::http::build_client(keyturn::providers::http::Timeouts::default());
    let mock = MockProvider::start(MockOptions {
        models: vec!["qwen-local".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    let port = mock.addr.port();
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let found = discover(
        &client,
        &[("vllm", "vLLM", port), ("llamacpp", "llama.cpp", free)],
        &[],
    )
    .await;
    assert_eq!(
        found.len(),
        1,
        "nothing listening on {free} is simply not found"
    );
    assert_eq!(
        (found[0].endpoint.id.as_str(), found[0].model.as_str()),
        ("vllm", "qwen-local")
    );
    assert_eq!(found[0].endpoint.name, format!("vLLM (local :{port})"));
    // A server already in config is not probed again.
    let before = mock.requests().len();
    let again = discover(
        &client,
        &[("vllm", "vLLM", port)],
        &[format!("http://127.0.0.1:{port}/v1")],
    )
    .await;
    assert!(again.is_empty());
    assert_eq!(mock.requests().len(), before);

    // The discovered provider joins the picker and streams through the real effects.
    let home = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut effects = keyturn::runtime::Effects::new(
        keyturn::config::Config::default(),
        keyturn::config::Paths::under(home.path()),
        tx,
    );
    effects.discovered.lock().unwrap().extend(found.clone());
    assert!(
        resolve(
            &effects.config,
            &effects.discovered,
            "vllm",
            Some("qwen-local")
        )
        .is_ok()
    );
    let mut app = App::new(AppOptions::default());
    let _ = update(
        &mut app,
        Msg::Discovered(provider("vllm", &["qwen-local"], false)),
    );
    assert!(app.session.catalogue.iter().any(|p| p.id == "vllm"));
    let request = keyturn::providers::ChatRequest {
        model: "qwen-local".into(),
        system: None,
        messages: vec![keyturn::providers::ChatMessage::new(
            keyturn::providers::Role::User,
            "hi",
        )],
        temperature: None,
        max_tokens: None,
        reasoning: None,
    };
    effects.run(Effect::StartStream {
        req: 1,
        provider_id: "vllm".into(),
        request,
        key_id: None,
    });
    let mut done = false;
    while let Ok(Some(msg)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await
    {
        if let Msg::Stream {
            event: keyturn::providers::StreamEvent::Done,
            ..
        } = msg
        {
            done = true;
            break;
        }
    }
    assert!(done, "the discovered server answered");
}

#[test]
fn a_paste_goes_to_the_pane_in_view_never_the_hidden_composer() {
    use keyturn::app::conversation_list::ConvEffect;
    let mut app = app();
    open(&mut app);
    let effects = update(&mut app, Msg::Paste("haiku\r\n".into()));
    assert!(effects.is_empty());
    assert_eq!(app.picker().unwrap().query(), "haiku");
    assert_eq!(app.picker().unwrap().rows().len(), 1);
    assert_eq!(app.draft(), "", "the hidden composer got the paste");

    // The conversations pane: the paste is a search, listed again.
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::F(4), KeyModifiers::NONE);
    assert_eq!(app.view(), View::Conversations);
    let effects = update(&mut app, Msg::Paste("rust  lifetimes".into()));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Conversations(ConvEffect::List { query, .. })] if query == "rust lifetimes"
        ),
        "{effects:?}"
    );
    assert_eq!(app.conversations().unwrap().query.text(), "rust lifetimes");
    assert_eq!(app.draft(), "");

    // The usage view has no text field: the paste goes nowhere.
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::F(5), KeyModifiers::NONE);
    assert_eq!(app.view(), View::Usage);
    let _ = update(&mut app, Msg::Paste("stray".into()));
    assert_eq!(app.draft(), "");

    // Back in the chat the composer takes it.
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.view(), View::Chat);
    let _ = update(&mut app, Msg::Paste("hello".into()));
    assert_eq!(app.draft(), "hello");
}

/// A conversation last answered by Anthropic's haiku.
fn answered_by(provider: &str, model: &str) -> keyturn::app::Conversation {
    use keyturn::app::TurnState;
    use keyturn::providers::Role;
    let mut conv = keyturn::app::Conversation {
        id: "20261129-000000-abcd".into(),
        ..Default::default()
    };
    conv.push(Role::User, "q".into(), TurnState::Done);
    let a = conv.push(Role::Assistant, "a".into(), TurnState::Done);
    conv.messages[a].provider_id = provider.into();
    conv.messages[a].model = model.into();
    conv
}

#[test]
fn a_resumed_or_opened_conversation_goes_on_with_the_provider_that_answered_last() {
    let resumed = App::new(AppOptions {
        resume: Some(answered_by("anthropic", "claude-haiku-4-5")),
        ..app().options.clone()
    });
    let p = resumed.session.provider.as_ref().unwrap();
    assert_eq!(
        (p.id.as_str(), p.model.as_str()),
        ("anthropic", "claude-haiku-4-5")
    );
    let notice = &resumed.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("Continuing on ANTHROPIC · claude-haiku-4-5, which answered last here"),
        "{notice}"
    );
    // --provider on the command line wins.
    let pinned = App::new(AppOptions {
        resume: Some(answered_by("anthropic", "claude-haiku-4-5")),
        provider_pinned: true,
        ..app().options.clone()
    });
    assert_eq!(pinned.session.provider.as_ref().unwrap().id, "local");
    // A provider no longer configured: stays, and says so.
    let mut app = app();
    let _ = update(
        &mut app,
        Msg::Opened {
            conversation: Box::new(answered_by("gone", "m")),
            note: None,
        },
    );
    assert_eq!(app.session.provider.as_ref().unwrap().id, "local");
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("gone · m, which is not configured now; LOCAL · a answers"),
        "{notice}"
    );
    // Opening one from the conversations pane switches like resuming.
    let _ = update(
        &mut app,
        Msg::Opened {
            conversation: Box::new(answered_by("anthropic", "claude-sonnet-4-5")),
            note: None,
        },
    );
    assert_eq!(
        app.session.provider.as_ref().unwrap().model,
        "claude-sonnet-4-5"
    );
}

#[test]
fn typing_part_of_a_model_id_selects_it_over_a_spread_across_provider_names() {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "demo".into(),
            name: "DEMO".into(),
            model: "demo-fast".into(),
        }),
        catalogue: vec![
            provider("anthropic", &["claude-sonnet-4-5"], true),
            provider("demo", &["demo-fast", "demo-thinking"], false),
        ],
        ..Default::default()
    });
    open(&mut app);
    for c in "thin".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let picker = app.picker().unwrap();
    let (p, m) = picker.rows()[picker.selected];
    assert_eq!(picker.providers[p].models[m].id, "demo-thinking");
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.session.provider.as_ref().unwrap().id, "demo");
    // Equal ranks: the model in use comes first, whatever the provider order.
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "demo".into(),
            name: "DEMO".into(),
            model: "demo-thinking".into(),
        }),
        catalogue: vec![
            provider("other", &["demo-thinking"], false),
            provider("demo", &["demo-fast", "demo-thinking"], false),
        ],
        ..Default::default()
    });
    open(&mut app);
    for c in "thinking".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let picker = app.picker().unwrap();
    let (p, _) = picker.rows()[0];
    assert_eq!(picker.providers[p].provider.id, "demo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_ids_are_sanitized_when_they_arrive() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions {
        models: vec![
            "gpt\u{200B}-4o\u{1b}]0;owned\u{7}".into(),
            "\u{1b}]52;c;eA==\u{7}".into(),
        ],
        ..Default::default()
    })
    .await
    .unwrap();
    let text = format!(
        "[providers.local]\nbase_url = \"{}\"\nauth = \"none\"\ndefault_model = \"m\"\n",
        mock.base_url()
    );
    let config = keyturn::config::Config::parse(std::path::Path::new("t.toml"), &text).unwrap();
    let choice = config.provider("local", None).unwrap();
    let client = keyturn::providers::http::build_client(config.timeouts());
    let models =
        keyturn::providers::models::fetch(&client, &choice.endpoint, None, config.timeouts())
            .await
            .unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    // The look-alike loses its zero-width space and its title-setting escape; an id that was
    // nothing but an escape is dropped.
    assert_eq!(ids, ["gpt-4o"]);
}
