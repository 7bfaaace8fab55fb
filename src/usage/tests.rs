//! The ledger, its records and reports.

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
        message: None,
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
    let ts =
        |d: jiff::civil::DateTime| d.to_zoned(tz.clone()).unwrap().timestamp().as_second() as u64;
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

#[test]
fn a_torn_last_line_does_not_swallow_the_next_record() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::new(dir.path());
    let tz = jiff::tz::TimeZone::UTC;
    let prices = PriceTable::parse(prices::SHIPPED).unwrap();
    let u = Usage {
        input_tokens: 10,
        ..Default::default()
    };
    let rec = record_for(&turn("openai", "gpt-4.1", Some(u)), 1_790_000_000, &prices);
    ledger.append(&rec, &tz).unwrap();
    let month = Month::of(rec.at, &tz);
    // A crash mid-write: half a record, no newline.
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(ledger.file(month))
        .unwrap()
        .write_all(b"{\"at\":17900")
        .unwrap();
    ledger.append(&rec, &tz).unwrap();
    let (records, skipped) = ledger.read(month);
    assert_eq!(records.len(), 2, "both whole records are read");
    assert_eq!(skipped, [2], "the torn line costs only itself");
}

#[test]
fn implausible_provider_costs_are_not_trusted_and_sums_saturate() {
    let prices = PriceTable::parse(prices::SHIPPED).unwrap();
    let u = Usage {
        input_tokens: 1_000_000,
        cost_usd: Usd::parse("5000"),
        ..Default::default()
    };
    let r = record_for(&turn("openai", "gpt-4.1", Some(u)), 1, &prices);
    assert_eq!(
        r.cost_source,
        CostSource::Table,
        "a $5000 request is not a price"
    );
    assert_eq!(r.cost_usd, Some(usd(2.0)));
    let mut big = r.clone();
    big.input = u64::MAX;
    let tz = jiff::tz::TimeZone::UTC;
    let rows = report(&[big.clone(), big], GroupBy::Provider, &tz);
    assert_eq!(rows[0].input, u64::MAX);
    assert_eq!(total(&rows).input, u64::MAX);
}

#[test]
fn report_groups_are_clean_for_every_reader() {
    let prices = PriceTable::default();
    let hostile = turn("local", "m\u{1b}]0;owned\u{7}\u{200B}x", None);
    let r = record_for(&hostile, 1, &prices);
    let rows = report(&[r], GroupBy::Model, &jiff::tz::TimeZone::UTC);
    assert_eq!(rows[0].group, "local mx");
}

#[test]
fn cached_and_cache_written_tokens_are_priced_at_their_rates_and_the_saving_recorded() {
    let prices = PriceTable::parse(prices::SHIPPED).unwrap();
    // Anthropic's usage as keyturn holds it: every prompt token in `input`.
    let u = Usage {
        input_tokens: 30 + 1_800 + 2_100,
        output_tokens: 9,
        cached_tokens: 1_800,
        cache_write_tokens: 2_100,
        ..Default::default()
    };
    let r = record_for(&turn("anthropic", "claude-sonnet-4", Some(u)), 1, &prices);
    // 30 fresh x $3/M + 1,800 read x $0.30/M + 2,100 written x $3.75/M + 9 x $15/M.
    let cost = 30.0 * 3e-6 + 1_800.0 * 0.3e-6 + 2_100.0 * 3.75e-6 + 9.0 * 15e-6;
    assert_eq!(r.cost_usd, Some(usd(cost)));
    // Saved: 1,800 x ($3 - $0.30)/M, less 2,100 x ($3.75 - $3)/M.
    let saved = 1_800.0 * 2.7e-6 - 2_100.0 * 0.75e-6;
    assert_eq!(r.cache_saved_usd, Some(usd(saved)));
    assert_eq!((r.cached, r.cache_write), (1_800, 2_100));
    // The line round-trips; a record without cache fields reads as none.
    let line = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<LedgerRecord>(&line).unwrap(), r);
    let plain = record_for(
        &turn("openai", "gpt-4.1", Some(Usage::default())),
        1,
        &prices,
    );
    assert_eq!(plain.cache_saved_usd, None);
    assert!(!serde_json::to_string(&plain).unwrap().contains("cache_"));
    // Reports add it up and say it; an unpriced model's saving is unknown, never zero.
    let local = record_for(&turn("local", "m", Some(u)), 2, &prices);
    let tz = jiff::tz::TimeZone::UTC;
    let rows = report(&[r.clone(), plain], GroupBy::Provider, &tz);
    let total = total(&rows);
    assert_eq!(total.cache_saved, usd(saved));
    let note = total.cache_note().unwrap();
    assert!(
        note.starts_with(&format!("Prompt caching saved ${}", usd(saved))),
        "{note}"
    );
    assert_eq!(
        total.to_json()["cache_saved_usd"],
        serde_json::json!(usd(saved).dollars())
    );
    let rows = report(&[local], GroupBy::Provider, &tz);
    assert!(rows[0].cache_note().unwrap().contains("unknown (no price)"));
    assert!(rows[0].to_json()["cache_saved_usd"].is_null());
}
