//! Google Gemini native `streamGenerateContent?alt=sse`: the key goes in `x-goog-api-key`,
//! never the URL; CRLF framing; no terminator (the stream just ends); `thought: true` parts
//! are reasoning; `usageMetadata` is cumulative (the last one wins); a blocked prompt
//! (`promptFeedback.blockReason`) is an error, not an empty reply; roles `user`/`model`,
//! the system prompt in `systemInstruction`.

use serde_json::{Value, json};

use super::sse::SseEvent;
use super::wire::alternating;
use super::{ChatRequest, FinishReason, ProviderError, Role, StreamEvent, StreamParser, Usage};
use crate::text::redact::Redactor;

/// Model ids come as `models/gemini-2.5-flash` from the model list; the URL wants the bare id.
pub fn bare_model(model: &str) -> &str {
    model.strip_prefix("models/").unwrap_or(model)
}

pub fn stream_url(base_url: &str, model: &str) -> String {
    format!(
        "{}/models/{}:streamGenerateContent?alt=sse",
        base_url.trim_end_matches('/'),
        bare_model(model)
    )
}

pub fn request_body(req: &ChatRequest) -> Value {
    let contents: Vec<Value> = alternating(&req.messages)
        .iter()
        .map(|m| {
            let role = if m.role == Role::Assistant {
                "model"
            } else {
                "user"
            };
            json!({"role": role, "parts": super::images::gemini_parts(&m.content, &m.images)})
        })
        .collect();
    let mut body = json!({ "contents": contents });
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        body["systemInstruction"] = json!({"parts": [{"text": system}]});
    }
    let mut generation = serde_json::Map::new();
    if let Some(t) = req.temperature {
        generation.insert("temperature".into(), super::temperature(t));
    }
    if let Some(n) = req.max_tokens {
        generation.insert("maxOutputTokens".into(), json!(n));
    }
    if let Some(thinking) = super::reasoning::gemini_thinking(req) {
        generation.insert("thinkingConfig".into(), thinking);
    }
    if !generation.is_empty() {
        body["generationConfig"] = Value::Object(generation);
    }
    body
}

pub struct GeminiParser {
    provider: String,
    redactor: Redactor,
    saw_finish: bool,
    done: bool,
}

impl GeminiParser {
    pub fn new(provider: &str, redactor: Redactor) -> Self {
        Self {
            provider: provider.to_string(),
            redactor,
            saw_finish: false,
            done: false,
        }
    }
}

impl StreamParser for GeminiParser {
    fn on_event(&mut self, event: &SseEvent) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        let v = match super::read_event(self.done, event, &self.redactor) {
            Ok(Some(v)) => v,
            Ok(None) => return out,
            Err(malformed) => return vec![malformed],
        };
        if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
            self.done = true;
            out.push(StreamEvent::Error(ProviderError::in_stream(
                &self.provider,
                err,
                &self.redactor,
            )));
            return out;
        }
        if let Some(reason) = v["promptFeedback"]["blockReason"].as_str() {
            self.done = true;
            out.push(StreamEvent::Error(ProviderError::InStream {
                provider: self.provider.clone(),
                detail: format!("the prompt was blocked ({reason}); rephrase it"),
            }));
            return out;
        }
        if let Some(candidate) = v["candidates"].get(0) {
            for part in candidate["content"]["parts"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(text) = part["text"].as_str().filter(|t| !t.is_empty()) {
                    let thought = part["thought"].as_bool().unwrap_or(false);
                    out.push(if thought {
                        StreamEvent::Reasoning(text.into())
                    } else {
                        StreamEvent::Text(text.into())
                    });
                }
            }
            if let Some(reason) = candidate["finishReason"].as_str() {
                self.saw_finish = true;
                out.push(StreamEvent::Finish(FinishReason::parse(reason)));
            }
        }
        let u = &v["usageMetadata"];
        if u.is_object() {
            let n = |k: &str| u[k].as_u64().unwrap_or(0);
            out.push(StreamEvent::Usage(Usage {
                input_tokens: n("promptTokenCount"),
                output_tokens: n("candidatesTokenCount") + n("thoughtsTokenCount"),
                reasoning_tokens: n("thoughtsTokenCount"),
                cached_tokens: n("cachedContentTokenCount"),
                cache_write_tokens: 0,
                cost_usd: None,
            }));
        }
        out
    }

    /// Gemini has no end marker: a stream that ends after a finish reason is complete.
    fn on_end(&mut self) -> Vec<StreamEvent> {
        super::end_of_bytes(&mut self.done, &self.provider, self.saw_finish)
    }

    fn is_done(&self) -> bool {
        self.done
    }
}
