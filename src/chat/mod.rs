//! The chat vocabulary, at the bottom of the crate: roles, messages, conversations, turns,
//! token usage and money. Every other module may use it; it uses none of them.

pub mod attachment;
mod branches;
mod conversation;
pub mod money;
mod reasoning;
mod turn;

pub use attachment::Attachment;
pub use conversation::{Conversation, FailureKind, Message, TurnError, TurnState};
pub use reasoning::{Effort, Reasoning};
pub use turn::{EndState, TurnEnded};

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
    /// What the provider gave back with this reply for later turns (assistant messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carry: Option<Carry>,
    /// Images sent beside the text, natively (text files are already in `content`).
    #[serde(skip)]
    pub images: Vec<Attachment>,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            carry: None,
            images: Vec::new(),
        }
    }
}

/// What a provider returned beside a reply's text for it to read on later turns, kept
/// opaque: Anthropic's signed thinking blocks, the Responses API's encrypted reasoning
/// items. Sent back only to the same API for the same model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carry {
    /// "anthropic" or "responses".
    pub api: String,
    pub model: String,
    pub items: Vec<serde_json::Value>,
}

impl Carry {
    /// The items, when a request to `api` for `model` may send them.
    pub fn items_for(&self, api: &str, model: &str) -> Option<&[serde_json::Value]> {
        (self.api == api && self.model == model && !self.items.is_empty())
            .then_some(self.items.as_slice())
    }
}

/// Everything a protocol needs to build one chat request. Holds no secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// Reasoning asked for; `None` sends nothing (the model's own default).
    pub reasoning: Option<Reasoning>,
}

/// Token counts as the provider reported them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// Prompt tokens read from the provider's cache (part of `input_tokens`).
    pub cached_tokens: u64,
    /// Prompt tokens written to the provider's cache (part of `input_tokens`; Anthropic
    /// bills them above the input price).
    pub cache_write_tokens: u64,
    /// The provider's own figure for what the request cost (OpenRouter sends one).
    pub cost_usd: Option<money::Usd>,
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
