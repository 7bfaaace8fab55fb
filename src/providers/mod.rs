//! Talking to model providers: the request/event vocabulary, one module per wire protocol,
//! and the HTTP stream task. Never imports ratatui or crossterm.

pub mod anthropic;
pub mod catalog;
pub mod error;
pub mod gemini;
pub mod hints;
pub mod http;
pub mod models;
pub mod openai_compat;
pub mod retry;
pub mod sse;
pub mod validate;
pub mod wire;

pub use error::ProviderError;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// Everything a protocol needs to build one chat request. Holds no secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
}

/// Token counts as the provider reported them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    pub cached_tokens: u64,
    /// The provider's own figure for what the request cost (OpenRouter sends one).
    pub cost_usd: Option<crate::money::Usd>,
}

/// Why the model stopped, when it said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    Stop,
    Length,
    ContentFilter,
    ToolCalls,
    Other(String),
}

impl FinishReason {
    pub fn parse(s: &str) -> Self {
        match s {
            "stop"
            | "end_turn"
            | "STOP"
            | "stop_sequence"
            | "eos"
            | "FINISH_REASON_UNSPECIFIED" => Self::Stop,
            "length" | "max_tokens" | "MAX_TOKENS" => Self::Length,
            "content_filter" | "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT"
            | "SPII" | "refusal" => Self::ContentFilter,
            "tool_calls" | "tool_use" | "function_call" => Self::ToolCalls,
            other => Self::Other(other.to_string()),
        }
    }

    /// A note for the user when the stop was not a normal one.
    pub fn note(&self) -> Option<String> {
        match self {
            Self::Stop => None,
            Self::Length => Some("stopped at the token limit (max_tokens)".into()),
            Self::ContentFilter => Some("stopped by the provider's content filter".into()),
            Self::ToolCalls => Some("the model asked to call a tool (not supported)".into()),
            Self::Other(s) => Some(format!("stopped: {s}")),
        }
    }
}

/// What a protocol parser makes of the stream. Text is raw here; the stream task sanitizes
/// it before it leaves the provider layer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Response headers arrived with a success status.
    Connected,
    Text(String),
    Reasoning(String),
    Usage(Usage),
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

/// Where and how to reach one provider. Holds no secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub base_url: String,
    pub extra_headers: Vec<(String, String)>,
}

/// Turns a protocol's SSE events into [`StreamEvent`]s. Pure and incremental.
pub trait StreamParser: Send {
    fn on_event(&mut self, event: &sse::SseEvent) -> Vec<StreamEvent>;
    /// The byte stream ended; returns `Done` or an `Incomplete` error as the protocol decides.
    fn on_end(&mut self) -> Vec<StreamEvent>;
    /// True once the protocol's own end marker was seen; the caller stops reading.
    fn is_done(&self) -> bool;
}

/// The JSON of one SSE event, or the `Malformed` event to report instead.
pub(crate) fn event_json(
    data: &str,
    redactor: &crate::text::redact::Redactor,
) -> Result<serde_json::Value, StreamEvent> {
    serde_json::from_str(data)
        .map_err(|_| StreamEvent::Malformed(openai_compat::snippet(data, redactor)))
}

/// The end of a stream without the protocol's end marker: complete after a finish reason,
/// otherwise cut off.
pub(crate) fn end_without_marker(provider: &str, saw_finish: bool) -> Vec<StreamEvent> {
    if saw_finish {
        vec![StreamEvent::Done]
    } else {
        vec![StreamEvent::Error(ProviderError::Incomplete {
            provider: provider.to_string(),
        })]
    }
}
