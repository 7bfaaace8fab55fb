//! Layer 4: providers. The mock provider on 127.0.0.1 with scripted faults.

mod limits;
mod responses;
mod retries;
mod stream_faults;

/// "hi" to mock-model, with nothing else set.
fn hi() -> keyturn::providers::ChatRequest {
    use keyturn::providers::{ChatMessage, ChatRequest, Role};
    ChatRequest {
        model: "mock-model".into(),
        system: None,
        messages: vec![ChatMessage::new(Role::User, "hi")],
        temperature: None,
        max_tokens: None,
        reasoning: None,
    }
}
