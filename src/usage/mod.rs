//! The usage ledger: one JSON line per request in a file per calendar month
//! (`data/usage/2026-11.jsonl`), append-only and fsynced, so a month's spend is one small
//! file to read and a damaged line costs only itself.

pub mod budget;
mod month;
pub mod prices;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::chat::TurnEnded;
use crate::chat::money::Usd;
pub use month::Month;
use prices::PriceTable;

/// Where a record's cost came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The provider said what it cost (OpenRouter).
    Provider,
    /// Tokens times the price table.
    Table,
    /// The model is not in the price table.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRecord {
    /// Unix seconds.
    pub at: u64,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub model: String,
    pub input: u64,
    pub output: u64,
    #[serde(default)]
    pub reasoning: u64,
    #[serde(default)]
    pub cached: u64,
    /// Prompt tokens written to the provider's cache (part of `input`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cache_write: u64,
    /// What prompt caching saved on this request at the price table's rates (negative when
    /// cache writes cost more); None when the model is not priced or nothing was cached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_saved_usd: Option<Usd>,
    /// The provider reported no usage: the token counts are estimates (4 characters a token).
    #[serde(default)]
    pub estimated: bool,
    pub cost_usd: Option<Usd>,
    pub cost_source: CostSource,
    /// The conversation this request belongs to (its id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// The reply's number in that conversation's file (its branch: `history tree`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<usize>,
}

/// More than this for one request is a provider's mistake (or a hostile one), not a price.
const MOST_ONE_REQUEST_COSTS: Usd = Usd::from_nanos(1_000 * 1_000_000_000);

/// The record for a finished turn: the provider's numbers where it gave them.
pub fn record_for(turn: &TurnEnded, at: u64, prices: &PriceTable) -> LedgerRecord {
    let (input, output, reasoning, cached, cache_write, estimated, provider_cost) = match turn.usage
    {
        Some(u) => (
            u.input_tokens,
            u.output_tokens,
            u.reasoning_tokens,
            u.cached_tokens,
            u.cache_write_tokens,
            false,
            u.cost_usd,
        ),
        None => (
            (turn.prompt_chars as u64).div_ceil(4),
            (turn.reply_chars as u64).div_ceil(4),
            0,
            0,
            0,
            true,
            None,
        ),
    };
    let price = prices.find(&turn.provider, &turn.model);
    // A provider's own figure is trusted only when it is a plausible price of one request.
    let provider_cost = provider_cost.filter(|c| *c >= Usd::ZERO && *c <= MOST_ONE_REQUEST_COSTS);
    let (cost_usd, cost_source) = match provider_cost {
        Some(c) => (Some(c), CostSource::Provider),
        None => match price {
            Some(p) => (
                Some(p.cost_with_writes(input, cached, cache_write, output)),
                CostSource::Table,
            ),
            None => (None, CostSource::Unknown),
        },
    };
    let cache_saved_usd = price
        .filter(|_| cached + cache_write > 0)
        .map(|p| p.cache_saved(cached, cache_write));
    LedgerRecord {
        at,
        provider: turn.provider.clone(),
        key_id: turn.key_id.clone(),
        model: turn.model.clone(),
        input,
        output,
        reasoning,
        cached,
        cache_write,
        cache_saved_usd,
        estimated,
        cost_usd,
        cost_source,
        conversation: turn.conversation.clone(),
        message: turn.message,
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The file is not empty and its last byte is not a newline.
fn ends_without_newline(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[derive(Debug, Clone)]
pub struct Ledger {
    pub dir: PathBuf,
}

impl Ledger {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("usage"),
        }
    }

    pub fn file(&self, month: Month) -> PathBuf {
        self.dir.join(format!("{month}.jsonl"))
    }

    /// Appends one record to its month's file and fsyncs it.
    pub fn append(&self, record: &LedgerRecord, tz: &jiff::tz::TimeZone) -> std::io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .mode(0o600)
            .open(self.file(Month::of(record.at, tz)))?;
        let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        // A last line torn by a crash (no newline) must not swallow this record: start a
        // fresh line. The torn one stays a damaged line that costs only itself.
        let torn = ends_without_newline(&mut f)?;
        let text = if torn {
            format!("\n{line}\n")
        } else {
            format!("{line}\n")
        };
        f.write_all(text.as_bytes())?;
        f.sync_data()
    }

    /// Every record made for one conversation, oldest first, from every month on file.
    pub fn for_conversation(&self, id: &str) -> Vec<LedgerRecord> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut months: Vec<Month> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name();
                Month::parse(name.to_str()?.strip_suffix(".jsonl")?)
            })
            .collect();
        months.sort();
        months
            .into_iter()
            .flat_map(|m| self.read(m).0)
            .filter(|r| r.conversation.as_deref() == Some(id))
            .collect()
    }

    /// A month's records, and the numbers of lines that could not be read.
    pub fn read(&self, month: Month) -> (Vec<LedgerRecord>, Vec<usize>) {
        let bytes = std::fs::read(self.file(month)).unwrap_or_default();
        parse_ledger(&String::from_utf8_lossy(&bytes))
    }
}

