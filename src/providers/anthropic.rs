//! Anthropic Messages: `x-api-key` + `anthropic-version`, `max_tokens` always sent, the
//! system prompt in `system`, text and thinking deltas, `ping`, usage from `message_start`
//! then the cumulative `message_delta` (replaced, never added), `event: error` after 200.

use serde_json::{Value, json};

use super::sse::SseEvent;
use super::wire::alternating;
use super::{
    CacheMode, ChatRequest, FinishReason, ProviderError, StreamEvent, StreamParser, Usage,
};
use crate::text::redact::Redactor;

pub const API_VERSION: &str = "2023-06-01";
/// The name carried thinking blocks are kept under.
pub const API: &str = "anthropic";
/// Anthropic requires max_tokens; this is used when config sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The `max_tokens` a request carries: config's (or the default) for the answer, and the
/// thinking budget beside it when thinking is on.
pub fn sent_max_tokens(max_tokens: Option<u32>, reasoning: Option<crate::chat::Reasoning>) -> u32 {
    let answer = max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    match reasoning.filter(|r| r.is_on()) {
        Some(r) => answer.saturating_add(super::reasoning::anthropic_budget(r)),
        None => answer,
    }
}

pub fn messages_url(base_url: &str) -> String {
    format!("{}/messages", base_url.trim_end_matches('/'))
}

/// The fewest tokens Anthropic caches for `model`: a shorter prefix is not cached (and a
/// breakpoint on it would only cost the write premium nowhere).
pub fn min_cacheable_tokens(model: &str) -> u64 {
    if model.contains("haiku") { 2048 } else { 1024 }
}

/// The request body. With `cache` on, `cache_control` breakpoints mark the system prompt and
/// the conversation's prefix (the newest message, which the next turn will read back, and
/// the user turn before it, which this request reads), each only when what it closes is at
/// least the model's minimum cacheable length: at most three of Anthropic's four.
pub fn request_body(req: &ChatRequest, cache: CacheMode) -> Value {
    let turns = alternating(&req.messages);
    let min = min_cacheable_tokens(&req.model);
    let system = req.system.as_deref().filter(|s| !s.is_empty());
    let system_tokens = system.map_or(0, crate::text::tokens::estimate);
    // The prefix's size through each message, for its breakpoint.
    let mut through = system_tokens;
    let prefix: Vec<u64> = turns
        .iter()
        .map(|m| {
            through += crate::text::tokens::estimate(&m.content);
            through
        })
        .collect();
    let on = cache == CacheMode::Auto;
    let thinking_on = req.reasoning.is_some_and(|r| r.is_on());
    let last = turns.len().checked_sub(1);
    let previous_user =
        last.and_then(|l| (0..l).rev().find(|&i| turns[i].role == super::Role::User));
    let breakpoint =
        |i: usize| on && (Some(i) == last || Some(i) == previous_user) && prefix[i] >= min;
    let messages: Vec<Value> = turns
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // Signed thinking goes back before the reply it led to, while thinking is on.
            let thinking = m
                .carry
                .as_ref()
                .filter(|_| thinking_on)
                .and_then(|c| c.items_for(API, &req.model))
                .unwrap_or_default();
            if !breakpoint(i) && thinking.is_empty() && m.images.is_empty() {
                return json!({"role": m.role, "content": m.content});
            }
            let mut text = json!({"type": "text", "text": m.content});
            if breakpoint(i) {
                text["cache_control"] = json!({"type": "ephemeral"});
            }
            let mut blocks = thinking.to_vec();
            blocks.extend(super::images::anthropic_blocks(&m.images));
            if !m.content.is_empty() || m.images.is_empty() {
                blocks.push(text);
            }
            json!({"role": m.role, "content": blocks})
        })
        .collect();
    let mut body = json!({
        "model": req.model,
        "max_tokens": req.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": true,
    });
    if let Some(system) = system {
        body["system"] = if on && system_tokens >= min {
            json!([{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}])
        } else {
            json!(system)
        };
    }
    if let Some(t) = req.temperature {
        body["temperature"] = super::temperature(t);
    }
    super::reasoning::apply_anthropic(&mut body, req);
    body
}

pub struct AnthropicParser {
    provider: String,
    redactor: Redactor,
    usage: Usage,
    /// The prompt tokens neither read from nor written to the cache.
    fresh_input: u64,
    /// The thinking block being streamed, with its signature: it goes back on later turns.
    thinking: Option<Value>,
    done: bool,
}

impl AnthropicParser {
    pub fn new(provider: &str, redactor: Redactor) -> Self {
        Self {
            provider: provider.to_string(),
            redactor,
            usage: Usage::default(),
            fresh_input: 0,
            thinking: None,
            done: false,
        }
    }

    /// Applies a usage object. Counts are cumulative: each one replaces the last. Anthropic's
    /// `input_tokens` leaves out what was read from or written to the cache; keyturn's
    /// input is every prompt token, with the cached and cache-written parts named in it.
    fn take_usage(&mut self, u: &Value) -> bool {
        let mut changed = false;
        let mut set = |field: &mut u64, key: &str| {
            if let Some(n) = u.get(key).and_then(Value::as_u64) {
                *field = n;
                changed = true;
            }
        };
        set(&mut self.fresh_input, "input_tokens");
        set(&mut self.usage.output_tokens, "output_tokens");
        set(&mut self.usage.cached_tokens, "cache_read_input_tokens");
        set(
            &mut self.usage.cache_write_tokens,
            "cache_creation_input_tokens",
        );
        self.usage.input_tokens =
            self.fresh_input + self.usage.cached_tokens + self.usage.cache_write_tokens;
        changed
    }
}

