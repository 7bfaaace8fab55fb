//! Conversations on disk: one append-only JSON-lines file per conversation. A crash, kill -9
//! or power cut can damage at most the line being written; loading skips what it cannot read
//! and says so. A reply that was streaming when keyturn died loads as incomplete.

pub mod export;
pub mod title;
pub mod writer;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::app::{Conversation, TurnState};
use crate::providers::{Role, Usage};

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
    /// A user or system message, whole.
    Msg {
        n: usize,
        role: Role,
        text: String,
        at: u64,
    },
    /// An assistant turn begins.
    Start {
        n: usize,
        at: u64,
        provider: String,
        model: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_id: Option<String>,
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
    },
    /// Messages from `n` on were taken back (edit, regenerate).
    Truncate {
        n: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndState {
    Done,
    Cancelled,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SavedUsage {
    pub input: u64,
    pub output: u64,
    #[serde(default)]
    pub reasoning: u64,
    #[serde(default)]
    pub cached: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}

impl From<Usage> for SavedUsage {
    fn from(u: Usage) -> Self {
        Self {
            input: u.input_tokens,
            output: u.output_tokens,
            reasoning: u.reasoning_tokens,
            cached: u.cached_tokens,
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
        let slot = |index_of: &mut Vec<Option<usize>>, n: usize, m: usize| {
            if index_of.len() <= n {
                index_of.resize(n + 1, None);
            }
            index_of[n] = Some(m);
        };
        match record {
            Record::Meta { id, .. } => conv.id = id,
            Record::Title { title } => conv.title = title,
            Record::Msg { n, role, text, .. } => {
                let m = conv.push(role, text, TurnState::Done);
                slot(&mut index_of, n, m);
            }
            Record::Start {
                n,
                provider,
                model,
                key_id,
                ..
            } => {
                let m = conv.push(Role::Assistant, String::new(), TurnState::Streaming);
                let msg = &mut conv.messages[m];
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
                ..
            } => {
                if let Some(Some(m)) = index_of.get(n) {
                    let msg = &mut conv.messages[*m];
                    msg.state = match state {
                        EndState::Done => TurnState::Done,
                        EndState::Cancelled => TurnState::Cancelled,
                        EndState::Failed => TurnState::Failed(error.unwrap_or_default()),
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
                index_of.truncate(n);
            }
        }
    }
    for msg in &mut conv.messages {
        if msg.state.is_open() {
            msg.state = TurnState::Cancelled;
            msg.notes.push(INCOMPLETE_NOTE.into());
            report.incomplete = true;
        }
    }
    (conv, report)
}

/// The conversations directory and its files.
#[derive(Debug, Clone)]
pub struct HistoryStore {
    pub dir: PathBuf,
}

/// A conversation in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: String,
    pub title: String,
    /// Last activity, unix seconds (the file's modification time).
    pub modified: u64,
    pub messages: usize,
}

impl HistoryStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("conversations"),
        }
    }

    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// Creates the directory (0700) if needed.
    pub fn ensure_dir(&self) -> std::io::Result<()> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
    }

    pub fn load(&self, id: &str) -> std::io::Result<(Conversation, LoadReport)> {
        let bytes = std::fs::read(self.path(id))?;
        // A torn write can split a UTF-8 sequence; lossy keeps every other line.
        let (mut conv, report) = replay(&String::from_utf8_lossy(&bytes));
        if conv.id.is_empty() {
            conv.id = id.to_string();
        }
        Ok((conv, report))
    }

    /// The conversation that was open last, if it still exists.
    pub fn last(&self) -> Option<String> {
        let id = std::fs::read_to_string(self.dir.join("last")).ok()?;
        let id = id.trim().to_string();
        (valid_id(&id) && self.path(&id).is_file()).then_some(id)
    }

    pub fn set_last(&self, id: &str) -> std::io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        self.ensure_dir()?;
        std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .open(self.dir.join("last"))?
            .write_all(id.as_bytes())
    }

    /// Every conversation, most recent activity first.
    pub fn list(&self) -> Vec<Summary> {
        let mut out: Vec<(std::time::SystemTime, Summary)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let id = name.strip_suffix(".jsonl")?.to_string();
                let mtime = e.metadata().ok()?.modified().ok()?;
                let modified = mtime.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
                let (conv, _) = self.load(&id).ok()?;
                Some((
                    mtime,
                    Summary {
                        title: title_of(&conv),
                        messages: conv.messages.len(),
                        id,
                        modified,
                    },
                ))
            })
            .collect();
        // By the full modification time, so activity within one second still orders.
        out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
        out.into_iter().map(|(_, s)| s).collect()
    }

    pub fn remove(&self, id: &str) -> std::io::Result<()> {
        if !valid_id(id) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a conversation id",
            ));
        }
        std::fs::remove_file(self.path(id))
    }

    /// Conversations whose text contains `query` (case-insensitive), with the first match.
    pub fn search(&self, query: &str) -> Vec<(Summary, String)> {
        let needle = query.to_lowercase();
        self.list()
            .into_iter()
            .filter_map(|s| {
                let (conv, _) = self.load(&s.id).ok()?;
                let hit = conv.messages.iter().find_map(|m| {
                    let lower = m.text.to_lowercase();
                    lower
                        .find(&needle)
                        .map(|at| excerpt(&m.text, &lower, at, needle.len()))
                })?;
                Some((s, hit))
            })
            .collect()
    }
}