/// A ledger file's records, and the numbers of the lines that could not be read.
pub fn parse_ledger(text: &str) -> (Vec<LedgerRecord>, Vec<usize>) {
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(r) => records.push(r),
            Err(_) => skipped.push(i + 1),
        }
    }
    (records, skipped)
}

/// How records are grouped in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Provider,
    Key,
    Model,
    Day,
}

/// One row of a usage report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub group: String,
    pub requests: u64,
    pub input: u64,
    pub output: u64,
    pub reasoning: u64,
    pub cached: u64,
    pub cache_write: u64,
    /// What prompt caching saved, summed over the requests whose saving is known.
    pub cache_saved: Usd,
    /// Requests that used the cache but whose saving is unknown (model not priced).
    pub cache_unpriced: u64,
    /// Sum of known costs.
    pub cost_usd: Usd,
    /// Requests whose cost is unknown (model not priced).
    pub unpriced: u64,
    /// Requests with estimated token counts.
    pub estimated: u64,
}

impl Row {
    /// The row for scripts. `cost_usd` is the row's whole cost, or null when any request in
    /// it has no price (a script summing it must not count unpriced requests as free);
    /// `cost_usd_known` is what the priced requests cost and `unpriced` how many were not.
    pub fn to_json(&self) -> serde_json::Value {
        let known = self.cost_usd.dollars();
        serde_json::json!({
            "group": self.group,
            "requests": self.requests,
            "input": self.input,
            "output": self.output,
            "reasoning": self.reasoning,
            "cached": self.cached,
            "cache_write": self.cache_write,
            // What caching saved: null when a request that used the cache has no price.
            "cache_saved_usd": (self.cache_unpriced == 0).then_some(self.cache_saved.dollars()),
            "cost_usd": (self.unpriced == 0).then_some(known),
            "cost_usd_known": (self.unpriced < self.requests).then_some(known),
            "cost_complete": self.unpriced == 0,
            "unpriced": self.unpriced,
            "estimated": self.estimated,
        })
    }

    /// The cost as shown: "?" when no request of the row has a price (never "0.0000").
    pub fn cost_figure(&self) -> String {
        if self.unpriced > 0 && self.unpriced == self.requests {
            "?".into()
        } else {
            self.cost_usd.to_string()
        }
    }

    /// What prompt caching did for the row, in a sentence; None when nothing was cached.
    /// "Reasoning: 1,234 of the 5,678 output tokens (priced as output)." when any.
    pub fn reasoning_note(&self) -> Option<String> {
        (self.reasoning > 0).then(|| {
            format!(
                "Reasoning: {} of the {} output tokens (priced as output).",
                self.reasoning, self.output
            )
        })
    }

