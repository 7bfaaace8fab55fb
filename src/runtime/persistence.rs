//! The runtime's side of history and usage: after each batch of messages the conversation
//! file is brought up to date, finished turns go into the usage ledger, and the period's
//! spend goes back to the model for the budget check and the status bar.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::conversation_list::{ConvEffect, Item};
use crate::app::{Conversation, Msg, Notice};
use crate::config::{Config, Paths};
use crate::history::HistoryStore;
use crate::history::writer::HistoryWriter;
use crate::runtime::effects::post;
use crate::usage::budget::{Spend, spend_now};
use crate::usage::prices::PriceTable;
use crate::usage::{Ledger, LedgerRecord, record_for};

/// Work for the ledger thread, done in order so the spend it reports is always exact.
enum LedgerJob {
    Load,
    Append(Box<LedgerRecord>),
    /// A request outside the conversation (a title): counted, but not "this turn's cost".
    AppendSide(Box<LedgerRecord>),
}

pub struct Persistence {
    pub store: HistoryStore,
    writer: HistoryWriter,
    prices: Arc<PriceTable>,
    ledger_jobs: std::sync::mpsc::Sender<LedgerJob>,
    /// A save error was already reported (say it once, not per token).
    reported: bool,
    /// What loading found worth telling the user.
    pub notes: Vec<String>,
}

impl Persistence {
    pub fn new(config: &Config, paths: &Paths, tx: mpsc::Sender<Msg>) -> Self {
        let store = HistoryStore::new(&paths.data_dir);
        let mut notes = Vec::new();
        let prices = PriceTable::load(&paths.config_dir.join("prices.toml")).unwrap_or_else(|e| {
            notes.push(format!(
                "Could not use your price list ({e}); using the built-in one."
            ));
            PriceTable::parse(crate::usage::prices::SHIPPED).unwrap_or_default()
        });
        let (jobs, queue) = std::sync::mpsc::channel();
        let ledger = Ledger::new(&paths.data_dir);
        let reset_day = config.budget.reset_day;
        std::thread::Builder::new()
            .name("keyturn-ledger".into())
            .spawn(move || ledger_thread(ledger, reset_day, queue, tx))
            .ok();
        Self {
            writer: HistoryWriter::new(store.clone()),
            store,
            prices: Arc::new(prices),
            ledger_jobs: jobs,
            reported: false,
            notes,
        }
    }

    /// The last conversation, to continue it; damage is noted, never fatal.
    pub fn resume_last(&mut self) -> Option<Conversation> {
        let id = self.store.last()?;
        let (conv, report) = match self.store.load(&id) {
            Ok(x) => x,
            Err(e) => {
                self.notes
                    .push(format!("Could not open the last conversation: {e}."));
                return None;
            }
        };
        if let Some(d) = report.describe(&format!("conversation {id}")) {
            self.notes.push(format!("{d}."));
        }
        if let Err(e) = self.writer.resume(&conv) {
            self.notes.push(format!(
                "Could not continue saving the last conversation: {e}."
            ));
        }
        Some(conv)
    }

    /// The conversations pane's requests: listing and searching run off the UI thread.
    pub fn conversations(&mut self, effect: ConvEffect, tx: &mpsc::Sender<Msg>) {
        let store = self.store.clone();
        let tx = tx.clone();
        match effect {
            ConvEffect::List { req, query } => {
                tokio::task::spawn_blocking(move || {
                    let items = list_items(&store, &query);
                    let _ = tx.blocking_send(Msg::ConversationList { req, items });
                });
            }
            ConvEffect::Open { id } => {
                tokio::task::spawn_blocking(move || {
                    let msg = match store.load(&id) {
                        Ok((conv, report)) => Msg::Opened {
                            note: report.describe(&format!("conversation {id}")),
                            conversation: Box::new(conv),
                        },
                        Err(e) => Msg::Notice(Notice::error(format!(
                            "Could not open conversation {id}: {e}"
                        ))),
                    };
                    let _ = tx.blocking_send(msg);
                });
            }
            ConvEffect::Rename { id, title } => {
                let result = append_record(&store, &id, &crate::history::Record::Title { title });
                if let Err(e) = result {
                    post(
                        &tx,
                        Msg::Notice(Notice::error(format!("Could not rename {id}: {e}"))),
                    );
                }
            }
            ConvEffect::Delete { id } => {
                let notice = match store.remove(&id) {
                    Ok(()) => Notice::info(format!("Deleted conversation {id}.")),
                    Err(e) => Notice::error(format!("Could not delete conversation {id}: {e}")),
                };
                post(&tx, Msg::Notice(notice));
            }
        }
    }

    /// A conversation the model is about to switch to: saving continues in its file.
    pub fn adopt(&mut self, conv: &Conversation) {
        if let Err(e) = self.writer.resume(conv) {
            self.notes
                .push(format!("Could not continue saving {}: {e}", conv.id));
        }
    }

