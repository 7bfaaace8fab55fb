//! The providers' own counts through the runtime (`[context] provider_counts = true`): when
//! typing pauses, Anthropic's `count_tokens` (here the mock's) replaces the local estimate.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::Msg;
use keyturn::mock::{MockOptions, MockProvider};
use keyturn::runtime::{self, Session};

#[tokio::test(flavor = "current_thread")]
async fn when_typing_pauses_the_providers_count_replaces_the_estimate() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "default_provider = \"claude\"\n[context]\nprovider_counts = true\n[network]\ndiscover_local = false\n[providers.claude]\nprotocol = \"anthropic\"\nbase_url = \"{}\"\nauth = \"none\"\ndefault_model = \"claude-sonnet-4\"\n",
            mock.base_url()
        ),
    )
    .unwrap();
    let paths = keyturn::config::Paths::under(home.path());
    let config = keyturn::config::Config::load(&paths.config_file).unwrap();
    let options = runtime::options::tui_options(&config, &paths, None, None, None).unwrap();
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = runtime::start(config, paths, options);
    for c in "how many tokens is this".chars() {
        runtime::dispatch(
            &mut app,
            &mut effects,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let end = Instant::now() + Duration::from_secs(10);
    let mut estimated_first = false;
    loop {
        assert!(
            Instant::now() < end,
            "no exact count: {:?}",
            app.meter.reading
        );
        runtime::persist(&mut app, &mut effects);
        if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
            runtime::dispatch(&mut app, &mut effects, m);
        }
        match app.meter.reading.as_ref().map(|r| &r.estimate) {
            Some(e) if !e.exact => estimated_first = true,
            Some(e) if e.exact => break,
            _ => {}
        }
    }
    assert!(estimated_first, "the local estimate comes first");
    let counts: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages/count_tokens"))
        .collect();
    assert_eq!(counts.len(), 1, "asked once, after the pause");
    let body: serde_json::Value = serde_json::from_str(&counts[0].body).unwrap();
    assert_eq!(body["model"], "claude-sonnet-4");
    assert_eq!(body["messages"][0]["content"], "how many tokens is this");
    assert!(body.get("max_tokens").is_none() && body.get("stream").is_none());
    // The mock counts 100 and a token a word of what it was sent.
    let want = 100 + counts[0].body.split_whitespace().count() as u64;
    let e = &app.meter.reading.as_ref().unwrap().estimate;
    assert_eq!(e.input_tokens, want);
    assert!(e.exact);
}
