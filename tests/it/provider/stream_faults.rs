//! The stream task against the mock provider on 127.0.0.1, for every fault it can script.

use crate::support;

use std::time::{Duration, Instant};

use keyturn::mock::{MockOptions, MockProvider, Reply};
use keyturn::providers::http::{ChannelSink, Timeouts, stream_chat};
use keyturn::providers::{
    ChatMessage, ChatRequest, Endpoint, Protocol, ProviderError, Role, StreamEvent,
};
use secrecy::SecretString;
use support::{Collect, canary_key, text_of};

fn endpoint(mock: &MockProvider) -> Endpoint {
    Endpoint {
        id: "local".into(),
        name: "Local mock".into(),
        protocol: Protocol::Openai,
        base_url: mock.base_url(),
        extra_headers: vec![("X-Team".into(), "research".into())],
        cache: Default::default(),
        api: Default::default(),
    }
}

fn request(prompt: &str) -> ChatRequest {
    ChatRequest {
        model: "mock-model".into(),
        system: Some("be brief".into()),
        messages: vec![ChatMessage::new(Role::User, prompt)],
        temperature: Some(0.5),
        max_tokens: None,
        reasoning: None,
    }
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        idle: Duration::from_secs(1),
        nap: false,
    }
}

async fn mock() -> MockProvider {
    keyturn::install_crypto_provider();
    MockProvider::start(MockOptions::default()).await.unwrap()
}

async fn run(mock: &MockProvider, prompt: &str, key: Option<&str>) -> Vec<StreamEvent> {
    let client = keyturn::providers::http::build_client(timeouts());
    let key = key.map(|k| SecretString::from(k.to_string()));
    let mut sink = Collect::default();
    stream_chat(
        &client,
        &endpoint(mock),
        &request(prompt),
        key.as_ref(),
        timeouts(),
        &mut sink,
    )
    .await;
    sink.0
}

fn last_error(events: &[StreamEvent]) -> &ProviderError {
    match events.last() {
        Some(StreamEvent::Error(e)) => e,
        other => panic!("expected an error at the end, got {other:?}"),
    }
}

#[tokio::test]
async fn a_normal_reply_streams_text_usage_and_done() {
    let mock = mock().await;
    mock.push(Reply::text("Hello there, friend."));
    let events = run(&mock, "hi", Some(&canary_key())).await;
    assert_eq!(events.first(), Some(&StreamEvent::Connected));
    assert_eq!(text_of(&events), "Hello there, friend.");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Usage(u) if u.input_tokens == 12))
    );
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    let req = &mock.requests()[0];
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(req.header("x-team"), Some("research"));
    assert!(
        req.header("authorization")
            .unwrap()
            .starts_with("Bearer sk-test-CANARY-")
    );
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "hi");
    assert_eq!(body["temperature"], 0.5);
    assert!(body.get("max_tokens").is_none());
}

