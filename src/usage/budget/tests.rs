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
    let Verdict::Unpriced(why) = check(&c, &spend(1.0, 1.0, 0.0), "local", None, Some("llama3"))
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
        message: None,
        at: at.timestamp().as_second() as u64,
        provider: "openai".into(),
        key_id: None,
        model: "gpt-4.1".into(),
        input: 1,
        output: 1,
        reasoning: 0,
        cached: 0,
        cache_write: 0,
        cache_saved_usd: None,
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
