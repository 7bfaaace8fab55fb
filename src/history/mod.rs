//! Conversations on disk: one append-only JSON-lines file per conversation. A crash, kill -9
//! or power cut can damage at most the line being written; loading skips what it cannot read
//! and says so. A reply that was streaming when keyturn died loads as incomplete.

pub mod blobs;
pub mod checkpoint;
pub mod export;
pub mod files;
pub mod title;
pub mod writer;

mod record;
mod replay;
mod store;

pub use record::{INCOMPLETE_NOTE, LoadReport, Record, SavedUsage};
pub use replay::replay;
pub use store::{HistoryStore, ResolveError, Summary, new_id, valid_id};

use crate::chat::Conversation;
use crate::providers::Role;

/// The title, else the first line of the first question.
pub fn title_of(conv: &Conversation) -> String {
    // Titles are read back from files anyone could have edited: printed clean.
    if !conv.title.trim().is_empty() {
        return crate::text::sanitize::sanitize_name(&conv.title);
    }
    conv.messages
        .iter()
        .find(|m| m.role == Role::User)
        .map(|m| title_from_prompt(&m.text))
        .unwrap_or_else(|| "(empty)".into())
}

/// Titles, from the prompt or the model, are cut to this many columns.
pub const TITLE_COLUMNS: usize = 60;

/// A title from a prompt: its first non-empty line, cut to `TITLE_COLUMNS`.
pub fn title_from_prompt(prompt: &str) -> String {
    let line = prompt
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    crate::text::wrap::truncate(&crate::text::sanitize::sanitize_line(line), TITLE_COLUMNS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::TurnState;

    #[test]
    fn a_damaged_file_that_reuses_a_record_index_replays_without_a_panic() {
        // Found by the history_replay fuzz target: two messages under one index, a take-back,
        // then text for the taken-back one.
        let data = include_bytes!("../../tests/fixtures/replay_stale_index.bin");
        let text = String::from_utf8_lossy(data);
        let (conv, report) = replay(&text);
        assert!(conv.messages.len() <= text.lines().count());
        assert!(report.skipped_lines.len() <= text.lines().count());
    }

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
    fn a_huge_message_index_costs_only_its_own_line() {
        let text = [
            r#"{"t":"msg","n":0,"role":"user","text":"kept","at":1}"#,
            r#"{"t":"msg","n":18446744073709551615,"role":"user","text":"x","at":1}"#,
            r#"{"t":"start","n":1000000000000,"at":2,"provider":"p","model":"m"}"#,
            r#"{"t":"delta","n":1000000000000,"text":"x"}"#,
            r#"{"t":"truncate","n":18446744073709551615}"#,
            r#"{"t":"msg","n":1,"role":"user","text":"also kept","at":1}"#,
        ]
        .join("\n");
        let (conv, report) = replay(&text);
        let texts: Vec<&str> = conv.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["kept", "also kept"]);
        assert_eq!(report.skipped_lines, [2, 3, 4, 5]);
    }

    #[test]
    fn the_incomplete_mark_survives_later_starts() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::new(dir.path());
        store.ensure_dir().unwrap();
        let text = [
            r#"{"t":"meta","v":1,"id":"20261129-000000-aaaa","created":1}"#,
            r#"{"t":"msg","n":0,"role":"user","text":"q","at":1}"#,
            r#"{"t":"start","n":1,"at":2,"provider":"p","model":"m"}"#,
            r#"{"t":"delta","n":1,"text":"cut"}"#,
        ]
        .join("\n");
        let id = "20261129-000000-aaaa";
        std::fs::write(store.path(id), text + "\n").unwrap();
        for _ in 0..3 {
            // Each start resumes the conversation (which writes the turn's end) and loads it.
            let (conv, _) = store.load(id).unwrap();
            assert_eq!(conv.messages[1].notes, [INCOMPLETE_NOTE]);
            let mut w = writer::HistoryWriter::new(store.clone());
            w.resume(&conv).unwrap();
        }
        // The end was written once, by the first start.
        let file = std::fs::read_to_string(store.path(id)).unwrap();
        assert_eq!(file.matches(r#""t":"end""#).count(), 1, "{file}");
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
