//! Conversation data: messages with their turn state, and the request history they form.

use super::{ChatMessage, Role, Usage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnState {
    Connecting,
    Streaming,
    Done,
    Cancelled,
    Failed(String),
}

impl TurnState {
    pub fn is_open(&self) -> bool {
        matches!(self, TurnState::Connecting | TurnState::Streaming)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u64,
    pub role: Role,
    pub text: String,
    pub reasoning: String,
    pub reasoning_open: bool,
    pub state: TurnState,
    pub usage: Option<Usage>,
    /// Model and provider that answered (assistant messages): the provider's display name
    /// and its id (what history and the usage ledger record).
    pub model: String,
    pub provider: String,
    pub provider_id: String,
    /// Notes for the user: a finish reason that was not a normal stop, skipped chunks.
    pub notes: Vec<String>,
    /// "Rate-limited… retrying in 3s (attempt 2 of 3)" while a retry is pending.
    pub retry: Option<String>,
    /// The stored key that answered (its id, never the key).
    pub key_id: Option<String>,
    /// Bumped on every change; render caches key on it.
    pub version: u64,
}

impl Message {
    pub fn touch(&mut self) {
        self.version += 1;
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    pub messages: Vec<Message>,
    /// The saved conversation's id (empty until its first message is saved).
    pub id: String,
    pub title: String,
    /// A title was asked of the model already (asked once per conversation).
    pub title_asked: bool,
}

impl Conversation {
    pub fn push(&mut self, role: Role, text: String, state: TurnState) -> usize {
        // Ids are unique across conversations, so render caches keyed by id never mistake a
        // message of the conversation just opened for one of the last.
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.messages.push(Message {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            role,
            text,
            reasoning: String::new(),
            reasoning_open: false,
            state,
            usage: None,
            model: String::new(),
            provider: String::new(),
            provider_id: String::new(),
            notes: Vec::new(),
            retry: None,
            key_id: None,
            version: 0,
        });
        self.messages.len() - 1
    }

    /// The history sent to the provider: every user message and every assistant reply that
    /// has text (a cancelled partial answer is what the user saw, so it is sent too).
    pub fn history(&self) -> Vec<ChatMessage> {
        self.messages
            .iter()
            .filter(|m| m.role == Role::User || !m.text.is_empty())
            .filter(|m| !m.state.is_open())
            .map(|m| ChatMessage {
                role: m.role,
                content: m.text.clone(),
            })
            .collect()
    }

    /// Sum of reported usage over the conversation.
    pub fn total_usage(&self) -> Usage {
        let mut total = Usage::default();
        for u in self.messages.iter().filter_map(|m| m.usage) {
            total.input_tokens += u.input_tokens;
            total.output_tokens += u.output_tokens;
        }
        total
    }
}
