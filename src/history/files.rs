//! File work for conversation files, planned by the writer and carried out by whoever holds
//! the [`FileWork`]: the runtime's history worker, or the caller at once.

use std::fs::File;
use std::io::Write;

use super::HistoryStore;

/// File work, in the order it must happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Append these lines to the conversation's file (made 0600, in a 0700 directory, when
    /// new); fsync them when `sync` (a turn boundary).
    Append {
        id: String,
        lines: String,
        sync: bool,
    },
    /// Remember the conversation as the last one open.
    SetLast(String),
    /// Keep an attachment's bytes (before the line that names it).
    Blob(crate::chat::Attachment),
}

/// Carries out [`WriteOp`]s, keeping the last file open between appends.
pub struct FileWork {
    store: HistoryStore,
    open: Option<(String, File)>,
}

impl FileWork {
    pub fn new(store: HistoryStore) -> Self {
        Self { store, open: None }
    }

    pub fn apply(&mut self, op: &WriteOp) -> std::io::Result<()> {
        match op {
            WriteOp::Append { id, lines, sync } => {
                if self.open.as_ref().is_none_or(|(open, _)| open != id) {
                    self.open = None;
                    self.store.ensure_dir()?;
                    self.open = Some((id.clone(), open_append(&self.store.path(id))?));
                }
                if let Some((_, file)) = self.open.as_mut() {
                    file.write_all(lines.as_bytes())?;
                    if *sync {
                        file.sync_data()?;
                    }
                }
                Ok(())
            }
            WriteOp::SetLast(id) => self.store.set_last(id),
            WriteOp::Blob(a) => super::blobs::write(&super::blobs::dir(&self.store.dir), a),
        }
    }
}

fn open_append(path: &std::path::Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}
