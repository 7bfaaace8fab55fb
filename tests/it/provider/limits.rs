//! Bodies a provider sends are read only up to a limit: a huge stream event, model list or
//! error body costs a bounded amount of memory, ends with a plain message, and keeps what
//! came before. A hostile server on 127.0.0.1 sends them.

use std::time::Duration;

use keyturn::keystore::KeyCheck;
use keyturn::providers::http::{Timeouts, stream_chat};
use keyturn::providers::{Endpoint, Protocol, ProviderError, StreamEvent};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::Collect;

/// Serves one connection: reads the request head, then writes `head` and `body_len` bytes
/// of filler after `prefix` (in 64 KiB writes, stopping when the client goes away).
async fn hostile(head: &'static str, prefix: &'static str, body_len: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut buf = vec![0u8; 64 * 1024];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match sock.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        if sock.write_all(head.as_bytes()).await.is_err()
            || sock.write_all(prefix.as_bytes()).await.is_err()
        {
            return;
        }
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        while sent < body_len {
            if sock.write_all(&chunk).await.is_err() {
                return;
            }
            sent += chunk.len();
        }
        let _ = sock.shutdown().await;
    });
    format!("http://{addr}/v1")
}

fn endpoint(base_url: String) -> Endpoint {
    Endpoint {
        id: "hostile".into(),
        name: "Hostile".into(),
        protocol: Protocol::Openai,
        base_url,
        extra_headers: Vec::new(),
        cache: Default::default(),
        api: Default::default(),
    }
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        idle: Duration::from_secs(5),
        nap: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_event_bigger_than_16_mb_ends_the_turn_and_keeps_the_text_before_it() {
    keyturn::install_crypto_provider();
    let url = hostile(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"kept\"}}]}\n\ndata: ",
        20 * 1024 * 1024,
    )
    .await;
    let client = keyturn::providers::http::build_client(timeouts());
    let request = super::hi();
    let mut sink = Collect::default();
    stream_chat(
        &client,
        &endpoint(url),
        &request,
        None,
        timeouts(),
        &mut sink,
    )
    .await;
    let text: String = sink
        .0
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "kept");
    match sink.0.last() {
        Some(StreamEvent::Error(e @ ProviderError::TooLarge { .. })) => {
            assert!(e.to_string().contains("larger than 16 MB"), "{e}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_list_bigger_than_16_mb_is_refused() {
    keyturn::install_crypto_provider();
    let url = hostile(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n",
        "{\"data\":[\"",
        20 * 1024 * 1024,
    )
    .await;
    let client = keyturn::providers::http::build_client(timeouts());
    let err = keyturn::providers::models::fetch(&client, &endpoint(url), None, timeouts())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::TooLarge {
                what: "a model list",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_error_body_on_a_key_test_is_read_only_for_its_message() {
    keyturn::install_crypto_provider();
    let url = hostile(
        "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n",
        "{\"error\":{\"message\":\"bad key ",
        300 * 1024 * 1024,
    )
    .await;
    let client = keyturn::providers::http::build_client(timeouts());
    let key = SecretString::from("sk-test-hostile-0001".to_string());
    let outcome =
        keyturn::providers::validate::check_key(&client, &endpoint(url), &key, timeouts()).await;
    assert_eq!(outcome.check, KeyCheck::Invalid);
    assert!(
        outcome.detail.len() < 70 * 1024,
        "{} bytes of detail",
        outcome.detail.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_litellm_gateways_model_info_gives_windows_and_only_a_users_own_server_is_asked() {
    use keyturn::mock::{MockOptions, MockProvider};
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions {
        model_info: Some(serde_json::json!({"data": [
            {"model_name": "mock-model", "litellm_params": {"model": "openai/gpt-4o"},
             "model_info": {"max_input_tokens": 8192, "max_output_tokens": 2048,
                            "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}},
            {"model_name": "not-listed", "model_info": {"max_input_tokens": 1}}
        ]})),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = keyturn::providers::http::build_client(timeouts());
    let gateway = Endpoint {
        id: "gateway".into(),
        ..endpoint(mock.base_url())
    };
    let models = keyturn::providers::models::fetch(&client, &gateway, None, timeouts())
        .await
        .unwrap();
    let m = models.iter().find(|m| m.id == "mock-model").unwrap();
    assert_eq!((m.context, m.max_output), (Some(8192), Some(2048)));
    assert_eq!((m.price_in, m.price_out), (Some(1.0), Some(2.0)));
    let r = models.iter().find(|m| m.id == "mock-reasoner").unwrap();
    assert_eq!(r.context, None, "unknown stays unknown");
    assert!(!models.iter().any(|m| m.id == "not-listed"));
    let asked = |mock: &MockProvider| {
        mock.requests()
            .iter()
            .filter(|r| r.path.ends_with("/model/info"))
            .count()
    };
    assert_eq!(asked(&mock), 1);
    // A built-in provider is never asked (its API has no such call).
    let builtin = Endpoint {
        id: "openai".into(),
        ..endpoint(mock.base_url())
    };
    keyturn::providers::models::fetch(&client, &builtin, None, timeouts())
        .await
        .unwrap();
    assert_eq!(asked(&mock), 1);
}
