//! Conversation data: messages with their turn state, and the request history they form.

use super::{ChatMessage, Role, Usage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnState {
    Connecting,
    Streaming,
    Done,
    Cancelled,
    Failed(TurnError),
}

/// Why a turn failed, kept as a value: what kind of failure (the reducer decides on failover
/// and retries by it) and the provider's message, already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnError {
    pub kind: FailureKind,
    pub message: String,
}

/// The kinds of failure that lead to different next steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The key was rejected or lacks access (401, 403): another key may work.
    KeyRejected,
    /// Rate-limited (429), with the wait the provider asked for.
    RateLimited { retry_after_secs: Option<u64> },
    /// Out of credit or over a spending limit: retrying will not help.
    Quota,
    /// The network: refused, timed out, dropped or cut off.
    Network,
    /// The provider answered with an error about the request or itself.
    Provider,
    /// keyturn could not build the request (no key, a bad header).
    Setup,
    /// Read back from history, where only the message is kept.
    Recorded,
}

impl TurnError {
    /// A failure read back from a conversation file.
    pub fn recorded(message: String) -> Self {
        Self {
            kind: FailureKind::Recorded,
            message,
        }
    }

    /// Another stored key might succeed where this one failed.
    pub fn is_key_problem(&self) -> bool {
        matches!(
            self.kind,
            FailureKind::KeyRejected | FailureKind::RateLimited { .. } | FailureKind::Quota
        )
    }
}

impl std::fmt::Display for TurnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
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
    /// The provider answered this request (or started to): only such requests are billed.
    pub answered: bool,
    /// Bumped on every change; render caches key on it.
    pub version: u64,
    /// A summary of the turns above it, made to fit the context window: requests send it
    /// in their place.
    pub checkpoint: bool,
    /// What the provider gave back for later turns (signed thinking, encrypted reasoning).
    pub carry: Option<super::Carry>,
    /// The preset in use when this reply was asked for.
    pub preset: Option<String>,
    /// Files sent with this message (user messages).
    pub attachments: Vec<super::Attachment>,
    /// The message it follows (its id; None: the conversation's first).
    pub parent: Option<u64>,
    /// Its number in its conversation file, once read from or written there.
    pub file_n: Option<usize>,
    /// Where it stands among its siblings (other answers or edits at the same place):
    /// (1-based position, count), when it has any.
    pub branch: Option<(usize, usize)>,
}

impl Message {
    /// A message with `id` and nothing yet but its role, text and state.
    pub fn new(id: u64, role: Role, text: String, state: TurnState) -> Self {
        Message {
            id,
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
            answered: false,
            version: 0,
            checkpoint: false,
            carry: None,
            preset: None,
            attachments: Vec::new(),
            parent: None,
            file_n: None,
            branch: None,
        }
    }

    /// The provider's id (a message made before ids were kept has only the name).
    pub fn provider_ref(&self) -> &str {
        if self.provider_id.is_empty() {
            &self.provider
        } else {
            &self.provider_id
        }
    }

    /// The text a request sends for this message: its attached text files under their
    /// names, then what was written.
    pub fn sent_text(&self) -> std::borrow::Cow<'_, str> {
        if self.attachments.iter().any(|a| !a.is_image()) {
            super::attachment::compose(&self.text, &self.attachments).into()
        } else {
            self.text.as_str().into()
        }
    }

    /// The tokens its images add to a request, estimated.
    pub fn image_tokens(&self) -> u64 {
        super::attachment::image_tokens(&self.attachments)
    }

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
    /// Messages (by index) that were still streaming in the file it was read from: their
    /// end is written when saving resumes.
    pub unended: Vec<usize>,
    /// Requests send the messages from this index on: those above were dropped to fit the
    /// model's context window (they stay in the transcript, the file and exports).
    pub sent_from: usize,
    /// The system prompt this conversation sends, once chosen (a preset picked, the prompt
    /// edited, or the first message sent); `None` follows the session's preset or config.
    /// `Some("")` sends none.
    pub system: Option<String>,
    /// The preset chosen for it, by name.
    pub preset: Option<String>,
    /// Messages on other branches than the one shown (`messages`), each with its parent:
    /// earlier answers and edits kept when a message was regenerated or edited.
    pub parked: Vec<Message>,
    /// The next message number its file gives.
    pub next_n: usize,
}

