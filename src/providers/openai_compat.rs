//! OpenAI Chat Completions (and every compatible server): request body and stream parser.
//! Handles `reasoning_content`/`reasoning`, usage in its own chunk with empty `choices`,
//! `x_groq.usage`, `null` content, and an `error` member after HTTP 200.

use serde::Deserialize;
use serde_json::{Value, json};

use super::sse::SseEvent;
use super::{ChatRequest, FinishReason, ProviderError, StreamEvent, StreamParser, Usage};
use crate::text::redact::Redactor;

/// The JSON body of a streaming chat request (`openrouter`: its own `reasoning` object).
pub fn request_body(req: &ChatRequest, openrouter: bool) -> Value {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &req.messages {
        let content = super::images::openai_content(&m.content, &m.images);
        messages.push(json!({"role": m.role, "content": content}));
    }
    let mut body = json!({
        "model": req.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if let Some(t) = req.temperature {
        body["temperature"] = super::temperature(t);
    }
    if let Some(n) = req.max_tokens {
        // OpenAI's reasoning models refuse `max_tokens`: theirs counts the reasoning too.
        let name = if !openrouter && super::reasoning::is_openai_reasoning(&req.model) {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[name] = json!(n);
    }
    super::reasoning::apply_chat(&mut body, req, openrouter);
    body
}

pub fn chat_url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim_end_matches('/'))
}

#[derive(Deserialize, Default)]
struct Chunk {
    #[serde(default)]
    choices: Option<Vec<Choice>>,
    #[serde(default)]
    usage: Option<UsageJson>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    x_groq: Option<XGroq>,
}

#[derive(Deserialize, Default)]
struct XGroq {
    #[serde(default)]
    usage: Option<UsageJson>,
}

#[derive(Deserialize, Default)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default)]
    reasoning: Option<String>,
}

#[derive(Deserialize, Default)]
struct UsageJson {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens_details: Option<Details>,
    #[serde(default)]
    prompt_tokens_details: Option<Details>,
    #[serde(default)]
    cost: Option<f64>,
    /// DeepSeek's name for the cached part of the prompt.
    #[serde(default)]
    prompt_cache_hit_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Details {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
    #[serde(default)]
    cached_tokens: Option<u64>,
}

impl UsageJson {
    fn to_usage(&self) -> Usage {
        Usage {
            input_tokens: self.prompt_tokens.unwrap_or(0),
            output_tokens: self.completion_tokens.unwrap_or(0),
            reasoning_tokens: self
                .completion_tokens_details
                .as_ref()
                .and_then(|d| d.reasoning_tokens)
                .unwrap_or(0),
            cached_tokens: self
                .prompt_tokens_details
                .as_ref()
                .and_then(|d| d.cached_tokens)
                .or(self.prompt_cache_hit_tokens)
                .unwrap_or(0),
            cache_write_tokens: 0,
            cost_usd: self
                .cost
                .and_then(crate::chat::money::Usd::from_dollars)
                .filter(|c| *c >= crate::chat::money::Usd::ZERO),
        }
    }
}

pub struct OpenAiParser {
    provider: String,
    redactor: Redactor,
    done: bool,
    saw_finish: bool,
}

impl OpenAiParser {
    pub fn new(provider: &str, redactor: Redactor) -> Self {
        Self {
            provider: provider.to_string(),
            redactor,
            done: false,
            saw_finish: false,
        }
    }
}

impl StreamParser for OpenAiParser {
    fn on_event(&mut self, event: &SseEvent) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if self.done {
            return out;
        }
        let data = event.data.trim();
        if data == "[DONE]" {
            self.done = true;
            out.push(StreamEvent::Done);
            return out;
        }
        if data.is_empty() {
            return out;
        }
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(c) => c,
            Err(_) => {
                out.push(StreamEvent::Malformed(snippet(data, &self.redactor)));
                return out;
            }
        };
        if let Some(err) = chunk.error.as_ref().filter(|e| !e.is_null()) {
            self.done = true;
            out.push(StreamEvent::Error(ProviderError::in_stream(
                &self.provider,
                err,
                &self.redactor,
            )));
            return out;
        }
        for choice in chunk.choices.iter().flatten() {
            if let Some(delta) = &choice.delta {
                let reasoning = delta
                    .reasoning_content
                    .as_deref()
                    .or(delta.reasoning.as_deref());
                if let Some(r) = reasoning.filter(|r| !r.is_empty()) {
                    out.push(StreamEvent::Reasoning(r.to_string()));
                }
                if let Some(t) = delta.content.as_deref().filter(|t| !t.is_empty()) {
                    out.push(StreamEvent::Text(t.to_string()));
                }
            }
            if let Some(reason) = choice.finish_reason.as_deref() {
                self.saw_finish = true;
                out.push(StreamEvent::Finish(FinishReason::parse(reason)));
            }
        }
        let usage = chunk.usage.or(chunk.x_groq.and_then(|x| x.usage));
        if let Some(u) = usage {
            out.push(StreamEvent::Usage(u.to_usage()));
        }
        out
    }

    fn on_end(&mut self) -> Vec<StreamEvent> {
        // Some servers close without `[DONE]` after a proper finish_reason: that is complete.
        super::end_of_bytes(&mut self.done, &self.provider, self.saw_finish)
    }

    fn is_done(&self) -> bool {
        self.done
    }
}

/// A short, safe excerpt of unreadable data for the user to see.
pub fn snippet(data: &str, redactor: &Redactor) -> String {
    let clean = crate::text::sanitize::sanitize_line(&redactor.redact(data));
    crate::text::wrap::truncate(clean.trim(), 80)
}
