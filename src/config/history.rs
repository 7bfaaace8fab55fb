//! `[history]`: whether the last conversation resumes, how conversations get titles, and
//! whether `ask` saves its exchanges.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Open the last conversation at start (false: start a new one).
    pub resume: bool,
    /// Where a new conversation's title comes from.
    pub titles: TitleMode,
    /// `keyturn ask` saves each exchange as a conversation (`--no-save` skips it once).
    pub save_ask: bool,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            resume: true,
            titles: TitleMode::Prompt,
            save_ask: true,
        }
    }
}

/// How a conversation is titled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleMode {
    /// The first line of the first question (free, instant).
    #[default]
    Prompt,
    /// After the first answer, the same model is asked for a short title (one small request,
    /// billed to the same key and recorded in the usage ledger; skipped at a budget cap).
    Model,
}
