//! A turn that ended: what the usage ledger records of it.

use serde::{Deserialize, Serialize};

use super::Usage;

/// How a turn ended, as history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndState {
    Done,
    Cancelled,
    Failed,
}

/// A finished assistant turn, for the usage ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnEnded {
    pub provider: String,
    pub model: String,
    pub key_id: Option<String>,
    pub usage: Option<Usage>,
    /// Characters sent and received, for an estimate when the provider reported no usage.
    pub prompt_chars: usize,
    pub reply_chars: usize,
    pub state: EndState,
    /// The conversation the request was made for (its id), so its cost can be read back
    /// from the ledger.
    pub conversation: Option<String>,
    /// The reply's number in the conversation's file: which branch the request was for.
    pub message: Option<usize>,
}
