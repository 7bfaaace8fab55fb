//! The conversation file's lines ([`Record`]) and their replay into a conversation, skipping
//! what cannot be read and marking a reply cut off mid-stream as incomplete.

use serde::{Deserialize, Serialize};

use crate::chat::{EndState, Role, Usage};

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
    /// A user or system message, whole. `n` numbers it in the file; `p` is the message it
    /// follows (`root`: none). Files from before branches have neither: `n` is then its
    /// place in the conversation.
    Msg {
        n: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p: Option<usize>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        root: bool,
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
    /// An assistant turn begins (`p`, `root` as for `Msg`).
    Start {
        n: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p: Option<usize>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        root: bool,
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
    /// Messages from place `n` on were taken back (files from before branches).
    Truncate {
        n: usize,
    },
    /// The branch shown is the one that ends at message `n`.
    Switch {
        n: usize,
    },
    /// Message `n` now follows message `p` (None: it is the first): a checkpoint was put in
    /// before it.
    Move {
        n: usize,
        p: Option<usize>,
    },
    /// Message `n` is gone (a failed answer asked again).
    Forget {
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
