//! Monthly spending caps: global, per provider (config) and per key. Checked before every
//! request against the period's ledger; at `warn_at` the status bar warns, at the cap keyturn
//! refuses to send until the user overrides once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::LedgerRecord;
use crate::chat::money::Usd;

/// `[budget]` in config.toml (a contract tools rely on).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetConfig {
    /// Global monthly cap.
    pub monthly_usd: Option<Usd>,
    /// Fraction of a cap at which to warn.
    pub warn_at: f64,
    /// Day of the month the budget period starts (1..=28), local time.
    pub reset_day: u8,
    /// Per-provider monthly caps in USD, by provider id.
    pub providers: BTreeMap<String, Usd>,
    /// Per-key monthly caps in USD, by key id. They live with each key in the key store
    /// (`keyturn keys cap`, or b in the key manager) and are filled in from there.
    #[serde(skip)]
    pub keys: BTreeMap<String, Usd>,
}

impl BudgetConfig {
    /// Sets or removes the global cap (no provider) or a provider's.
    pub fn set_cap(&mut self, provider: Option<&str>, usd: Option<Usd>) {
        match (provider, usd) {
            (None, usd) => self.monthly_usd = usd,
            (Some(p), Some(v)) => {
                self.providers.insert(p.to_string(), v);
            }
            (Some(p), None) => {
                self.providers.remove(p);
            }
        }
    }
}

impl Default for BudgetConfig {
    fn default() -> Self {
        Self {
            monthly_usd: None,
            warn_at: 0.8,
            reset_day: 1,
            providers: BTreeMap::new(),
            keys: BTreeMap::new(),
        }
    }
}

/// Spend in the current budget period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spend {
    pub total: Usd,
    pub by_provider: BTreeMap<String, Usd>,
    pub by_key: BTreeMap<String, Usd>,
    /// Requests whose cost is unknown (not counted).
    pub unpriced: u64,
    /// "1 Nov": when the period began; "1 Dec": when it resets.
    pub since: String,
    pub resets: String,
    /// Cost of the newest turn this session, when known (set by the runtime, not by `add`:
    /// neither the ledger read at start nor a side request such as a title is a turn).
    pub last_cost: Option<Usd>,
    /// Ledger lines that could not be read: (file, line numbers).
    pub skipped: Vec<(String, Vec<usize>)>,
}

impl Spend {
    pub fn add(&mut self, r: &LedgerRecord) {
        match r.cost_usd {
            Some(c) => {
                self.total += c;
                *self.by_provider.entry(r.provider.clone()).or_default() += c;
                if let Some(k) = &r.key_id {
                    *self.by_key.entry(k.clone()).or_default() += c;
                }
            }
            None => self.unpriced += 1,
        }
    }
}

/// The budget period that contains `now`: [start, end) in local time.
pub fn period(now: &jiff::Zoned, reset_day: u8) -> (jiff::Zoned, jiff::Zoned) {
    let day = reset_day.clamp(1, 28) as i8;
    let this = now
        .date()
        .first_of_month()
        .saturating_add(jiff::Span::new().days(i64::from(day - 1)));
    let start_date = if now.date() >= this {
        this
    } else {
        this.saturating_sub(jiff::Span::new().months(1))
    };
    let end_date = start_date.saturating_add(jiff::Span::new().months(1));
    let tz = now.time_zone().clone();
    let at = |d: jiff::civil::Date| d.to_zoned(tz.clone()).unwrap_or_else(|_| now.clone());
    (at(start_date), at(end_date))
}

