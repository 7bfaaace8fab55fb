//! Anthropic Messages: `x-api-key` + `anthropic-version`, `max_tokens` always sent, the
//! system prompt in `system`, text and thinking deltas, `ping`, usage from `message_start`
//! then the cumulative `message_delta` (replaced, never added), `event: error` after 200.

use serde_json::{Value, json};

use super::sse::SseEvent;
use super::wire::alternating;
use super::{ChatRequest, FinishReason, ProviderError, StreamEvent, StreamParser, Usage};
use crate::text::redact::Redactor;

pub const API_VERSION: &str = "2023-06-01";
/// Anthropic requires max_tokens; this is used when config sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

pub fn messages_url(base_url: &str) -> String {
    format!("{}/messages", base_url.trim_end_matches('/'))
}

pub fn request_body(req: &ChatRequest) -> Value {
    let messages: Vec<Value> = alternating(&req.messages)
        .iter()
        .map(|m| json!({"role": m.role, "content": m.content}))
        .collect();
    let mut body = json!({
        "model": req.model,
        "max_tokens": req.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": true,
    });
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        body["system"] = json!(system);
    }
    if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    body
}

pub struct AnthropicParser {
    provider: String,
    redactor: Redactor,
    usage: Usage,
    done: bool,
}

impl AnthropicParser {
    pub fn new(provider: &str, redactor: Redactor) -> Self {
        Self {
            provider: provider.to_string(),
            redactor,
            usage: Usage::default(),
            done: false,
        }
    }

    /// Applies a usage object. Counts are cumulative: each one replaces the last.
    fn take_usage(&mut self, u: &Value) -> bool {
        let mut changed = false;
        let mut set = |field: &mut u64, key: &str| {
            if let Some(n) = u.get(key).and_then(Value::as_u64) {
                *field = n;
                changed = true;
            }
        };
        set(&mut self.usage.input_tokens, "input_tokens");
        set(&mut self.usage.output_tokens, "output_tokens");
        set(&mut self.usage.cached_tokens, "cache_read_input_tokens");
        changed
    }
}

impl StreamParser for AnthropicParser {
    fn on_event(&mut self, event: &SseEvent) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if self.done || event.data.trim().is_empty() {
            return out;
        }
        let v = match super::event_json(&event.data, &self.redactor) {
            Ok(v) => v,
            Err(malformed) => return vec![malformed],
        };
        let kind = v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(event.event.as_str());
        match kind {
            "message_start" if self.take_usage(&v["message"]["usage"]) => {
                out.push(StreamEvent::Usage(self.usage));
            }
            "content_block_start" => {
                let block = &v["content_block"];
                match block["type"].as_str() {
                    Some("text") => push_text(&mut out, block["text"].as_str(), false),
                    Some("thinking") => push_text(&mut out, block["thinking"].as_str(), true),
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = &v["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => push_text(&mut out, delta["text"].as_str(), false),
                    Some("thinking_delta") => push_text(&mut out, delta["thinking"].as_str(), true),
                    _ => {} // signature_delta, input_json_delta, citations: nothing to show
                }
            }
            "message_delta" => {
                if let Some(reason) = v["delta"]["stop_reason"].as_str() {
                    out.push(StreamEvent::Finish(FinishReason::parse(reason)));
                }
                if self.take_usage(&v["usage"]) {
                    out.push(StreamEvent::Usage(self.usage));
                }
            }
            "message_stop" => {
                self.done = true;
                out.push(StreamEvent::Done);
            }
            "error" => {
                self.done = true;
                out.push(StreamEvent::Error(ProviderError::in_stream(
                    &self.provider,
                    &v["error"],
                    &self.redactor,
                )));
            }
            _ => {} // ping, content_block_stop, and event types added later
        }
        out
    }

    fn on_end(&mut self) -> Vec<StreamEvent> {
        if self.done {
            return Vec::new();
        }
        self.done = true;
        // Anthropic always ends with message_stop; without it the reply was cut off.
        super::end_without_marker(&self.provider, false)
    }

    fn is_done(&self) -> bool {
        self.done
    }
}

fn push_text(out: &mut Vec<StreamEvent>, text: Option<&str>, reasoning: bool) {
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        out.push(if reasoning {
            StreamEvent::Reasoning(t.to_string())
        } else {
            StreamEvent::Text(t.to_string())
        });
    }
}
