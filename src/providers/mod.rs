//! Talking to model providers: the request/event vocabulary, one module per wire protocol,
//! and the HTTP stream task. Never imports ratatui or crossterm.

pub mod anthropic;
pub mod call;
pub mod catalog;
pub mod count;
pub mod error;
pub mod gateway;
pub mod gemini;
pub mod hints;
pub mod http;
pub mod images;
pub mod models;
pub mod openai_compat;
pub mod paced;
mod pump;
pub mod reasoning;
pub mod responses;
pub mod retry;
pub mod sse;
pub mod validate;
pub mod vision;
pub mod wire;

pub use crate::chat::{ChatMessage, ChatRequest, Effort, FinishReason, Reasoning, Role, Usage};
pub use error::ProviderError;

use serde::{Deserialize, Serialize};

/// What a protocol parser makes of the stream. Text is raw here; the stream task sanitizes
/// it before it leaves the provider layer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Response headers arrived with a success status.
    Connected,
    Text(String),
    Reasoning(String),
    Usage(Usage),
    /// A gateway's figures for the key this request used (a LiteLLM proxy's spend and budget).
    GatewayKey(gateway::KeySpend),
    /// Something the API wants back on later turns (see [`crate::chat::Carry`]).
    Carry {
        api: &'static str,
        item: serde_json::Value,
    },
    Finish(FinishReason),
    /// A chunk that could not be read; the stream goes on.
    Malformed(String),
    /// A retryable failure before any token: trying again in `in_secs` (sent each second).
    Retrying {
        attempt: u32,
        of: u32,
        in_secs: u64,
        reason: String,
    },
    Done,
    Error(ProviderError),
}

impl StreamEvent {
    /// The provider answered the request (or began to): from here on it may be billed.
    pub fn is_an_answer(&self) -> bool {
        matches!(
            self,
            Self::Connected | Self::Text(_) | Self::Reasoning(_) | Self::Usage(_)
        )
    }
}

/// The wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Openai,
    Anthropic,
    Gemini,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Self::Openai => "openai",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
        }
    }
}

/// Prompt caching where the provider must be asked for it (Anthropic): `auto` marks the
/// system prompt and the conversation's prefix when they are long enough to be cached;
/// `off` never does. Providers that cache on their own are only read (their cached-token
/// counts), whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    #[default]
    Auto,
    Off,
}

/// Which OpenAI API an OpenAI-protocol provider speaks. `Auto`: the Responses API for
/// OpenAI's own reasoning models (only it returns their reasoning), Chat Completions for
/// everything else and every compatible server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    #[default]
    Auto,
    Chat,
    Responses,
}

/// Where and how to reach one provider. Holds no secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub base_url: String,
    pub extra_headers: Vec<(String, String)>,
    pub cache: CacheMode,
    pub api: Api,
}

impl Endpoint {
    /// The provider is OpenRouter (by id or address).
    pub fn is_openrouter(&self) -> bool {
        self.protocol == Protocol::Openai
            && (self.id == "openrouter" || self.base_url.contains("openrouter.ai"))
    }

    /// A request for `model` goes to the Responses API.
    pub fn uses_responses(&self, model: &str) -> bool {
        self.protocol == Protocol::Openai
            && match self.api {
                Api::Responses => true,
                Api::Chat => false,
                Api::Auto => {
                    self.base_url.contains("api.openai.com")
                        && reasoning::is_openai_reasoning(model)
                }
            }
    }
}

/// Turns a protocol's SSE events into [`StreamEvent`]s. Pure and incremental.
pub trait StreamParser: Send {
    fn on_event(&mut self, event: &sse::SseEvent) -> Vec<StreamEvent>;
    /// The byte stream ended; returns `Done` or an `Incomplete` error as the protocol decides.
    fn on_end(&mut self) -> Vec<StreamEvent>;
    /// True once the protocol's own end marker was seen; the caller stops reading.
    fn is_done(&self) -> bool;
}

/// What a parser reads of one SSE event: nothing after its end or for an empty event
/// (`Ok(None)`), the JSON, or the `Malformed` event to report instead.
pub(crate) fn read_event(
    done: bool,
    event: &sse::SseEvent,
    redactor: &crate::text::redact::Redactor,
) -> Result<Option<serde_json::Value>, StreamEvent> {
    if done || event.data.trim().is_empty() {
        return Ok(None);
    }
    event_json(&event.data, redactor).map(Some)
}

/// An event's type: its `type` member, else the SSE event's name.
pub(crate) fn event_kind<'a>(v: &'a serde_json::Value, event: &'a sse::SseEvent) -> &'a str {
    v.get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(event.event.as_str())
}

/// The JSON of one SSE event, or the `Malformed` event to report instead.
pub(crate) fn event_json(
    data: &str,
    redactor: &crate::text::redact::Redactor,
) -> Result<serde_json::Value, StreamEvent> {
    serde_json::from_str(data)
        .map_err(|_| StreamEvent::Malformed(openai_compat::snippet(data, redactor)))
}

/// The byte stream ended (`on_end`): nothing more once the parser is done; otherwise the
/// end without the protocol's end marker, which is complete only after a finish reason.
pub(crate) fn end_of_bytes(done: &mut bool, provider: &str, saw_finish: bool) -> Vec<StreamEvent> {
    if std::mem::replace(done, true) {
        return Vec::new();
    }
    end_without_marker(provider, saw_finish)
}

/// The end of a stream without the protocol's end marker: complete after a finish reason,
/// otherwise cut off.
fn end_without_marker(provider: &str, saw_finish: bool) -> Vec<StreamEvent> {
    if saw_finish {
        vec![StreamEvent::Done]
    } else {
        vec![StreamEvent::Error(ProviderError::Incomplete {
            provider: provider.to_string(),
        })]
    }
}

/// A temperature as JSON: the number as written (0.3), not its nearest `f32` widened
/// (0.30000001192092896).
pub(crate) fn temperature(t: f32) -> serde_json::Value {
    t.to_string()
        .parse::<f64>()
        .map_or(serde_json::Value::Null, serde_json::Value::from)
}
