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
    /// The provider reported no usage: the token counts are estimates (4 characters a token).
    #[serde(default)]
    pub estimated: bool,
    pub cost_usd: Option<Usd>,
    pub cost_source: CostSource,
    /// The conversation this request belongs to (its id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
}

/// The record for a finished turn: the provider's numbers where it gave them.
pub fn record_for(turn: &TurnEnded, at: u64, prices: &PriceTable) -> LedgerRecord {
    let (input, output, reasoning, cached, estimated, provider_cost) = match turn.usage {
        Some(u) => (
            u.input_tokens,
            u.output_tokens,
            u.reasoning_tokens,
            u.cached_tokens,
            false,
            u.cost_usd,
        ),
        None => (
            (turn.prompt_chars as u64).div_ceil(4),
            (turn.reply_chars as u64).div_ceil(4),
            0,
            0,
            true,
            None,
        ),
    };
    let (cost_usd, cost_source) = match provider_cost {
        Some(c) => (Some(c), CostSource::Provider),
        None => match prices.find(&turn.provider, &turn.model) {
            Some(p) => (Some(p.cost(input, cached, output)), CostSource::Table),
            None => (None, CostSource::Unknown),
        },
    };
    LedgerRecord {
        at,
        provider: turn.provider.clone(),
        key_id: turn.key_id.clone(),
        model: turn.model.clone(),
        input,
        output,
        reasoning,
        cached,
        estimated,
        cost_usd,
        cost_source,
        conversation: turn.conversation.clone(),
    }
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
            .append(true)
            .mode(0o600)
            .open(self.file(Month::of(record.at, tz)))?;
        let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        f.write_all(format!("{line}\n").as_bytes())?;
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
        let text = String::from_utf8_lossy(&bytes);
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
        total.requests += r.requests;
        total.input += r.input;
        total.output += r.output;
        total.reasoning += r.reasoning;
        total.cached += r.cached;
        total.cost_usd += r.cost_usd;
        total.unpriced += r.unpriced;
        total.estimated += r.estimated;
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
        let row = rows.entry(group.clone()).or_insert_with(|| Row {
            group,
            ..Default::default()
        });
        row.requests += 1;
        row.input += r.input;
        row.output += r.output;
        row.reasoning += r.reasoning;
        row.cached += r.cached;
        match r.cost_usd {
            Some(c) => row.cost_usd += c,
            None => row.unpriced += 1,
        }
        row.estimated += u64::from(r.estimated);
    }
    rows.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(v: f64) -> crate::chat::money::Usd {
        crate::chat::money::Usd::from_dollars(v).unwrap()
    }
    use crate::chat::EndState;
    use crate::providers::Usage;

    fn turn(provider: &str, model: &str, usage: Option<Usage>) -> TurnEnded {
        TurnEnded {
            provider: provider.into(),
            model: model.into(),
            key_id: Some("k1".into()),
            usage,
            prompt_chars: 40,
            reply_chars: 9,
            state: EndState::Done,
            conversation: None,
        }
    }

    #[test]
    fn costs_come_from_the_provider_then_the_table_never_a_guess() {
        let prices = PriceTable::parse(prices::SHIPPED).unwrap();
        let u = Usage {
            input_tokens: 1_000,
            output_tokens: 500,
            cached_tokens: 200,
            ..Default::default()
        };
        let r = record_for(&turn("openai", "gpt-4.1", Some(u)), 1, &prices);
        // 800 fresh x $2/M + 200 cached x $0.5/M + 500 x $8/M.
        assert_eq!(
            r.cost_usd,
            Some(usd(800.0 * 2e-6 + 200.0 * 0.5e-6 + 500.0 * 8e-6))
        );
        assert_eq!(r.cost_source, CostSource::Table);
        let routed = Usage {
            cost_usd: Some(usd(0.0123)),
            ..u
        };
        let r = record_for(&turn("openrouter", "x/y", Some(routed)), 1, &prices);
        assert_eq!(
            (r.cost_usd, r.cost_source),
            (Some(usd(0.0123)), CostSource::Provider)
        );
        let r = record_for(&turn("local", "mock-model", Some(u)), 1, &prices);
        assert_eq!((r.cost_usd, r.cost_source), (None, CostSource::Unknown));
        let r = record_for(&turn("openai", "gpt-4.1", None), 1, &prices);
        assert!(r.estimated);
        assert_eq!((r.input, r.output), (10, 3));
    }

    #[test]
    fn json_rows_say_null_for_unknown_cost_never_zero() {
        let prices = PriceTable::parse(prices::SHIPPED).unwrap();
        let u = Usage {
            input_tokens: 1_000_000,
            ..Default::default()
        };
        let priced = record_for(&turn("openai", "gpt-4.1", Some(u)), 1, &prices);
        let unpriced = record_for(&turn("local", "llama", Some(u)), 1, &prices);
        let tz = jiff::tz::TimeZone::UTC;
        let only_unpriced = report(std::slice::from_ref(&unpriced), GroupBy::Provider, &tz);
        let v = only_unpriced[0].to_json();
        assert!(
            v["cost_usd"].is_null() && v["cost_usd_known"].is_null(),
            "{v}"
        );
        assert_eq!(v["cost_complete"], false);
        let mixed = report(&[priced.clone(), unpriced], GroupBy::Day, &tz);
        let v = mixed[0].to_json();
        assert!(v["cost_usd"].is_null(), "{v}");
        assert_eq!(v["cost_usd_known"], 2.0);
        assert_eq!(v["unpriced"], 1);
        let all = report(&[priced], GroupBy::Day, &tz)[0].to_json();
        assert_eq!(all["cost_usd"], 2.0);
        assert_eq!(all["cost_complete"], true);
    }

    #[test]
    fn the_ledger_appends_per_month_skips_damage_and_reports() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::new(dir.path());
        let tz = jiff::tz::TimeZone::UTC;
        let prices = PriceTable::parse(prices::SHIPPED).unwrap();
        let u = Usage {
            input_tokens: 1_000_000,
            output_tokens: 0,
            ..Default::default()
        };
        // 2026-11-30 23:00 UTC and 2026-12-01 00:30 UTC.
        let ts = |d: jiff::civil::DateTime| {
            d.to_zoned(tz.clone()).unwrap().timestamp().as_second() as u64
        };
        let nov = ts(jiff::civil::date(2026, 11, 30).at(23, 0, 0, 0));
        let dec = ts(jiff::civil::date(2026, 12, 1).at(0, 30, 0, 0));
        ledger
            .append(
                &record_for(&turn("openai", "gpt-4.1", Some(u)), nov, &prices),
                &tz,
            )
            .unwrap();
        ledger
            .append(
                &record_for(&turn("openai", "gpt-4.1-mini", Some(u)), nov, &prices),
                &tz,
            )
            .unwrap();
        ledger
            .append(
                &record_for(&turn("anthropic", "claude-sonnet-4", Some(u)), dec, &prices),
                &tz,
            )
            .unwrap();
        let m = Month::of(nov, &tz);
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(Month::of(dec, &tz).to_string(), "2026-12");
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(ledger.file(m))
            .unwrap()
            .write_all(b"{torn\n")
            .unwrap();
        let (records, skipped) = ledger.read(m);
        assert_eq!(records.len(), 2);
        assert_eq!(skipped, [3]);
        let rows = report(&records, GroupBy::Model, &tz);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cost_usd, usd(2.0), "{rows:?}");
        assert_eq!(rows[1].cost_usd, usd(0.4));
        let by_provider = report(&records, GroupBy::Provider, &tz);
        assert_eq!(by_provider.len(), 1);
        assert_eq!(by_provider[0].requests, 2);
        assert_eq!(by_provider[0].cost_usd, usd(2.4));
        assert_eq!(
            Month::parse("2026-01").unwrap().prev().to_string(),
            "2025-12"
        );
        assert!(Month::parse("2026-13").is_none());
    }
}
