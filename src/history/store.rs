//! The conversations directory: one file per conversation (0600 in a 0700 directory), the
//! last one opened, listing, search and removal.

use std::path::{Path, PathBuf};

use super::record::LoadReport;
use super::replay::replay;
use super::title_of;
use crate::chat::Conversation;

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
        self.read_attachments(&mut conv);
        Ok((conv, report))
    }

    /// Fills each attachment's bytes from `data/attachments/`; one that cannot be read
    /// is left out of the message, with a note saying which and why.
    fn read_attachments(&self, conv: &mut Conversation) {
        let dir = super::blobs::dir(&self.dir);
        for m in &mut conv.messages {
            let mut notes = Vec::new();
            m.attachments.retain_mut(|a| match super::blobs::read(&dir, &a.sha256) {
                Ok(bytes) => {
                    a.data = bytes.into();
                    true
                }
                Err(why) => {
                    notes.push(format!(
                        "attachment {} is missing from history ({why}); requests send the message without it",
                        crate::text::sanitize::sanitize_line(&a.name)
                    ));
                    false
                }
            });
            m.notes.extend(notes);
        }
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

    /// Every conversation file's id and modification time, most recent activity first (by
    /// the full time, so activity within one second still orders). No file is read.
    fn by_activity(&self) -> Vec<(std::time::SystemTime, String)> {
        let mut out: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let id = name
                    .strip_suffix(".jsonl")
                    .filter(|id| valid_id(id))?
                    .to_string();
                Some((e.metadata().ok()?.modified().ok()?, id))
            })
            .collect();
        out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        out
    }

    /// Ids of every conversation, most recent activity first (no file is read).
    pub fn ids_by_activity(&self) -> Vec<String> {
        self.by_activity().into_iter().map(|(_, id)| id).collect()
    }

    /// The conversation a user means: `last` (the most recently active), a whole id, or a
    /// prefix of exactly one id.
    pub fn resolve(&self, spec: &str) -> Result<String, ResolveError> {
        let ids = self.ids_by_activity();
        if spec == "last" {
            return ids.into_iter().next().ok_or(ResolveError::NoneSaved);
        }
        if spec.is_empty() || !valid_id(spec) {
            return Err(ResolveError::NotFound(spec.into()));
        }
        if ids.iter().any(|id| id == spec) {
            return Ok(spec.to_string());
        }
        let mut matches: Vec<String> = ids.into_iter().filter(|id| id.starts_with(spec)).collect();
        match matches.len() {
            0 => Err(ResolveError::NotFound(spec.into())),
            1 => Ok(matches.remove(0)),
            n => {
                matches.truncate(4);
                if n > 4 {
                    matches.push("…".into());
                }
                Err(ResolveError::Ambiguous {
                    spec: spec.into(),
                    count: n,
                    some: matches.join(", "),
                })
            }
        }
    }

    /// Every conversation, most recent activity first.
    pub fn list(&self) -> Vec<Summary> {
        self.by_activity()
            .into_iter()
            .filter_map(|(mtime, id)| {
                let modified = mtime.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
                let (conv, _) = self.load(&id).ok()?;
                Some(Summary {
                    title: title_of(&conv),
                    messages: conv.messages.len(),
                    id,
                    modified,
                })
            })
            .collect()
    }

    pub fn remove(&self, id: &str) -> std::io::Result<()> {
        if !valid_id(id) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a conversation id",
            ));
        }
        let text = std::fs::read_to_string(self.path(id)).unwrap_or_default();
        std::fs::remove_file(self.path(id))?;
        self.remove_unused_blobs(&text);
        Ok(())
    }

    /// After a conversation is deleted: the attachments its file named that no other
    /// conversation names go too.
    fn remove_unused_blobs(&self, removed: &str) {
        let dir = super::blobs::dir(&self.dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let named: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|sha| removed.contains(&format!("\"sha256\":\"{sha}\"")))
            .collect();
        if named.is_empty() {
            return;
        }
        let others: Vec<String> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        for sha in named {
            if !others.iter().any(|t| t.contains(&sha)) {
                let _ = std::fs::remove_file(dir.join(&sha));
            }
        }
    }

    /// Renames a saved conversation: a `title` record appended to its file, synced.
    pub fn rename(&self, id: &str, title: String) -> std::io::Result<()> {
        use std::io::Write;
        if !valid_id(id) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a conversation id",
            ));
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.path(id))?;
        let line = serde_json::to_string(&super::Record::Title { title })
            .map_err(std::io::Error::other)?;
        f.write_all(format!("{line}\n").as_bytes())?;
        f.sync_data()
    }

    /// Conversations whose text contains `query` (case-insensitive), with the first match.
    pub fn search(&self, query: &str) -> Vec<(Summary, String)> {
        let needle = query.to_lowercase();
        self.list()
            .into_iter()
            .filter_map(|s| {
                let (conv, _) = self.load(&s.id).ok()?;
                // Every branch: a match on one not shown still finds the conversation.
                let hit = conv.messages.iter().chain(&conv.parked).find_map(|m| {
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

/// Why a conversation named on the command line could not be found.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("no saved conversations yet")]
    NoneSaved,
    #[error("no conversation {0:?}; `keyturn history list` shows them")]
    NotFound(String),
    #[error("{spec:?} matches {count} conversations ({some}); give more of the id")]
    Ambiguous {
        spec: String,
        count: usize,
        some: String,
    },
}

/// Ids are made by keyturn: digits, dashes and lowercase hex; nothing that walks paths.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
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
    fn resolve_takes_last_a_whole_id_or_a_unique_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::new(dir.path());
        assert_eq!(store.resolve("last"), Err(ResolveError::NoneSaved));
        store.ensure_dir().unwrap();
        let old = "20261101-090000-aaaa";
        let new = "20261128-100000-bbbb";
        for (i, id) in [old, new].into_iter().enumerate() {
            let f = std::fs::File::create(store.path(id)).unwrap();
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i as u64);
            f.set_modified(t).unwrap();
        }
        assert_eq!(store.resolve("last").unwrap(), new);
        assert_eq!(store.resolve(old).unwrap(), old);
        assert_eq!(
            store.resolve("202611011").unwrap_err(),
            ResolveError::NotFound("202611011".into())
        );
        assert_eq!(store.resolve("20261101").unwrap(), old);
        let Err(ResolveError::Ambiguous { count: 2, .. }) = store.resolve("2026") else {
            panic!("two ids start with 2026");
        };
        assert!(matches!(
            store.resolve("../keys"),
            Err(ResolveError::NotFound(_))
        ));
        assert!(matches!(store.resolve(""), Err(ResolveError::NotFound(_))));
    }
}
