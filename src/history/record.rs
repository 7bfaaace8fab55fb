//! The conversation file's lines ([`Record`]) and their replay into a conversation, skipping
//! what cannot be read and marking a reply cut off mid-stream as incomplete.

use serde::{Deserialize, Serialize};

use crate::chat::{Conversation, EndState, Role, TurnState, Usage};

/// One line of a conversation file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Record {
    Meta {
        v: u32,
        id: String,
        created: u64,
    },
    Title {
        title: String,
    },
    /// The system prompt the conversation sends from here on, and the preset it came from.
    System {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preset: Option<String>,
    },
    /// A user or system message, whole.
    Msg {
        n: usize,
        role: Role,
        text: String,
        at: u64,
        /// A summary of the messages above it (a checkpoint).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        checkpoint: bool,
        /// Files sent with it (their bytes under `data/attachments/`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<super::blobs::SavedAttachment>,
    },
    /// An assistant turn begins.
    Start {
        n: usize,
        at: u64,
        provider: String,
        model: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_id: Option<String>,
        /// The preset in use when it was asked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preset: Option<String>,
    },
    /// Text streamed into turn `n`.
    Delta {
        n: usize,
        text: String,
    },
    /// Turn `n` ended.
    End {
        n: usize,
        at: u64,
        state: EndState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        usage: Option<SavedUsage>,
        /// What the provider wants back on later turns (signed thinking, encrypted
        /// reasoning): opaque.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carry: Option<crate::chat::Carry>,
    },
    /// Messages from `n` on were taken back (edit, regenerate).
    Truncate {
        n: usize,
    },
    /// Requests send messages from `n` on: those above were dropped to fit the context
    /// window (they stay in the file).
    Cut {
        n: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SavedUsage {
    pub input: u64,
    pub output: u64,
    #[serde(default)]
    pub reasoning: u64,
    #[serde(default)]
    pub cached: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cache_write: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<crate::chat::money::Usd>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl From<Usage> for SavedUsage {
    fn from(u: Usage) -> Self {
        Self {
            input: u.input_tokens,
            output: u.output_tokens,
            reasoning: u.reasoning_tokens,
            cached: u.cached_tokens,
            cache_write: u.cache_write_tokens,
            cost_usd: u.cost_usd,
        }
    }
}

impl From<SavedUsage> for Usage {
    fn from(u: SavedUsage) -> Self {
        Self {
            input_tokens: u.input,
            output_tokens: u.output,
            reasoning_tokens: u.reasoning,
            cached_tokens: u.cached,
            cache_write_tokens: u.cache_write,
            cost_usd: u.cost_usd,
        }
    }
}

/// What loading found that it could not use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// 1-based numbers of lines that were not valid records.
    pub skipped_lines: Vec<usize>,
    /// A reply was cut off (keyturn stopped while it streamed).
    pub incomplete: bool,
}

impl LoadReport {
    pub fn describe(&self, name: &str) -> Option<String> {
        if self.skipped_lines.is_empty() {
            return None;
        }
        let lines: Vec<String> = self
            .skipped_lines
            .iter()
            .take(5)
            .map(|l| l.to_string())
            .collect();
        Some(format!(
            "{name}: skipped {} damaged line{} ({}{}); everything else loaded",
            self.skipped_lines.len(),
            if self.skipped_lines.len() == 1 {
                ""
            } else {
                "s"
            },
            lines.join(", "),
            if self.skipped_lines.len() > 5 {
                ", …"
            } else {
                ""
            }
        ))
    }
}

pub const INCOMPLETE_NOTE: &str = "incomplete: keyturn stopped while this reply was streaming";

/// Rebuilds a conversation from its records.
pub fn replay(text: &str) -> (Conversation, LoadReport) {
    let mut conv = Conversation::default();
    let mut report = LoadReport::default();
    // Record index n → message index (they differ only after a damaged Start).
    let mut index_of: Vec<Option<usize>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Ok(record) = serde_json::from_str::<Record>(line) else {
            report.skipped_lines.push(i + 1);
            continue;
        };
        // A message index is never more than the lines before it: a larger one (a huge
        // number, damage) is a damaged line, and costs only itself.
        let n = match &record {
            Record::Msg { n, .. }
            | Record::Start { n, .. }
            | Record::Delta { n, .. }
            | Record::End { n, .. }
            | Record::Truncate { n }
            | Record::Cut { n } => Some(*n),
            Record::Meta { .. } | Record::Title { .. } | Record::System { .. } => None,
        };
        if n.is_some_and(|n| n > i) {
            report.skipped_lines.push(i + 1);
            continue;
        }
        let slot = |index_of: &mut Vec<Option<usize>>, n: usize, m: usize| {
            if index_of.len() <= n {
                index_of.resize(n + 1, None);
            }
            index_of[n] = Some(m);
        };
        match record {
            Record::Meta { id, .. } => conv.id = id,
            Record::Title { title } => conv.title = title,
            Record::System { text, preset } => {
                conv.system = Some(text);
                conv.preset = preset;
            }
            Record::Msg {
                n,
                role,
                text,
                checkpoint,
                attachments,
                ..
            } => {
                let m = conv.push(role, text, TurnState::Done);
                conv.messages[m].checkpoint = checkpoint;
                conv.messages[m].attachments = attachments.iter().map(|a| a.unread()).collect();
                slot(&mut index_of, n, m);
            }
            Record::Start {
                n,
                provider,
                model,
                key_id,
                preset,
                ..
            } => {
                let m = conv.push(Role::Assistant, String::new(), TurnState::Streaming);
                let msg = &mut conv.messages[m];
                msg.preset = preset;
                msg.provider_id = provider.clone();
                msg.provider = provider;
                msg.model = model;
                msg.key_id = key_id;
                slot(&mut index_of, n, m);
            }
            Record::Delta { n, text } => {
                if let Some(Some(m)) = index_of.get(n) {
                    conv.messages[*m].text.push_str(&text);
                }
            }
            Record::End {
                n,
                state,
                error,
                usage,
                carry,
                ..
            } => {
                if let Some(Some(m)) = index_of.get(n) {
                    let msg = &mut conv.messages[*m];
                    msg.carry = carry;
                    msg.state = match state {
                        EndState::Done => TurnState::Done,
                        EndState::Cancelled => {
                            // Cut off by a crash: the mark survives every later start.
                            if error.as_deref() == Some(INCOMPLETE_NOTE)
                                && !msg.notes.iter().any(|n| n == INCOMPLETE_NOTE)
                            {
                                msg.notes.push(INCOMPLETE_NOTE.into());
                            }
                            TurnState::Cancelled
                        }
                        EndState::Failed => TurnState::Failed(crate::chat::TurnError::recorded(
                            error.unwrap_or_default(),
                        )),
                    };
                    msg.usage = usage.map(Usage::from);
                }
            }
            Record::Truncate { n } => {
                let keep = index_of
                    .get(n)
                    .copied()
                    .flatten()
                    .unwrap_or(conv.messages.len());
                conv.messages.truncate(keep);
                conv.clamp_cut();
                index_of.truncate(n);
                // A damaged file can give one record index to two messages: no entry may
                // point past the messages that are left.
                for slot in &mut index_of {
                    if slot.is_some_and(|m| m >= keep) {
                        *slot = None;
                    }
                }
            }
            Record::Cut { n } => {
                conv.sent_from = index_of
                    .get(n)
                    .copied()
                    .flatten()
                    .unwrap_or(conv.messages.len());
            }
        }
    }
    for (i, msg) in conv.messages.iter_mut().enumerate() {
        if msg.state.is_open() {
            msg.state = TurnState::Cancelled;
            msg.notes.push(INCOMPLETE_NOTE.into());
            conv.unended.push(i);
            report.incomplete = true;
        }
    }
    (conv, report)
}