impl AnthropicParser {
    fn extend_thinking(&mut self, field: &str, piece: &Value) {
        if let (Some(block), Some(piece)) = (self.thinking.as_mut(), piece.as_str()) {
            let whole = format!("{}{piece}", block[field].as_str().unwrap_or(""));
            block[field] = Value::String(whole);
        }
    }
}

impl StreamParser for AnthropicParser {
    fn on_event(&mut self, event: &SseEvent) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        let v = match super::read_event(self.done, event, &self.redactor) {
            Ok(Some(v)) => v,
            Ok(None) => return out,
            Err(malformed) => return vec![malformed],
        };
        let kind = super::event_kind(&v, event);
        match kind {
            "message_start" if self.take_usage(&v["message"]["usage"]) => {
                out.push(StreamEvent::Usage(self.usage));
            }
            "content_block_start" => {
                let block = &v["content_block"];
                match block["type"].as_str() {
                    Some("text") => push_text(&mut out, block["text"].as_str(), false),
                    Some("thinking") => {
                        push_text(&mut out, block["thinking"].as_str(), true);
                        self.thinking = Some(block.clone());
                    }
                    Some("redacted_thinking") => self.thinking = Some(block.clone()),
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = &v["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => push_text(&mut out, delta["text"].as_str(), false),
                    Some("thinking_delta") => {
                        push_text(&mut out, delta["thinking"].as_str(), true);
                        self.extend_thinking("thinking", &delta["thinking"]);
                    }
                    Some("signature_delta") => {
                        self.extend_thinking("signature", &delta["signature"]);
                    }
                    _ => {} // input_json_delta, citations: nothing to show
                }
            }
            "content_block_stop" => {
                // A thinking block goes back only whole and signed.
                if let Some(block) = self.thinking.take()
                    && (block["type"] == "redacted_thinking"
                        || block["signature"].as_str().is_some_and(|s| !s.is_empty()))
                {
                    out.push(StreamEvent::Carry {
                        api: API,
                        item: block,
                    });
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
            _ => {} // ping, and event types added later
        }
        out
    }

    fn on_end(&mut self) -> Vec<StreamEvent> {
        // Anthropic always ends with message_stop; without it the reply was cut off.
        super::end_of_bytes(&mut self.done, &self.provider, false)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ChatMessage, Role};

    fn request(model: &str, system: &str, turns: &[&str]) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            system: Some(system.into()),
            messages: turns
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    ChatMessage::new(
                        if i % 2 == 0 {
                            Role::User
                        } else {
                            Role::Assistant
                        },
                        t.to_string(),
                    )
                })
                .collect(),
            temperature: None,
            max_tokens: None,
            reasoning: None,
        }
    }

    /// Which parts carry a breakpoint: "system" and the indexes of marked messages.
    fn marked(body: &Value) -> Vec<String> {
        let mut out = Vec::new();
        if body["system"][0]["cache_control"]["type"] == "ephemeral" {
            out.push("system".to_string());
        }
        for (i, m) in body["messages"].as_array().unwrap().iter().enumerate() {
            if m["content"][0]["cache_control"]["type"] == "ephemeral" {
                out.push(i.to_string());
            }
        }
        out
    }

    #[test]
    fn cache_control_marks_only_prefixes_above_the_models_minimum() {
        // About 1,200 tokens: above Sonnet's 1,024, below Haiku's 2,048.
        let long = "word ".repeat(1200);
        let short = "Be brief.";
        // A short conversation: nothing is marked, the body is as it always was.
        let body = request_body(
            &request("claude-sonnet-4-5", short, &["hi"]),
            CacheMode::Auto,
        );
        assert!(marked(&body).is_empty());
        assert_eq!(body["system"], "Be brief.");
        assert_eq!(body["messages"][0]["content"], "hi");
        // A long system prompt is cached on its own; the first message closes a prefix that
        // long too.
        let body = request_body(
            &request("claude-sonnet-4-5", &long, &["hi"]),
            CacheMode::Auto,
        );
        assert_eq!(marked(&body), ["system", "0"]);
        assert_eq!(body["messages"][0]["content"][0]["text"], "hi");
        // A long conversation: the newest message and the user turn before it.
        let turns = ["q1", &long, "q2", "a2", "q3"];
        let body = request_body(
            &request("claude-sonnet-4-5", short, &turns),
            CacheMode::Auto,
        );
        assert_eq!(marked(&body), ["2", "4"]);
        // The same for Haiku is under its minimum: nothing.
        let body = request_body(&request("claude-3-5-haiku", short, &turns), CacheMode::Auto);
        assert!(marked(&body).is_empty());
        // Off means off.
        let body = request_body(&request("claude-sonnet-4-5", &long, &turns), CacheMode::Off);
        assert!(marked(&body).is_empty());
        assert_eq!(body["system"], long.as_str());
        // Never more than Anthropic's four breakpoints.
        let body = request_body(
            &request("claude-sonnet-4-5", &long, &turns),
            CacheMode::Auto,
        );
        assert_eq!(marked(&body), ["system", "2", "4"]);
    }
}