/// The spend of the period containing `now`, from the ledger's month files.
pub fn spend_now(ledger: &super::Ledger, now: &jiff::Zoned, reset_day: u8) -> Spend {
    let (start, end) = period(now, reset_day);
    let tz = now.time_zone().clone();
    let from = start.timestamp().as_second().max(0) as u64;
    let this = super::Month::of(now.timestamp().as_second().max(0) as u64, &tz);
    let mut spend = Spend {
        since: start.strftime("%-d %b").to_string(),
        resets: end.strftime("%-d %b").to_string(),
        ..Default::default()
    };
    let months = if super::Month::of(from, &tz) == this {
        vec![this]
    } else {
        vec![this.prev(), this]
    };
    for m in months {
        let (records, skipped) = ledger.read(m);
        for r in records.iter().filter(|r| r.at >= from) {
            spend.add(r);
        }
        if !skipped.is_empty() {
            spend
                .skipped
                .push((ledger.file(m).display().to_string(), skipped));
        }
    }
    spend
}

/// What the budget says about a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Ok,
    /// Past `warn_at` of a cap: the status bar says so.
    Warn(String),
    /// A cap is reached: refuse unless overridden.
    Over(String),
    /// A cap applies but the model has no price, so its requests cannot be counted.
    Unpriced(String),
}

/// Checks the global, provider and key caps, the strictest first. `unpriced_model` names the
/// model about to be used when no price is known for it: a cap cannot count what it costs.
pub fn check(
    cfg: &BudgetConfig,
    spend: &Spend,
    provider: &str,
    key_id: Option<&str>,
    unpriced_model: Option<&str>,
) -> Verdict {
    let mut caps = caps(cfg, spend, provider, key_id);
    caps.sort_by(|a, b| b.2.ratio(b.1).total_cmp(&a.2.ratio(a.1)));
    let Some((name, cap, spent)) = caps.into_iter().next() else {
        return Verdict::Ok;
    };
    if let Some(model) = unpriced_model.filter(|_| spent < cap) {
        return Verdict::Unpriced(format!(
            "{} cannot be enforced: no price is known for {model} (add it to prices.toml)",
            capitalize(&name)
        ));
    }
    if spent >= cap {
        Verdict::Over(format!(
            "{} is used up (${} of ${} since {}; resets {})",
            capitalize(&name),
            spent,
            cap,
            spend.since,
            spend.resets
        ))
    } else if spent >= cap.scaled(cfg.warn_at) {
        Verdict::Warn(format!(
            "{:.0}% of {name} (${spent} of ${cap})",
            spent.ratio(cap) * 100.0,
        ))
    } else {
        Verdict::Ok
    }
}

/// The caps a request to `provider` with `key_id` counts against: (name, cap, spent).
fn caps(
    cfg: &BudgetConfig,
    spend: &Spend,
    provider: &str,
    key_id: Option<&str>,
) -> Vec<(String, Usd, Usd)> {
    let mut caps: Vec<(String, Usd, Usd)> = Vec::new();
    if let Some(cap) = cfg.monthly_usd {
        caps.push(("the global monthly budget".into(), cap, spend.total));
    }
    if let Some(cap) = cfg.providers.get(provider) {
        let spent = spend.by_provider.get(provider).copied().unwrap_or_default();
        caps.push((format!("the monthly budget for {provider}"), *cap, spent));
    }
    if let Some(k) = key_id
        && let Some(cap) = cfg.keys.get(k)
    {
        let spent = spend.by_key.get(k).copied().unwrap_or_default();
        caps.push((format!("the monthly budget for key {k}"), *cap, spent));
    }
    caps
}

/// Whether a request estimated to cost `next` would take a cap that is not yet reached past
/// it: the reason, with the estimate, when it would.
pub fn would_cross(
    cfg: &BudgetConfig,
    spend: &Spend,
    provider: &str,
    key_id: Option<&str>,
    next: Usd,
) -> Option<String> {
    caps(cfg, spend, provider, key_id)
        .into_iter()
        .filter(|(_, cap, spent)| spent < cap && *spent + next > *cap)
        .min_by_key(|(_, cap, spent)| *cap - *spent)
        .map(|(name, cap, spent)| {
            format!(
                "this request's estimated ${next} would take {name} past its cap (${spent} of ${cap} spent)"
            )
        })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

#[cfg(test)]
mod tests;