    pub fn cache_note(&self) -> Option<String> {
        if self.cached == 0 && self.cache_write == 0 {
            return None;
        }
        let tokens = if self.cache_write > 0 {
            format!(
                "{} prompt tokens read from the cache, {} written to it",
                self.cached, self.cache_write
            )
        } else {
            format!("{} prompt tokens read from the cache", self.cached)
        };
        let saved = self.cache_saved;
        let figure = if saved < Usd::ZERO {
            format!(
                "cost ${} more (writes not read back yet)",
                Usd::ZERO - saved
            )
        } else {
            format!("saved ${saved}")
        };
        Some(match self.cache_unpriced {
            0 => format!("Prompt caching {figure}: {tokens}."),
            n if n == self.requests => {
                format!("Prompt caching: {tokens}; what it saved is unknown (no price).")
            }
            n => format!(
                "Prompt caching {figure} on priced models ({n} request(s) unpriced): {tokens}."
            ),
        })
    }

    /// "+" when some requests of a priced row have no price: the figure is a lower bound.
    pub fn cost_mark(&self) -> &'static str {
        if self.unpriced > 0 && self.unpriced < self.requests {
            "+"
        } else {
            ""
        }
    }
}

/// The rows added up, as a row named "total".
pub fn total(rows: &[Row]) -> Row {
    let mut total = Row {
        group: "total".into(),
        ..Row::default()
    };
    for r in rows {
        total.requests = total.requests.saturating_add(r.requests);
        total.input = total.input.saturating_add(r.input);
        total.output = total.output.saturating_add(r.output);
        total.reasoning = total.reasoning.saturating_add(r.reasoning);
        total.cached = total.cached.saturating_add(r.cached);
        total.cache_write = total.cache_write.saturating_add(r.cache_write);
        total.cache_saved += r.cache_saved;
        total.cache_unpriced = total.cache_unpriced.saturating_add(r.cache_unpriced);
        total.cost_usd += r.cost_usd;
        total.unpriced = total.unpriced.saturating_add(r.unpriced);
        total.estimated = total.estimated.saturating_add(r.estimated);
    }
    total
}

pub fn report(records: &[LedgerRecord], by: GroupBy, tz: &jiff::tz::TimeZone) -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for r in records {
        let group = match by {
            GroupBy::Provider => r.provider.clone(),
            GroupBy::Key => r
                .key_id
                .clone()
                .unwrap_or_else(|| format!("{} (no stored key)", r.provider)),
            GroupBy::Model => format!("{} {}", r.provider, r.model),
            GroupBy::Day => jiff::Timestamp::from_second(r.at as i64)
                .map(|t| t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        };
        // Ids come from providers and files: every report (CLI, TUI, JSON) shows them clean.
        let row = rows.entry(group).or_insert_with_key(|raw| Row {
            group: crate::text::sanitize::sanitize_name(raw),
            ..Default::default()
        });
        row.requests = row.requests.saturating_add(1);
        row.input = row.input.saturating_add(r.input);
        row.output = row.output.saturating_add(r.output);
        row.reasoning = row.reasoning.saturating_add(r.reasoning);
        row.cached = row.cached.saturating_add(r.cached);
        row.cache_write = row.cache_write.saturating_add(r.cache_write);
        match r.cache_saved_usd {
            Some(saved) => row.cache_saved += saved,
            None if r.cached + r.cache_write > 0 => {
                row.cache_unpriced = row.cache_unpriced.saturating_add(1);
            }
            None => {}
        }
        match r.cost_usd {
            Some(c) => row.cost_usd += c,
            None => row.unpriced = row.unpriced.saturating_add(1),
        }
        row.estimated = row.estimated.saturating_add(u64::from(r.estimated));
    }
    rows.into_values().collect()
}

#[cfg(test)]
mod tests;
