//! The mock's wire protocols: what an OpenAI-compatible, Anthropic or Gemini server sends,
//! frame by frame, so the client's real parsers read it.

use serde_json::json;

/// Which wire protocol a request speaks; the mock answers in the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    Openai,
    /// OpenAI's Responses API (typed events, no `[DONE]`).
    Responses,
    Anthropic,
    Gemini,
}

/// The encrypted reasoning item a Responses reply carries (the mock's stand-in).
pub const MOCK_REASONING_ITEM: &str = "mock-encrypted-reasoning";

impl Dialect {
    pub(super) fn error_body(self, message: &str, code: &str) -> String {
        match self {
            Dialect::Openai | Dialect::Responses => json!({"error": {"message": message, "type": "invalid_request_error", "code": code}}),
            Dialect::Anthropic => json!({"type": "error", "error": {"type": "authentication_error", "message": message}}),
            Dialect::Gemini => json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}}),
        }
        .to_string()
    }

    pub(super) fn model_list(self, models: &[String]) -> String {
        match self {
            Dialect::Openai | Dialect::Responses => {
                let data: Vec<_> = models.iter().map(|m| json!({"id": m, "object": "model", "owned_by": "keyturn-mock"})).collect();
                json!({"object": "list", "data": data})
            }
            Dialect::Anthropic => {
                let data: Vec<_> = models.iter().map(|m| json!({"id": m, "type": "model", "display_name": m, "created_at": "2025-01-01T00:00:00Z"})).collect();
                json!({"data": data, "has_more": false, "first_id": models.first(), "last_id": models.last()})
            }
            Dialect::Gemini => {
                let data: Vec<_> = models
                    .iter()
                    .map(|m| json!({"name": format!("models/{m}"), "displayName": m, "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
                        "supportedGenerationMethods": ["generateContent", "countTokens"]}))
                    .collect();
                json!({"models": data})
            }
        }
        .to_string()
    }

    /// SSE framing: Gemini's native stream uses CRLF.
    pub(super) fn frame(self, event: Option<&str>, data: &str) -> String {
        let nl = if self == Dialect::Gemini {
            "\r\n"
        } else {
            "\n"
        };
        match event {
            Some(e) => format!("event: {e}{nl}data: {data}{nl}{nl}"),
            None => format!("data: {data}{nl}{nl}"),
        }
    }

    pub(super) fn preamble(self) -> Vec<String> {
        match self {
            Dialect::Anthropic => vec![
                self.frame(Some("message_start"), &json!({"type": "message_start", "message": {"id": "msg_mock", "type": "message", "role": "assistant", "content": [], "model": "mock-model", "stop_reason": null, "usage": {"input_tokens": 12, "output_tokens": 1}}}).to_string()),
                self.frame(Some("content_block_start"), &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}).to_string()),
            ],
            Dialect::Responses => vec![self.frame(
                Some("response.created"),
                &json!({"type": "response.created", "response": {"id": "resp_mock", "status": "in_progress", "output": []}}).to_string(),
            )],
            _ => Vec::new(),
        }
    }

    pub(super) fn delta(self, text: &str, reasoning: bool) -> String {
        match self {
            Dialect::Openai => {
                let delta = if reasoning {
                    json!({"reasoning_content": text})
                } else {
                    json!({"content": text})
                };
                self.frame(None, &chunk_json(delta, None))
            }
            Dialect::Responses => {
                let kind = if reasoning {
                    "response.reasoning_summary_text.delta"
                } else {
                    "response.output_text.delta"
                };
                self.frame(
                    Some(kind),
                    &json!({"type": kind, "item_id": "mock", "output_index": 0, "delta": text})
                        .to_string(),
                )
            }
            Dialect::Anthropic => {
                let delta = if reasoning {
                    json!({"type": "thinking_delta", "thinking": text})
                } else {
                    json!({"type": "text_delta", "text": text})
                };
                self.frame(
                    Some("content_block_delta"),
                    &json!({"type": "content_block_delta", "index": 0, "delta": delta}).to_string(),
                )
            }
            Dialect::Gemini => {
                let part = if reasoning {
                    json!({"text": text, "thought": true})
                } else {
                    json!({"text": text})
                };
                self.frame(None, &json!({"candidates": [{"content": {"parts": [part], "role": "model"}, "index": 0}]}).to_string())
            }
        }
    }

    /// The closing events: finish reason, usage (output tokens and the reasoning part of
    /// them), end marker (each optional).
    pub(super) fn ending(
        self,
        finish: Option<&str>,
        counts: Option<(usize, usize)>,
        done: bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let usage = counts.map(|(n, _)| n);
        let reasoning = counts.map_or(0, |(_, r)| r);
        match self {
            Dialect::Openai => {
                if let Some(f) = finish {
                    out.push(self.frame(None, &chunk_json(json!({}), Some(f))));
                }
                if let Some(n) = usage {
                    let u = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "choices": [],
                        "usage": {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n,
                            "completion_tokens_details": {"reasoning_tokens": reasoning}}});
                    out.push(self.frame(None, &u.to_string()));
                }
                if done {
                    out.push(self.frame(None, "[DONE]"));
                }
            }
            Dialect::Responses => {
                // One event ends it: completed, or incomplete at the token limit; a stream
                // without its end (`mock:no-done`) just stops.
                if done {
                    let item = json!({"type": "reasoning", "id": "rs_mock", "summary": [],
                        "encrypted_content": MOCK_REASONING_ITEM});
                    out.push(self.frame(
                        Some("response.output_item.done"),
                        &json!({"type": "response.output_item.done", "output_index": 0, "item": item}).to_string(),
                    ));
                    let n = usage.unwrap_or(0);
                    let (kind, details) = match finish {
                        Some("length") => (
                            "response.incomplete",
                            json!({"reason": "max_output_tokens"}),
                        ),
                        _ => ("response.completed", serde_json::Value::Null),
                    };
                    let u = json!({"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0},
                        "output_tokens": n, "output_tokens_details": {"reasoning_tokens": reasoning}, "total_tokens": 12 + n});
                    out.push(self.frame(
                        Some(kind),
                        &json!({"type": kind, "response": {"id": "resp_mock", "incomplete_details": details, "usage": u}}).to_string(),
                    ));
                }
            }
            Dialect::Anthropic => {
                if finish.is_some() || usage.is_some() {
                    let reason = finish.map(|f| if f == "stop" { "end_turn" } else { f });
                    out.push(self.frame(Some("message_delta"), &json!({"type": "message_delta", "delta": {"stop_reason": reason}, "usage": {"output_tokens": usage.unwrap_or(0)}}).to_string()));
                }
                if done {
                    out.push(self.frame(
                        Some("message_stop"),
                        &json!({"type": "message_stop"}).to_string(),
                    ));
                }
            }
            Dialect::Gemini => {
                // Gemini has no end marker; the finish reason rides on the last chunk.
                if finish.is_some() || usage.is_some() {
                    let mut c = json!({"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "index": 0}]});
                    if let Some(f) = finish {
                        c["candidates"][0]["finishReason"] =
                            json!(if f == "stop" { "STOP" } else { "MAX_TOKENS" });
                    }
                    if let Some(n) = usage {
                        c["usageMetadata"] = json!({"promptTokenCount": 12, "candidatesTokenCount": n - reasoning,
                            "thoughtsTokenCount": reasoning, "totalTokenCount": 12 + n});
                    }
                    out.push(self.frame(None, &c.to_string()));
                }
            }
        }
        out
    }

    pub(super) fn stream_error(self, message: &str) -> String {
        match self {
            Dialect::Openai => self.frame(None, &json!({"error": {"message": message, "type": "server_error", "code": "overloaded"}}).to_string()),
            Dialect::Responses => self.frame(Some("error"), &json!({"type": "error", "code": "server_error", "message": message}).to_string()),
            Dialect::Anthropic => self.frame(Some("error"), &json!({"type": "error", "error": {"type": "overloaded_error", "message": message}}).to_string()),
            Dialect::Gemini => self.frame(None, &json!({"error": {"code": 503, "message": message, "status": "UNAVAILABLE"}}).to_string()),
        }
    }
}

fn chunk_json(delta: serde_json::Value, finish: Option<&str>) -> String {
    json!({
        "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 0, "model": "mock-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
    })
    .to_string()
}
