//! The history worker: one thread does every write to conversation files (the open
//! conversation's appends, renames, deletes and exports) in order, off the event loop, and
//! tells the model what failed.

use tokio::sync::mpsc;

use crate::app::{Conversation, Msg, Notice};
use crate::history::HistoryStore;
use crate::history::writer::{FileWork, WriteOp};
use crate::usage::Ledger;

/// Work for the history worker.
pub enum HistoryJob {
    /// The open conversation's changes, as the writer planned them.
    Write(Vec<WriteOp>),
    /// List (or search) saved conversations: after the renames and deletes before it.
    List {
        req: u64,
        query: String,
    },
    Rename {
        id: String,
        title: String,
    },
    Delete {
        id: String,
    },
    /// Write the conversation as Markdown under `data/exports/`.
    Export(Box<Conversation>),
}

/// Starts the worker; jobs sent on the returned channel are done in order.
pub fn spawn(
    store: HistoryStore,
    ledger: Ledger,
    tx: mpsc::Sender<Msg>,
) -> std::sync::mpsc::Sender<HistoryJob> {
    let (jobs, queue) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("keyturn-history".into())
        .spawn(move || run(store, ledger, queue, tx))
        .ok();
    jobs
}

fn run(
    store: HistoryStore,
    ledger: Ledger,
    queue: std::sync::mpsc::Receiver<HistoryJob>,
    tx: mpsc::Sender<Msg>,
) {
    let tell = |notice: Notice| {
        let _ = tx.blocking_send(Msg::Notice(notice));
    };
    let mut files = FileWork::new(store.clone());
    // Say a save failure once, not for every batch of tokens; again after a success.
    let mut failing = false;
    while let Ok(job) = queue.recv() {
        match job {
            HistoryJob::Write(ops) => match ops.iter().try_for_each(|op| files.apply(op)) {
                Ok(()) => failing = false,
                Err(e) if !failing => {
                    failing = true;
                    tell(Notice::error(format!(
                        "Could not save the conversation in {}: {e}. What is on screen stays; \
                         free some space or fix the permissions and keyturn saves again.",
                        store.dir.display()
                    )));
                }
                Err(_) => {}
            },
            HistoryJob::Rename { id, title } => {
                if let Err(e) = store.rename(&id, title) {
                    tell(Notice::error(format!("Could not rename {id}: {e}")));
                }
            }
            HistoryJob::List { req, query } => {
                let items = super::persistence::list_items(&store, &query);
                let _ = tx.blocking_send(Msg::ConversationList { req, items });
            }
            HistoryJob::Delete { id } => tell(match store.remove(&id) {
                Ok(()) => Notice::info(format!("Deleted conversation {id}.")),
                Err(e) => Notice::error(format!("Could not delete conversation {id}: {e}")),
            }),
            HistoryJob::Export(conv) => tell(match export(&store, &ledger, &conv) {
                Ok(path) => {
                    Notice::info(format!("Exported the conversation to {}", path.display()))
                }
                Err(e) => Notice::error(format!("Could not export the conversation: {e}")),
            }),
        }
    }
}

/// Writes the conversation as Markdown under `data/exports/` (0600); returns the path.
fn export(
    store: &HistoryStore,
    ledger: &Ledger,
    conv: &Conversation,
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = store.dir.with_file_name("exports");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    let name = if conv.id.is_empty() {
        crate::history::new_id(crate::time::now())
    } else {
        conv.id.clone()
    };
    let path = dir.join(format!("{name}.md"));
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?
        .write_all(
            crate::history::export::to_markdown(conv, &ledger.for_conversation(&conv.id))
                .as_bytes(),
        )?;
    Ok(path)
}
