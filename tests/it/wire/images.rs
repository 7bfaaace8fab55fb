//! Attachments on the wire, through `wire::chat`: a text file inline under its name, and an
//! image in each protocol's own shape (OpenAI `image_url` data URL, the Responses API's
//! `input_image`, Anthropic's base64 `image` block before the text, Gemini's `inlineData`).

use super::endpoint;
use keyturn::chat::{Attachment, ChatRequest, Conversation, Role, TurnState};
use keyturn::providers::wire::chat;
use keyturn::providers::{Api, Endpoint, Protocol};
use keyturn::text::redact::Redactor;
use serde_json::{Value, json};

/// A 2×1 PNG header (enough for its kind and size).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    2, 0, 0, 0, 1, 8, 6, 0, 0, 0,
];
const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAA=";

/// The request a conversation with one question and two attachments makes.
fn request(model: &str) -> ChatRequest {
    let mut conv = Conversation::default();
    let n = conv.push(Role::User, "What is in these?".into(), TurnState::Done);
    conv.messages[n].attachments = vec![
        Attachment::from_bytes("src/lib.rs", b"pub fn f() {}\n".to_vec()).unwrap(),
        Attachment::from_bytes("shot.png", PNG.to_vec()).unwrap(),
    ];
    ChatRequest {
        model: model.into(),
        system: None,
        messages: conv.history(),
        temperature: None,
        max_tokens: Some(100),
        reasoning: None,
    }
}

const TEXT: &str = "src/lib.rs:\n```\npub fn f() {}\n```\n\nWhat is in these?";

fn body(ep: &Endpoint, model: &str) -> Value {
    chat(ep, &request(model), None, &Redactor::new())
        .unwrap()
        .0
        .body
}

#[test]
fn openai_chat_completions_sends_an_image_url_part_with_a_data_url() {
    let ep = endpoint(
        "local",
        Protocol::Openai,
        "http://127.0.0.1:1/v1",
        Api::Chat,
    );
    let b = body(&ep, "gpt-4o");
    assert_eq!(
        b["messages"][0]["content"],
        json!([
            {"type": "text", "text": TEXT},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG_B64}")}},
        ])
    );
}

#[test]
fn the_responses_api_sends_input_text_and_input_image() {
    let ep = endpoint(
        "openai",
        Protocol::Openai,
        "https://api.openai.com/v1",
        Api::Responses,
    );
    let b = body(&ep, "gpt-5");
    assert_eq!(
        b["input"][0]["content"],
        json!([
            {"type": "input_text", "text": TEXT},
            {"type": "input_image", "image_url": format!("data:image/png;base64,{PNG_B64}")},
        ])
    );
}

#[test]
fn anthropic_sends_a_base64_image_block_before_the_text() {
    let ep = endpoint(
        "anthropic",
        Protocol::Anthropic,
        "https://api.anthropic.com/v1",
        Api::Auto,
    );
    let b = body(&ep, "claude-sonnet-4-5");
    assert_eq!(
        b["messages"][0]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
            {"type": "text", "text": TEXT},
        ])
    );
}

#[test]
fn gemini_sends_inline_data_then_the_text() {
    let ep = endpoint(
        "gemini",
        Protocol::Gemini,
        "https://generativelanguage.googleapis.com/v1beta",
        Api::Auto,
    );
    let b = body(&ep, "gemini-2.5-flash");
    assert_eq!(
        b["contents"][0]["parts"],
        json!([
            {"inlineData": {"mimeType": "image/png", "data": PNG_B64}},
            {"text": TEXT},
        ])
    );
}

#[test]
fn without_images_content_stays_a_plain_string() {
    let ep = endpoint(
        "local",
        Protocol::Openai,
        "http://127.0.0.1:1/v1",
        Api::Chat,
    );
    let mut req = request("gpt-4o");
    req.messages[0].images.clear();
    let b = chat(&ep, &req, None, &Redactor::new()).unwrap().0.body;
    assert_eq!(b["messages"][0]["content"], json!(TEXT));
}
