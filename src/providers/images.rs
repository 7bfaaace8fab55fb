//! Images in each protocol's own words: OpenAI Chat Completions `image_url` parts with a
//! data URL, the Responses API's `input_image`, Anthropic's base64 `image` blocks and
//! Gemini's `inlineData` parts. Which models take images is decided before a request is
//! built (`estimate::windows`, `vision.rs`); these only say how.

use base64::Engine;
use serde_json::{Value, json};

use crate::chat::Attachment;

fn base64(a: &Attachment) -> String {
    base64::engine::general_purpose::STANDARD.encode(&a.data)
}

fn data_url(a: &Attachment) -> String {
    format!("data:{};base64,{}", a.mime, base64(a))
}

/// Chat Completions content: the text, then each image as an `image_url` part.
pub fn openai_content(text: &str, images: &[Attachment]) -> Value {
    if images.is_empty() {
        return json!(text);
    }
    let mut parts = Vec::with_capacity(images.len() + 1);
    if !text.is_empty() {
        parts.push(json!({"type": "text", "text": text}));
    }
    parts.extend(
        images
            .iter()
            .map(|a| json!({"type": "image_url", "image_url": {"url": data_url(a)}})),
    );
    Value::Array(parts)
}

/// Responses API content of a user message: `input_text`, then `input_image`s.
pub fn responses_content(text: &str, images: &[Attachment]) -> Value {
    if images.is_empty() {
        return json!(text);
    }
    let mut parts = Vec::with_capacity(images.len() + 1);
    if !text.is_empty() {
        parts.push(json!({"type": "input_text", "text": text}));
    }
    parts.extend(
        images
            .iter()
            .map(|a| json!({"type": "input_image", "image_url": data_url(a)})),
    );
    Value::Array(parts)
}

/// Anthropic's image blocks (they go before the text, as Anthropic advises).
pub fn anthropic_blocks(images: &[Attachment]) -> Vec<Value> {
    images
        .iter()
        .map(|a| {
            json!({"type": "image", "source": {"type": "base64", "media_type": a.mime, "data": base64(a)}})
        })
        .collect()
}

/// Gemini parts: each image as `inlineData`, then the text.
pub fn gemini_parts(text: &str, images: &[Attachment]) -> Vec<Value> {
    let mut parts: Vec<Value> = images
        .iter()
        .map(|a| json!({"inlineData": {"mimeType": a.mime, "data": base64(a)}}))
        .collect();
    if !text.is_empty() || parts.is_empty() {
        parts.push(json!({"text": text}));
    }
    parts
}