impl Conversation {
    /// Appends a message with the next id of this conversation (for replaying a file; the
    /// app numbers its messages itself, with [`push_with_id`](Self::push_with_id)).
    pub fn push(&mut self, role: Role, text: String, state: TurnState) -> usize {
        let id = self
            .messages
            .iter()
            .map(|m| m.id)
            .max()
            .map_or(1, |m| m + 1);
        self.push_with_id(id, role, text, state)
    }

    /// Appends a message with an id the caller chose (unique in the whole session: render
    /// caches key on it, and history tells an edited message from the one it replaced).
    pub fn push_with_id(&mut self, id: u64, role: Role, text: String, state: TurnState) -> usize {
        let parent = self.messages.last().map(|m| m.id);
        self.messages.push(Message {
            parent,
            ..Message::new(id, role, text, state)
        });
        self.messages.len() - 1
    }

    /// Gives every message a fresh id from `next` (a conversation joining the session),
    /// parents following.
    pub fn renumber(&mut self, next: &mut u64) {
        // In the order they were made (their file's numbers), so siblings keep their order.
        let mut order: Vec<(usize, u64)> = self
            .messages
            .iter()
            .chain(self.parked.iter())
            .map(|m| (m.file_n.unwrap_or(usize::MAX), m.id))
            .collect();
        order.sort_unstable();
        let map: std::collections::HashMap<u64, u64> = order
            .into_iter()
            .map(|(_, id)| {
                *next += 1;
                (id, *next - 1)
            })
            .collect();
        for m in self.messages.iter_mut().chain(self.parked.iter_mut()) {
            m.id = map[&m.id];
        }
        for m in self.messages.iter_mut().chain(self.parked.iter_mut()) {
            m.parent = m.parent.and_then(|p| map.get(&p).copied());
        }
    }

    /// The provider (its id) and model that answered last, if any did.
    pub fn last_answerer(&self) -> Option<(&str, &str)> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::Assistant && !m.provider_id.is_empty())
            .map(|m| (m.provider_id.as_str(), m.model.as_str()))
    }

    /// After messages were taken back: a cut below them moves up to the end, so what
    /// follows is sent.
    pub fn clamp_cut(&mut self) {
        self.sent_from = self.sent_from.min(self.messages.len());
    }

    /// The messages the next request sends (what [`history`](Self::history) is made of).
    pub fn sent(&self) -> impl Iterator<Item = &Message> {
        self.sent_before(self.messages.len())
    }

    /// [`sent`](Self::sent) of the messages before `end` (an edit of message `end` sends
    /// those, then itself).
    pub fn sent_before(&self, end: usize) -> impl Iterator<Item = &Message> {
        self.messages[..end.min(self.messages.len())]
            .iter()
            .skip(self.sent_from)
            .filter(|m| m.role == Role::User || !m.text.is_empty())
            .filter(|m| !m.state.is_open())
    }

    /// The history sent to the provider: every user message and every assistant reply that
    /// has text (a cancelled partial answer is what the user saw, so it is sent too).
    pub fn history(&self) -> Vec<ChatMessage> {
        self.history_before(self.messages.len())
    }

    /// [`history`](Self::history) of the messages before `end`.
    pub fn history_before(&self, end: usize) -> Vec<ChatMessage> {
        self.sent_before(end)
            .map(|m| ChatMessage {
                role: m.role,
                content: m.sent_text().into_owned(),
                carry: m.carry.clone(),
                images: super::attachment::images(&m.attachments),
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
