//! The Responses API against the mock on 127.0.0.1: a reasoning reply streams its summary,
//! its text, its usage and its encrypted reasoning; the next turn carries that back; faults
//! in the stream end it with the provider's words.

use std::time::Duration;

use keyturn::mock::{MockOptions, MockProvider};
use keyturn::providers::http::{Timeouts, stream_chat};
use keyturn::providers::{
    Api, ChatMessage, ChatRequest, Effort, Endpoint, Protocol, ProviderError, Reasoning, Role,
    StreamEvent,
};
use secrecy::SecretString;

use crate::support::{Collect, canary_key, text_of};

fn endpoint(mock: &MockProvider) -> Endpoint {
    Endpoint {
        id: "openai-like".into(),
        name: "Mock".into(),
        protocol: Protocol::Openai,
        base_url: mock.base_url(),
        extra_headers: vec![],
        cache: Default::default(),
        api: Api::Responses,
    }
}

async fn run(mock: &MockProvider, request: &ChatRequest, key: &str) -> Vec<StreamEvent> {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        idle: Duration::from_secs(1),
        nap: false,
    };
    let client = keyturn::providers::http::build_client(timeouts);
    let key = SecretString::from(key.to_string());
    let mut sink = Collect::default();
    stream_chat(
        &client,
        &endpoint(mock),
        request,
        Some(&key),
        timeouts,
        &mut sink,
    )
    .await;
    sink.0
}

fn ask(prompt: &str) -> ChatRequest {
    ChatRequest {
        model: "o4-mini".into(),
        system: Some("be brief".into()),
        messages: vec![ChatMessage::new(Role::User, prompt)],
        temperature: None,
        max_tokens: None,
        reasoning: Some(Reasoning::new(Effort::Low)),
    }
}

#[tokio::test]
async fn a_reasoning_reply_streams_and_its_encrypted_reasoning_goes_back_next_turn() {
    keyturn::install_crypto_provider();
    let key = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(key.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let events = run(&mock, &ask("mock:reasoning"), &key).await;
    assert_eq!(text_of(&events), "Thought about it: **yes**.");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Reasoning(_)))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Usage(u) if u.input_tokens == 12))
    );
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    let item = events
        .iter()
        .find_map(|e| match e {
            StreamEvent::Carry { api, item } => Some((*api, item.clone())),
            _ => None,
        })
        .expect("the encrypted reasoning item");
    assert_eq!(item.0, "responses");
    let first = &mock.requests()[0];
    assert_eq!(first.path, "/v1/responses");
    assert_eq!(
        first.header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["store"], false);
    assert_eq!(body["instructions"], "be brief");
    assert_eq!(body["reasoning"]["effort"], "low");
    // The next turn sends the reasoning item before the answer it led to.
    let mut answer = ChatMessage::new(Role::Assistant, text_of(&events));
    answer.carry = Some(keyturn::chat::Carry {
        api: item.0.into(),
        model: "o4-mini".into(),
        items: vec![item.1.clone()],
    });
    let mut next = ask("and again?");
    next.messages.push(answer);
    next.messages
        .push(ChatMessage::new(Role::User, "and again?"));
    let events = run(&mock, &next, &key).await;
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[1].body).unwrap();
    assert_eq!(body["input"][1], item.1);
    assert_eq!(body["input"][2]["role"], "assistant");
}

#[tokio::test]
async fn faults_in_a_responses_stream_end_it_with_the_providers_words() {
    keyturn::install_crypto_provider();
    let key = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(key.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let events = run(&mock, &ask("mock:error-after-200"), &key).await;
    assert!(
        matches!(
            events.last(),
            Some(StreamEvent::Error(ProviderError::InStream { .. }))
        ),
        "{events:?}"
    );
    // No end event: cut off, not complete.
    let events = run(&mock, &ask("mock:no-done"), &key).await;
    assert!(
        matches!(
            events.last(),
            Some(StreamEvent::Error(ProviderError::Incomplete { .. }))
        ),
        "{events:?}"
    );
    // A wrong key is the usual 401, without the key in it.
    let events = run(&mock, &ask("hi"), &canary_key()).await;
    let Some(StreamEvent::Error(err)) = events.last() else {
        panic!("{events:?}")
    };
    assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
    assert!(!err.to_string().contains("CANARY"), "{err}");
}
