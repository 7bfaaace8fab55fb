//! Retries against the mock: 429/5xx before the first token are retried with the provider's
//! Retry-After, quota errors never, and nothing is retried once text has arrived.

use crate::support;

use std::time::Duration;

use keyturn::mock::{MockOptions, MockProvider, Reply};
use keyturn::providers::http::{ChannelSink, Timeouts};
use keyturn::providers::retry::{RetryPolicy, stream_with_retries};
use keyturn::providers::{Endpoint, Protocol, ProviderError, StreamEvent};
use support::{Collect, text_of};

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        idle: Duration::from_secs(2),
        nap: false,
    }
}

async fn run(mock: &MockProvider) -> Vec<StreamEvent> {
    let endpoint = Endpoint {
        id: "m".into(),
        name: "Mock".into(),
        protocol: Protocol::Openai,
        base_url: mock.base_url(),
        extra_headers: vec![],
        cache: Default::default(),
        api: Default::default(),
    };
    let client = keyturn::providers::http::build_client(timeouts());
    let mut sink = Collect::default();
    let policy = RetryPolicy {
        base: Duration::from_millis(50),
        ..Default::default()
    };
    stream_with_retries(
        &client,
        &endpoint,
        &super::hi(),
        None,
        timeouts(),
        policy,
        &mut sink,
    )
    .await;
    sink.0
}

fn status(status: u16, retry_after: Option<&str>, body: &str) -> Reply {
    Reply::Status {
        status,
        body: body.into(),
        retry_after: retry_after.map(str::to_string),
    }
}

async fn mock() -> MockProvider {
    keyturn::install_crypto_provider();
    MockProvider::start(MockOptions::default()).await.unwrap()
}

#[tokio::test]
async fn two_rate_limits_then_success() {
    let mock = mock().await;
    mock.push(status(
        429,
        Some("1"),
        r#"{"error":{"message":"slow down"}}"#,
    ));
    mock.push(status(503, None, r#"{"error":{"message":"busy"}}"#));
    mock.push(Reply::text("Third time lucky."));
    let events = run(&mock).await;
    assert_eq!(text_of(&events), "Third time lucky.");
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    let retries: Vec<(u32, u64)> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Retrying {
                attempt, in_secs, ..
            } => Some((*attempt, *in_secs)),
            _ => None,
        })
        .collect();
    assert_eq!(
        retries.first(),
        Some(&(2, 1)),
        "Retry-After: 1 is honoured: {retries:?}"
    );
    assert!(retries.iter().any(|(a, _)| *a == 3), "{retries:?}");
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn gives_up_after_three_attempts_with_the_last_error() {
    let mock = mock().await;
    for _ in 0..3 {
        mock.push(status(500, None, r#"{"error":{"message":"boom"}}"#));
    }
    let events = run(&mock).await;
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Error(ProviderError::Server {
            status: 500,
            ..
        }))
    ));
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn quota_and_credit_errors_are_never_retried() {
    let mock = mock().await;
    mock.push(status(
        429,
        Some("1"),
        r#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#,
    ));
    let events = run(&mock).await;
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Error(ProviderError::QuotaExceeded { .. }))
    ));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, StreamEvent::Retrying { .. }))
    );
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_failure_after_text_is_never_retried() {
    let mock = mock().await;
    mock.push(Reply::ResetAfter {
        tokens: vec!["partial ".into(), "answer".into()],
    });
    let events = run(&mock).await;
    assert_eq!(text_of(&events), "partial answer");
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Error(ProviderError::Dropped { .. }))
    ));
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_during_the_countdown_sends_no_more_requests() {
    let mock = mock().await;
    mock.push(status(
        429,
        Some("30"),
        r#"{"error":{"message":"slow down"}}"#,
    ));
    let endpoint = Endpoint {
        id: "m".into(),
        name: "Mock".into(),
        protocol: Protocol::Openai,
        base_url: mock.base_url(),
        extra_headers: vec![],
        cache: Default::default(),
        api: Default::default(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let task = tokio::spawn(async move {
        let client = keyturn::providers::http::build_client(timeouts());
        let mut sink = ChannelSink { tx, wrap: |e| e };
        stream_with_retries(
            &client,
            &endpoint,
            &super::hi(),
            None,
            timeouts(),
            RetryPolicy::default(),
            &mut sink,
        )
        .await;
    });
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(first, StreamEvent::Retrying { in_secs: 30, .. }),
        "{first:?}"
    );
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(mock.requests().len(), 1);
}