#[tokio::test]
async fn no_auth_header_without_a_key() {
    let mock = mock().await;
    run(&mock, "hi", None).await;
    assert_eq!(mock.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn an_echoed_key_never_reaches_the_error() {
    let mock = mock().await;
    let key = canary_key();
    let events = run(&mock, "mock:401", Some(&key)).await;
    let err = last_error(&events);
    assert!(
        matches!(err, ProviderError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
    assert!(
        shown.contains(&key[key.len() - 4..]),
        "the last 4 characters identify the key: {shown}"
    );
}

#[tokio::test]
async fn a_key_echoed_in_the_reply_text_never_leaves_the_stream_task() {
    let mock = mock().await;
    let key = canary_key();
    mock.push(Reply::text(&format!(
        "Sure! You sent the key {key} in your header. Bye."
    )));
    let events = run(&mock, "echo", Some(&key)).await;
    let text = text_of(&events);
    assert!(!text.contains("CANARY"), "{text}");
    assert!(
        text.contains("Sure! You sent the key [key …") && text.ends_with("Bye."),
        "{text}"
    );
    assert!(matches!(events.last(), Some(StreamEvent::Done)));
}

#[tokio::test]
async fn wrong_key_gets_a_plain_401_message() {
    keyturn::install_crypto_provider();
    let good = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(good),
        ..Default::default()
    })
    .await
    .unwrap();
    let bad = canary_key();
    let events = run(&mock, "hi", Some(&bad)).await;
    let msg = last_error(&events).to_string();
    assert!(msg.contains("rejected the API key (401"), "{msg}");
    assert!(msg.contains("Incorrect API key provided"), "{msg}");
    assert!(!msg.contains("CANARY"), "{msg}");
}

#[tokio::test]
async fn rate_limit_reports_retry_after() {
    let mock = mock().await;
    let events = run(&mock, "mock:429", None).await;
    let err = last_error(&events);
    assert!(
        matches!(
            err,
            ProviderError::RateLimited {
                retry_after_secs: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Rate limit reached"));
    assert!(err.is_transient());
}

#[tokio::test]
async fn every_status_maps_to_its_error() {
    let mock = mock().await;
    for (status, check) in [
        (
            403u16,
            (|e: &ProviderError| matches!(e, ProviderError::Forbidden { .. }))
                as fn(&ProviderError) -> bool,
        ),
        (404, |e| matches!(e, ProviderError::NotFound { .. })),
        (500, |e| {
            matches!(e, ProviderError::Server { status: 500, .. })
        }),
        (503, |e| {
            matches!(e, ProviderError::Server { status: 503, .. })
        }),
        (402, |e| matches!(e, ProviderError::QuotaExceeded { .. })),
        (418, |e| {
            matches!(e, ProviderError::Http { status: 418, .. })
        }),
    ] {
        mock.push(Reply::Status {
            status,
            body: r#"{"error":{"message":"scripted failure"}}"#.into(),
            retry_after: None,
        });
        let events = run(&mock, "x", None).await;
        let err = last_error(&events);
        assert!(check(err), "{status}: {err:?}");
        assert!(
            err.to_string().contains("scripted failure"),
            "{status}: {err}"
        );
    }
}

#[tokio::test]
async fn reset_mid_stream_keeps_partial_text() {
    let mock = mock().await;
    let events = run(&mock, "mock:reset", None).await;
    assert!(text_of(&events).starts_with("Here is the start"));
    assert!(
        matches!(last_error(&events), ProviderError::Dropped { .. }),
        "{:?}",
        events.last()
    );
}

#[tokio::test]
async fn a_stall_hits_the_idle_timeout() {
    let mock = mock().await;
    let events = run(&mock, "mock:stall", None).await;
    assert!(!text_of(&events).is_empty());
    assert!(matches!(
        last_error(&events),
        ProviderError::IdleTimeout { secs: 1, .. }
    ));
}

#[tokio::test]
async fn a_malformed_chunk_is_reported_and_the_stream_goes_on() {
    let mock = mock().await;
    let events = run(&mock, "mock:malformed", None).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Malformed(_)))
            .count(),
        1
    );
    assert_eq!(text_of(&events), "Most of this reply arrives fine.");
    assert_eq!(events.last(), Some(&StreamEvent::Done));
}

#[tokio::test]
async fn an_error_after_200_ends_the_turn_with_its_message() {
    let mock = mock().await;
    let events = run(&mock, "mock:error-after-200", None).await;
    let err = last_error(&events);
    assert!(matches!(err, ProviderError::InStream { .. }));
    assert!(err.to_string().contains("overloaded"));
}

#[tokio::test]
async fn a_stream_without_done_is_incomplete() {
    let mock = mock().await;
    let events = run(&mock, "mock:no-done", None).await;
    assert!(matches!(
        last_error(&events),
        ProviderError::Incomplete { .. }
    ));
}

#[tokio::test]
async fn json_error_with_status_200_is_an_error() {
    let mock = mock().await;
    mock.push(Reply::Status {
        status: 200,
        body: r#"{"error":{"message":"model is loading"}}"#.into(),
        retry_after: None,
    });
    let events = run(&mock, "x", None).await;
    assert!(last_error(&events).to_string().contains("model is loading"));
}

#[tokio::test]
async fn connection_refused_says_so() {
    keyturn::install_crypto_provider();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ep = Endpoint {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        ..endpoint(&mock().await)
    };
    let client = keyturn::providers::http::build_client(timeouts());
    let mut sink = Collect::default();
    stream_chat(&client, &ep, &request("x"), None, timeouts(), &mut sink).await;
    let err = last_error(&sink.0).to_string();
    assert!(
        err.starts_with("Could not connect to Local mock at http://127.0.0.1:"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("refused"), "{err}");
}

#[tokio::test]
async fn hostile_text_is_sanitized_before_it_leaves_the_task() {
    let mock = mock().await;
    mock.push(Reply::Stream {
        reasoning: vec!["think \x1b]0;pwned\x07".into()],
        tokens: vec![
            "safe \x1b[".into(),
            "31mred\u{202E} ".into(),
            "\x1b]52;c;ZXZpbA==".into(),
            "\x07end".into(),
        ],
        finish: Some("stop".into()),
        usage: false,
        done: true,
    });
    let events = run(&mock, "x", None).await;
    assert_eq!(text_of(&events), "safe red end");
    assert!(events.contains(&StreamEvent::Reasoning("think ".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_closes_the_connection_promptly() {
    let mock = mock().await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let ep = endpoint(&mock);
    let task = tokio::spawn(async move {
        let client = keyturn::providers::http::build_client(Timeouts {
            connect: Duration::from_secs(2),
            idle: Duration::from_secs(60),
            nap: false,
        });
        let mut sink = ChannelSink { tx, wrap: |e| e };
        stream_chat(
            &client,
            &ep,
            &request("mock:stall"),
            None,
            timeouts(),
            &mut sink,
        )
        .await;
    });
    // Wait for the first text, then cancel the way the runtime does.
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
        {
            Some(StreamEvent::Text(_)) => break,
            Some(_) => continue,
            None => panic!("stream ended before any text"),
        }
    }
    assert!(mock.disconnects().is_empty());
    let cancelled_at = Instant::now();
    task.abort();
    assert!(
        mock.wait_for(Duration::from_millis(500), |m| !m.disconnects().is_empty())
            .await,
        "the server did not see the connection close within 0.5 s"
    );
    assert!(mock.disconnects()[0] >= cancelled_at);
}

fn endpoint_for(mock: &MockProvider, protocol: Protocol) -> Endpoint {
    let base_url = match protocol {
        Protocol::Gemini => format!("http://{}/v1beta", mock.addr),
        _ => mock.base_url(),
    };
    Endpoint {
        id: "p".into(),
        name: "Mock".into(),
        protocol,
        base_url,
        extra_headers: vec![],
        cache: Default::default(),
        api: Default::default(),
    }
}

async fn run_protocol(
    mock: &MockProvider,
    protocol: Protocol,
    prompt: &str,
    key: &str,
) -> Vec<StreamEvent> {
    let client = keyturn::providers::http::build_client(timeouts());
    let key = SecretString::from(key.to_string());
    let mut sink = Collect::default();
    stream_chat(
        &client,
        &endpoint_for(mock, protocol),
        &request(prompt),
        Some(&key),
        timeouts(),
        &mut sink,
    )
    .await;
    sink.0
}

#[tokio::test]
async fn anthropic_and_gemini_stream_text_reasoning_and_usage_from_the_mock() {
    for protocol in [Protocol::Anthropic, Protocol::Gemini] {
        let key = canary_key();
        keyturn::install_crypto_provider();
        let mock = MockProvider::start(MockOptions {
            required_key: Some(key.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        let events = run_protocol(&mock, protocol, "mock:reasoning", &key).await;
        assert_eq!(
            text_of(&events),
            "Thought about it: **yes**.",
            "{protocol:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, StreamEvent::Reasoning(_))),
            "{protocol:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, StreamEvent::Usage(u) if u.input_tokens == 12)),
            "{protocol:?} {events:?}"
        );
        assert_eq!(events.last(), Some(&StreamEvent::Done), "{protocol:?}");
        let req = &mock.requests()[0];
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
        match protocol {
            Protocol::Anthropic => {
                assert_eq!(req.path, "/v1/messages");
                assert_eq!(req.header("x-api-key"), Some(key.as_str()));
                assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
                assert_eq!(body["system"], "be brief");
                assert_eq!(body["max_tokens"], 4096);
                assert_eq!(body["messages"][0]["role"], "user");
            }
            _ => {
                assert_eq!(
                    req.path,
                    "/v1beta/models/mock-model:streamGenerateContent?alt=sse"
                );
                assert_eq!(req.header("x-goog-api-key"), Some(key.as_str()));
                assert!(!req.path.contains(&key), "the key must never be in the URL");
                assert_eq!(body["systemInstruction"]["parts"][0]["text"], "be brief");
                assert_eq!(body["contents"][0]["parts"][0]["text"], "mock:reasoning");
                assert_eq!(body["generationConfig"]["temperature"], 0.5);
            }
        }
        assert!(
            req.header("authorization").is_none(),
            "{protocol:?} must not send a bearer token"
        );
    }
}

#[tokio::test]
async fn anthropic_and_gemini_faults_map_like_openai() {
    keyturn::install_crypto_provider();
    for protocol in [Protocol::Anthropic, Protocol::Gemini] {
        let key = canary_key();
        let mock = MockProvider::start(MockOptions {
            required_key: Some(key.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        let wrong = canary_key();
        let events = run_protocol(&mock, protocol, "hi", &wrong).await;
        let err = last_error(&events);
        assert!(
            matches!(err, ProviderError::Unauthorized { .. }),
            "{protocol:?}: {err:?}"
        );
        assert!(!err.to_string().contains("CANARY"), "{err}");
        let events = run_protocol(&mock, protocol, "mock:429", &key).await;
        assert!(matches!(
            last_error(&events),
            ProviderError::RateLimited {
                retry_after_secs: Some(2),
                ..
            }
        ));
        let events = run_protocol(&mock, protocol, "mock:error-after-200", &key).await;
        assert!(
            last_error(&events).to_string().contains("overloaded"),
            "{protocol:?}"
        );
        let events = run_protocol(&mock, protocol, "mock:no-done", &key).await;
        assert!(
            matches!(last_error(&events), ProviderError::Incomplete { .. }),
            "{protocol:?}"
        );
        let events = run_protocol(&mock, protocol, "mock:reset", &key).await;
        assert!(
            matches!(last_error(&events), ProviderError::Dropped { .. }),
            "{protocol:?}"
        );
    }
}

#[tokio::test]
async fn keys_are_validated_with_each_protocols_own_call() {
    keyturn::install_crypto_provider();
    let client = keyturn::providers::http::build_client(timeouts());
    for protocol in [Protocol::Openai, Protocol::Anthropic, Protocol::Gemini] {
        let key = canary_key();
        let mock = MockProvider::start(MockOptions {
            required_key: Some(key.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        let ep = endpoint_for(&mock, protocol);
        let ok = keyturn::providers::validate::check_key(
            &client,
            &ep,
            &SecretString::from(key.clone()),
            timeouts(),
        )
        .await;
        assert_eq!(
            ok.check,
            keyturn::keystore::KeyCheck::Valid,
            "{protocol:?}: {}",
            ok.detail
        );
        assert!(ok.detail.contains("2 models"), "{}", ok.detail);
        let bad = keyturn::providers::validate::check_key(
            &client,
            &ep,
            &SecretString::from(canary_key()),
            timeouts(),
        )
        .await;
        assert_eq!(
            bad.check,
            keyturn::keystore::KeyCheck::Invalid,
            "{protocol:?}: {}",
            bad.detail
        );
        assert!(!bad.detail.contains("CANARY"));
        let models = mock
            .requests()
            .into_iter()
            .map(|r| r.path)
            .collect::<Vec<_>>();
        assert!(
            models
                .iter()
                .all(|p| p == "/v1/models" || p == "/v1beta/models"),
            "{models:?}"
        );
    }
}

#[tokio::test]
async fn redirects_are_never_followed_with_the_key() {
    let mock = mock().await;
    let elsewhere = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::Redirect {
        location: format!("{}/chat/completions", elsewhere.base_url()),
    });
    let events = run(&mock, "hi", Some(&canary_key())).await;
    let err = last_error(&events);
    assert!(
        matches!(err, ProviderError::Http { status: 307, .. }),
        "{err:?}"
    );
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn openrouter_deepseek_and_xai_keys_use_their_own_key_calls() {
    keyturn::install_crypto_provider();
    let client = keyturn::providers::http::build_client(timeouts());
    for (id, path, needle) in [
        (
            "openrouter",
            "/v1/key",
            "$1.25 used; $8.75 of $10.00 left, the limit resets monthly",
        ),
        ("deepseek", "/user/balance", "balance 4.20 USD"),
        ("xai", "/v1/api-key", "accepted the key"),
    ] {
        let key = canary_key();
        let mock = MockProvider::start(MockOptions {
            required_key: Some(key.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        let ep = Endpoint {
            id: id.into(),
            name: id.into(),
            protocol: Protocol::Openai,
            base_url: mock.base_url(),
            extra_headers: vec![],
            cache: Default::default(),
            api: Default::default(),
        };
        let out = keyturn::providers::validate::check_key(
            &client,
            &ep,
            &SecretString::from(key),
            timeouts(),
        )
        .await;
        assert_eq!(
            out.check,
            keyturn::keystore::KeyCheck::Valid,
            "{id}: {}",
            out.detail
        );
        assert!(out.detail.contains(needle), "{id}: {}", out.detail);
        assert_eq!(mock.requests()[0].path, path, "{id}");
    }
}
