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

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: f64) -> crate::chat::money::Usd {
        crate::chat::money::Usd::from_dollars(v).unwrap()
    }

    fn cfg() -> BudgetConfig {
        BudgetConfig {
            monthly_usd: Some(u(20.0)),
            providers: [("openai".to_string(), u(10.0))].into(),
            keys: [("k-cheap".to_string(), u(1.0))].into(),
            ..Default::default()
        }
    }

    fn spend(total: f64, openai: f64, key: f64) -> Spend {
        Spend {
            total: u(total),
            by_provider: [("openai".to_string(), u(openai))].into(),
            by_key: [("k-cheap".to_string(), u(key))].into(),
            since: "1 Nov".into(),
            resets: "1 Dec".into(),
            ..Default::default()
        }
    }

    #[test]
    fn thresholds_at_the_boundaries() {
        let c = cfg();
        assert_eq!(
            check(&c, &spend(0.0, 0.0, 0.0), "openai", None, None),
            Verdict::Ok
        );
        assert_eq!(
            check(&c, &spend(7.99, 7.99, 0.0), "openai", None, None),
            Verdict::Ok
        );
        assert!(
            matches!(check(&c, &spend(8.0, 8.0, 0.0), "openai", None, None), Verdict::Warn(w) if w.contains("80% of the monthly budget for openai"))
        );
        match check(&c, &spend(10.0, 10.0, 0.0), "openai", None, None) {
            Verdict::Over(m) => {
                assert!(
                    m.contains("The monthly budget for openai is used up ($10.00 of $10.00"),
                    "{m}"
                );
                assert!(m.contains("since 1 Nov; resets 1 Dec)"), "{m}");
            }
            v => panic!("{v:?}"),
        }
        // Another provider is held only by the global cap.
        assert_eq!(
            check(&c, &spend(10.0, 10.0, 0.0), "anthropic", None, None),
            Verdict::Ok
        );
        assert!(
            matches!(check(&c, &spend(20.0, 10.0, 0.0), "anthropic", None, None), Verdict::Over(m) if m.contains("global"))
        );
        // A key's own cap.
        assert!(
            matches!(check(&c, &spend(1.0, 1.0, 1.0), "openai", Some("k-cheap"), None), Verdict::Over(m) if m.contains("key k-cheap"))
        );
        assert_eq!(
            check(
                &BudgetConfig::default(),
                &spend(1e9, 1e9, 1e9),
                "openai",
                None,
                None
            ),
            Verdict::Ok
        );
    }

    #[test]
    fn a_cap_over_an_unpriced_model_says_it_cannot_be_enforced() {
        let c = BudgetConfig {
            monthly_usd: Some(u(10.0)),
            ..Default::default()
        };
        let Verdict::Unpriced(why) =
            check(&c, &spend(1.0, 1.0, 0.0), "local", None, Some("llama3"))
        else {
            panic!("an unpriced model under a cap must be named");
        };
        assert!(
            why.contains("llama3") && why.contains("cannot be enforced"),
            "{why}"
        );
        // No cap: nothing to say. A cap already used up still refuses.
        assert_eq!(
            check(
                &BudgetConfig::default(),
                &spend(1.0, 1.0, 0.0),
                "local",
                None,
                Some("llama3")
            ),
            Verdict::Ok
        );
        assert!(matches!(
            check(&c, &spend(10.0, 10.0, 0.0), "local", None, Some("llama3")),
            Verdict::Over(_)
        ));
    }

    #[test]
    fn small_caps_and_spends_keep_their_digits() {
        let c = BudgetConfig {
            monthly_usd: Some(u(0.001)),
            ..Default::default()
        };
        let mut s = spend(0.00089, 0.0, 0.0);
        assert_eq!(
            check(&c, &s, "openai", None, None),
            Verdict::Warn("89% of the global monthly budget ($0.00089 of $0.001)".into())
        );
        s.total = u(0.5);
        let c = BudgetConfig {
            monthly_usd: Some(u(0.5)),
            ..Default::default()
        };
        let Verdict::Over(why) = check(&c, &s, "openai", None, None) else {
            panic!()
        };
        assert!(why.contains("($0.50 of $0.50 since 1 Nov"), "{why}");
    }

    #[test]
    fn periods_follow_the_local_calendar_and_the_reset_day() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap_or(jiff::tz::TimeZone::UTC);
        let now: jiff::Zoned = jiff::civil::date(2026, 12, 1)
            .at(0, 30, 0, 0)
            .to_zoned(tz.clone())
            .unwrap();
        let (start, end) = period(&now, 1);
        assert_eq!(start.date(), jiff::civil::date(2026, 12, 1));
        assert_eq!(end.date(), jiff::civil::date(2027, 1, 1));
        // Just before midnight on the last day: still November.
        let before = jiff::civil::date(2026, 11, 30)
            .at(23, 59, 59, 0)
            .to_zoned(tz.clone())
            .unwrap();
        assert_eq!(period(&before, 1).0.date(), jiff::civil::date(2026, 11, 1));
        // A reset on the 15th.
        let (s, e) = period(&now, 15);
        assert_eq!(
            (s.date(), e.date()),
            (
                jiff::civil::date(2026, 11, 15),
                jiff::civil::date(2026, 12, 15)
            )
        );
    }

    #[test]
    fn spend_counts_only_the_period_across_month_files() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = super::super::Ledger::new(dir.path());
        let tz = jiff::tz::TimeZone::UTC;
        let rec = |at: jiff::Zoned, cost: f64| LedgerRecord {
            conversation: None,
            at: at.timestamp().as_second() as u64,
            provider: "openai".into(),
            key_id: None,
            model: "gpt-4.1".into(),
            input: 1,
            output: 1,
            reasoning: 0,
            cached: 0,
            estimated: false,
            cost_usd: Some(u(cost)),
            cost_source: super::super::CostSource::Table,
        };
        let d = |m: i8, day: i8| {
            jiff::civil::date(2026, m, day)
                .at(12, 0, 0, 0)
                .to_zoned(tz.clone())
                .unwrap()
        };
        for (at, cost) in [(d(11, 10), 1.0), (d(11, 20), 2.0), (d(12, 5), 4.0)] {
            ledger.append(&rec(at, cost), &tz).unwrap();
        }
        let s = spend_now(&ledger, &d(12, 10), 1);
        assert_eq!(s.total, u(4.0));
        assert_eq!((s.since.as_str(), s.resets.as_str()), ("1 Dec", "1 Jan"));
        let s = spend_now(&ledger, &d(12, 10), 15);
        assert_eq!(s.total, u(6.0));
    }
}