    /// Writes the conversation as Markdown under `data/exports/` (0600); returns the path.
    pub fn export(&self, conv: &Conversation) -> std::io::Result<std::path::PathBuf> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let dir = self.store.dir.with_file_name("exports");
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
            .write_all(crate::history::export::to_markdown(conv, &self.prices).as_bytes())?;
        Ok(path)
    }

    /// A handle that puts requests made outside a conversation (titles) into the ledger.
    pub fn usage_recorder(&self) -> UsageRecorder {
        UsageRecorder {
            jobs: self.ledger_jobs.clone(),
            prices: self.prices.clone(),
        }
    }

    /// Reads this period's spend in the background (start-up never waits for the ledger).
    pub fn load_spend(&self) {
        let _ = self.ledger_jobs.send(LedgerJob::Load);
    }

    /// Saves what changed; returns messages for the model (the new id, spend, errors).
    pub fn after_batch(&mut self, conv: &Conversation) -> Vec<Msg> {
        let mut out = Vec::new();
        match self.writer.sync(conv) {
            Ok(synced) => {
                if let Some(id) = synced.created {
                    out.push(Msg::Saved { id });
                }
                for turn in synced.ended {
                    let record = record_for(&turn, crate::time::now(), &self.prices);
                    let _ = self.ledger_jobs.send(LedgerJob::Append(Box::new(record)));
                }
            }
            Err(e) if !self.reported => {
                self.reported = true;
                out.push(Msg::Notice(Notice::error(format!(
                    "Could not save the conversation in {}: {e}",
                    self.store.dir.display()
                ))));
            }
            Err(_) => {}
        }
        out
    }
}

/// Records requests from any thread through the ledger thread, priced like turns.
pub struct UsageRecorder {
    jobs: std::sync::mpsc::Sender<LedgerJob>,
    prices: Arc<PriceTable>,
}

impl UsageRecorder {
    pub fn record(&self, turn: &crate::chat::TurnEnded) {
        let record = record_for(turn, crate::time::now(), &self.prices);
        let _ = self.jobs.send(LedgerJob::AppendSide(Box::new(record)));
    }
}

/// Owns the ledger and the period's spend: appends (fsynced) and reloads happen here, off the
/// UI thread and in order; each reports the spend back to the model.
fn ledger_thread(
    ledger: Ledger,
    reset_day: u8,
    queue: std::sync::mpsc::Receiver<LedgerJob>,
    tx: mpsc::Sender<Msg>,
) {
    let tz = jiff::tz::TimeZone::system();
    let mut spend: Option<(Spend, jiff::Zoned)> = None;
    while let Ok(job) = queue.recv() {
        let now = crate::time::now_local();
        // A new period began since the last read: start from the ledger again.
        let stale = spend.as_ref().is_none_or(|(_, end)| now >= *end);
        let mut current = if stale {
            let (_, end) = crate::usage::budget::period(&now, reset_day);
            let mut fresh = spend_now(&ledger, &now, reset_day);
            for (file, lines) in std::mem::take(&mut fresh.skipped) {
                let _ = tx.blocking_send(Msg::Notice(Notice::error(format!(
                    "Could not read {} damaged line(s) of {file} (skipped; the rest counts)",
                    lines.len()
                ))));
            }
            (fresh, end)
        } else {
            spend
                .take()
                .unwrap_or_else(|| (Spend::default(), now.clone()))
        };
        let (record, turn) = match job {
            LedgerJob::Load => (None, false),
            LedgerJob::Append(r) => (Some(r), true),
            LedgerJob::AppendSide(r) => (Some(r), false),
        };
        if let Some(record) = record {
            if let Err(e) = ledger.append(&record, &tz) {
                let _ = tx.blocking_send(Msg::Notice(Notice::error(format!(
                    "Could not record usage in {}: {e}",
                    ledger.dir.display()
                ))));
            }
            current.0.add(&record);
            if turn {
                current.0.last_cost = record.cost_usd;
            }
        }
        let _ = tx.blocking_send(Msg::Spend(current.0.clone()));
        spend = Some(current);
    }
}

/// The pane's rows: every conversation, or those whose title or text contains `query`.
fn list_items(store: &HistoryStore, query: &str) -> Vec<Item> {
    if query.trim().is_empty() {
        return store
            .list()
            .into_iter()
            .map(|summary| Item {
                summary,
                excerpt: None,
            })
            .collect();
    }
    let needle = query.to_lowercase();
    let mut items: Vec<Item> = store
        .search(query)
        .into_iter()
        .map(|(summary, excerpt)| Item {
            summary,
            excerpt: Some(excerpt),
        })
        .collect();
    for summary in store.list() {
        if summary.title.to_lowercase().contains(&needle)
            && !items.iter().any(|i| i.summary.id == summary.id)
        {
            items.push(Item {
                summary,
                excerpt: None,
            });
        }
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.summary.modified));
    items
}

fn append_record(
    store: &HistoryStore,
    id: &str,
    record: &crate::history::Record,
) -> std::io::Result<()> {
    use std::io::Write;
    if !crate::history::valid_id(id) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a conversation id",
        ));
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(store.path(id))?;
    let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_data()
}
