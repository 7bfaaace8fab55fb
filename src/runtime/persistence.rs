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
use crate::runtime::history_worker::HistoryJob;
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
    history_jobs: std::sync::mpsc::Sender<HistoryJob>,
    /// What loading found worth telling the user.
    pub notes: Vec<String>,
}

impl Persistence {
    pub fn new(config: &Config, paths: &Paths, tx: mpsc::Sender<Msg>) -> Self {
        let store = HistoryStore::new(&paths.data_dir);
        let mut notes = Vec::new();
        let (prices, note) = PriceTable::load_or_shipped(&paths.config_dir.join("prices.toml"));
        notes.extend(note);
        let prices = Arc::new(prices);
        let history_jobs =
            super::history_worker::spawn(store.clone(), Ledger::new(&paths.data_dir), tx.clone());
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
            prices,
            ledger_jobs: jobs,
            history_jobs,
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
        // Saving continues once the model has numbered its messages (`adopt`).
        Some(conv)
    }

    /// The conversations pane's requests: listing and searching run off the UI thread.
    pub fn conversations(&mut self, effect: ConvEffect, tx: &mpsc::Sender<Msg>) {
        match effect {
            ConvEffect::List { req, query } => {
                let _ = self.history_jobs.send(HistoryJob::List { req, query });
            }
            ConvEffect::Open { id } => {
                let (store, tx) = (self.store.clone(), tx.clone());
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
                let _ = self.history_jobs.send(HistoryJob::Rename { id, title });
            }
            ConvEffect::Delete { id } => {
                let _ = self.history_jobs.send(HistoryJob::Delete { id });
            }
        }
    }

    /// A conversation the model switched to: saving continues in its file.
    pub fn adopt(&mut self, conv: &Conversation) {
        let synced = self.writer.resume_plan(conv);
        let _ = self.history_jobs.send(HistoryJob::Write(synced.ops));
        // Turns a crash cut off never reached the ledger: they count now, estimated.
        for turn in synced.ended {
            let record = record_for(&turn, crate::time::now(), &self.prices);
            let _ = self.ledger_jobs.send(LedgerJob::Append(Box::new(record)));
        }
    }

    /// Exports the conversation to Markdown, off the loop; the worker says where.
    pub fn export(&self, conv: Box<Conversation>) {
        let _ = self.history_jobs.send(HistoryJob::Export(conv));
    }

    /// The price table the ledger prices requests by.
    pub fn prices(&self) -> Arc<PriceTable> {
        self.prices.clone()
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

    /// Hands what changed to the history worker; returns messages for the model (the new
    /// conversation's id). Finished turns go to the ledger thread.
    pub fn after_batch(&mut self, conv: &Conversation) -> Vec<Msg> {
        let synced = self.writer.plan(conv);
        if !synced.ops.is_empty() {
            let _ = self.history_jobs.send(HistoryJob::Write(synced.ops));
        }
        for turn in synced.ended {
            let record = record_for(&turn, crate::time::now(), &self.prices);
            let _ = self.ledger_jobs.send(LedgerJob::Append(Box::new(record)));
        }
        let numbered = (!synced.numbered.is_empty()).then_some(Msg::Numbered(synced.numbered));
        synced
            .created
            .map(|id| Msg::Saved { id })
            .into_iter()
            .chain(numbered)
            .collect()
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
pub(super) fn list_items(store: &HistoryStore, query: &str) -> Vec<Item> {
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