/// Ids are made by keyturn: digits, dashes and lowercase hex; nothing that walks paths.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The title, else the first line of the first question.
pub fn title_of(conv: &Conversation) -> String {
    if !conv.title.trim().is_empty() {
        return conv.title.clone();
    }
    conv.messages
        .iter()
        .find(|m| m.role == Role::User)
        .map(|m| title_from_prompt(&m.text))
        .unwrap_or_else(|| "(empty)".into())
}

/// A title from a prompt: its first non-empty line, cut to 60 columns.
pub fn title_from_prompt(prompt: &str) -> String {
    let line = prompt
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    crate::text::wrap::truncate(&crate::text::sanitize::sanitize_line(line), 60)
}

fn excerpt(text: &str, lower: &str, at: usize, len: usize) -> String {
    // Work on the lowercased text's offsets only when they line up with the original's.
    let src = if lower.len() == text.len() {
        text
    } else {
        lower
    };
    let start = src[..at].char_indices().rev().nth(30).map_or(0, |(i, _)| i);
    let end = src[at + len..]
        .char_indices()
        .nth(30)
        .map_or(src.len(), |(i, _)| at + len + i);
    crate::text::sanitize::sanitize_line(&src[start..end].replace('\n', " "))
}

/// A new id: local date and time, then random hex (sorts by creation).
pub fn new_id(now: u64) -> String {
    let zoned =
        jiff::Timestamp::from_second(now as i64).map(|t| t.to_zoned(jiff::tz::TimeZone::system()));
    let stamp = zoned.map_or_else(
        |_| now.to_string(),
        |z| z.strftime("%Y%m%d-%H%M%S").to_string(),
    );
    format!("{stamp}-{:04x}", rand::random::<u16>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_rebuilds_turns_and_marks_a_cut_off_reply_incomplete() {
        let text = [
            r#"{"t":"meta","v":1,"id":"c1","created":1}"#,
            r#"{"t":"msg","n":0,"role":"user","text":"hi","at":1}"#,
            r#"{"t":"start","n":1,"at":2,"provider":"openai","model":"gpt","key_id":"k1"}"#,
            r#"{"t":"delta","n":1,"text":"Hel"}"#,
            r#"{"t":"delta","n":1,"text":"lo"}"#,
            r#"{"t":"end","n":1,"at":3,"state":"done","usage":{"input":3,"output":2}}"#,
            r#"{"t":"msg","n":2,"role":"user","text":"more","at":4}"#,
            r#"{"t":"start","n":3,"at":5,"provider":"anthropic","model":"claude"}"#,
            r#"{"t":"delta","n":3,"text":"partial"}"#,
            r#"{"t":"delta","n":3,"te"#,
        ]
        .join("\n");
        let (conv, report) = replay(&text);
        assert_eq!(conv.id, "c1");
        assert_eq!(conv.messages.len(), 4);
        assert_eq!(conv.messages[1].text, "Hello");
        assert_eq!(conv.messages[1].key_id.as_deref(), Some("k1"));
        assert_eq!(conv.messages[1].usage.unwrap().output_tokens, 2);
        assert_eq!(conv.messages[3].text, "partial");
        assert_eq!(conv.messages[3].provider, "anthropic");
        assert_eq!(conv.messages[3].state, TurnState::Cancelled);
        assert_eq!(conv.messages[3].notes, [INCOMPLETE_NOTE]);
        assert!(report.incomplete);
        assert_eq!(report.skipped_lines, [10]);
        assert!(
            report
                .describe("c1")
                .unwrap()
                .contains("skipped 1 damaged line (10)")
        );
    }

    #[test]
    fn truncate_takes_back_an_edited_turn() {
        let text = [
            r#"{"t":"msg","n":0,"role":"user","text":"a","at":1}"#,
            r#"{"t":"start","n":1,"at":2,"provider":"p","model":"m"}"#,
            r#"{"t":"end","n":1,"at":3,"state":"cancelled"}"#,
            "garbage that is not json",
            r#"{"t":"truncate","n":0}"#,
            r#"{"t":"msg","n":0,"role":"user","text":"b","at":4}"#,
        ]
        .join("\n");
        let (conv, report) = replay(&text);
        assert_eq!(conv.messages.len(), 1);
        assert_eq!(conv.messages[0].text, "b");
        assert_eq!(report.skipped_lines, [4]);
        assert!(!report.incomplete);
    }

    #[test]
    fn ids_cannot_walk_paths() {
        assert!(valid_id("20261123-210215-ab12"));
        assert!(!valid_id("../keys"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(""));
        assert!(valid_id(&new_id(1_790_000_000)));
    }
}
