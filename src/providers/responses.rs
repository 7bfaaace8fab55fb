//! OpenAI's Responses API (`POST /responses`), spoken for OpenAI's reasoning models: only it
//! returns their reasoning (as summaries). Input items with `store: false` (nothing kept on
//! OpenAI's side), encrypted reasoning items carried to later turns, typed events
//! (`response.output_text.delta`, `response.reasoning_summary_text.delta`, …), usage in
//! `response.completed`, errors as `error` or `response.failed`, `response.incomplete` with
//! its reason, and no `[DONE]`: the stream ends after the response's last event.

use serde_json::{Value, json};

use super::sse::SseEvent;
use super::{ChatRequest, FinishReason, ProviderError, Role, StreamEvent, StreamParser, Usage};
use crate::text::redact::Redactor;

/// The name carried items are kept under.
pub const API: &str = "responses";

pub fn url(base_url: &str) -> String {
    format!("{}/responses", base_url.trim_end_matches('/'))
}

pub fn request_body(req: &ChatRequest) -> Value {
    let mut input = Vec::with_capacity(req.messages.len());
    for m in req.messages.iter().filter(|m| m.role != Role::System) {
        if m.role == Role::Assistant
            && let Some(items) = m.carry.as_ref().and_then(|c| c.items_for(API, &req.model))
        {
            input.extend(items.iter().cloned());
        }
        let content = super::images::responses_content(&m.content, &m.images);
        input.push(json!({"role": m.role, "content": content}));
    }
    let mut body = json!({
        "model": req.model,
        "input": input,
        "stream": true,
        "store": false,
    });
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        body["instructions"] = json!(system);
    }
    // OpenAI's reasoning models refuse a temperature.
    if let Some(t) = req
        .temperature
        .filter(|_| !super::reasoning::is_openai_reasoning(&req.model))
    {
        body["temperature"] = super::temperature(t);
    }
    if let Some(n) = req.max_tokens {
        body["max_output_tokens"] = json!(n);
    }
    super::reasoning::apply_responses(&mut body, req);
    body
}

pub struct ResponsesParser {
    provider: String,
    redactor: Redactor,
    /// Reasoning was shown: the next summary part starts a paragraph of its own.
    reasoned: bool,
    done: bool,
}

impl ResponsesParser {
    pub fn new(provider: &str, redactor: Redactor) -> Self {
        Self {
            provider: provider.to_string(),
            redactor,
            reasoned: false,
            done: false,
        }
    }

    fn error(&mut self, err: &Value) -> StreamEvent {
        self.done = true;
        StreamEvent::Error(ProviderError::in_stream(
            &self.provider,
            err,
            &self.redactor,
        ))
    }
}

fn usage(u: &Value) -> Option<Usage> {
    u.is_object().then(|| {
        let n = |v: &Value| v.as_u64().unwrap_or(0);
        Usage {
            input_tokens: n(&u["input_tokens"]),
            output_tokens: n(&u["output_tokens"]),
            reasoning_tokens: n(&u["output_tokens_details"]["reasoning_tokens"]),
            cached_tokens: n(&u["input_tokens_details"]["cached_tokens"]),
            cache_write_tokens: 0,
            cost_usd: None,
        }
    })
}

/// A reasoning item as it goes back as input: only with its encrypted content (with
/// `store: false` the API cannot look it up by id).
fn carried(item: &Value) -> Option<Value> {
    let encrypted = item["encrypted_content"].as_str()?;
    Some(json!({
        "type": "reasoning",
        "id": item["id"],
        "summary": item.get("summary").cloned().unwrap_or_else(|| json!([])),
        "encrypted_content": encrypted,
    }))
}

impl StreamParser for ResponsesParser {
    fn on_event(&mut self, event: &SseEvent) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        let v = match super::read_event(self.done, event, &self.redactor) {
            Ok(Some(v)) => v,
            Ok(None) => return out,
            Err(malformed) => return vec![malformed],
        };
        let kind = super::event_kind(&v, event);
        let delta = || v["delta"].as_str().filter(|d| !d.is_empty());
        match kind {
            "response.output_text.delta" | "response.refusal.delta" => {
                if let Some(d) = delta() {
                    out.push(StreamEvent::Text(d.to_string()));
                }
            }
            "response.reasoning_summary_part.added" if self.reasoned => {
                out.push(StreamEvent::Reasoning("\n\n".into()));
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                if let Some(d) = delta() {
                    self.reasoned = true;
                    out.push(StreamEvent::Reasoning(d.to_string()));
                }
            }
            "response.output_item.done" if v["item"]["type"] == "reasoning" => {
                if let Some(item) = carried(&v["item"]) {
                    out.push(StreamEvent::Carry { api: API, item });
                }
            }
            "response.completed" | "response.incomplete" => {
                let response = &v["response"];
                out.extend(usage(&response["usage"]).map(StreamEvent::Usage));
                out.push(StreamEvent::Finish(
                    match response["incomplete_details"]["reason"].as_str() {
                        None => FinishReason::Stop,
                        Some("max_output_tokens") => FinishReason::Length,
                        Some("content_filter") => FinishReason::ContentFilter,
                        Some(other) => FinishReason::Other(other.to_string()),
                    },
                ));
                self.done = true;
                out.push(StreamEvent::Done);
            }
            "response.failed" => {
                let err = &v["response"]["error"];
                out.push(self.error(err));
            }
            "error" => {
                let err = v.get("error").filter(|e| e.is_object()).unwrap_or(&v);
                out.push(self.error(err));
            }
            _ => {} // created, in_progress, item and part bookkeeping, annotations
        }
        out
    }

    /// The stream ends after `response.completed` (or `incomplete`); before it, it was cut.
    fn on_end(&mut self) -> Vec<StreamEvent> {
        super::end_of_bytes(&mut self.done, &self.provider, false)
    }

    fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{Carry, ChatMessage, Effort, Reasoning};

    fn request(model: &str) -> ChatRequest {
        let mut answer = ChatMessage::new(Role::Assistant, "4");
        answer.carry = Some(Carry {
            api: API.into(),
            model: "o4-mini".into(),
            items: vec![
                json!({"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"}),
            ],
        });
        ChatRequest {
            model: model.into(),
            system: Some("Be brief.".into()),
            messages: vec![
                ChatMessage::new(Role::User, "2+2?"),
                answer,
                ChatMessage::new(Role::User, "and 3+3?"),
            ],
            temperature: Some(0.5),
            max_tokens: Some(500),
            reasoning: Some(Reasoning::new(Effort::High)),
        }
    }

    #[test]
    fn the_body_keeps_nothing_on_openais_side_and_carries_reasoning_to_the_same_model() {
        let body = request_body(&request("o4-mini"));
        assert_eq!(body["store"], false);
        assert_eq!(body["stream"], true);
        assert_eq!(body["instructions"], "Be brief.");
        assert_eq!(body["max_output_tokens"], 500);
        assert!(body.get("temperature").is_none(), "o-series refuses it");
        assert_eq!(
            body["reasoning"],
            json!({"effort": "high", "summary": "auto"})
        );
        assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
        let input = body["input"].as_array().unwrap();
        let kinds: Vec<String> = input
            .iter()
            .map(|i| {
                i["type"]
                    .as_str()
                    .map_or_else(|| i["role"].as_str().unwrap().to_string(), str::to_string)
            })
            .collect();
        assert_eq!(kinds, ["user", "reasoning", "assistant", "user"]);
        assert_eq!(input[1]["encrypted_content"], "gAAA");
        // Another model never gets them.
        let body = request_body(&request("o3"));
        assert_eq!(body["input"].as_array().unwrap().len(), 3);
        // A model that does not reason: its temperature, no reasoning include.
        let mut plain = request("gpt-4.1");
        plain.reasoning = None;
        let body = request_body(&plain);
        assert_eq!(body["temperature"], 0.5);
        assert!(body.get("include").is_none() && body.get("reasoning").is_none());
    }
}
