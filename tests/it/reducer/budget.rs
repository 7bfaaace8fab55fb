//! The budget check in the reducer: a cap refuses a send with the reason and keeps the draft;
//! Enter again sends once; a warning shows in the status bar.

use crate::support::submit;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::ui::{self, RenderCache, Theme};
use keyturn::usage::budget::{BudgetConfig, Spend};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn usd(v: f64) -> keyturn::chat::money::Usd {
    keyturn::chat::money::Usd::from_dollars(v).unwrap()
}

fn app(cap: f64) -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4.1".into(),
        }),
        budget: BudgetConfig {
            providers: [("openai".to_string(), usd(cap))].into(),
            ..Default::default()
        },
        prices: std::sync::Arc::new(keyturn::usage::prices::PriceTable::shipped()),
        ..Default::default()
    })
}

fn spend(openai: f64) -> Msg {
    Msg::Spend(Spend {
        total: usd(openai),
        by_provider: [("openai".to_string(), usd(openai))].into(),
        since: "1 Nov".into(),
        resets: "1 Dec".into(),
        last_cost: Some(usd(0.0123)),
        ..Default::default()
    })
}

fn status(app: &mut App) -> String {
    status_at(app, 120)
}

fn status_at(app: &mut App, width: u16) -> String {
    crate::support::status_row(app, width).0
}

#[test]
fn at_the_cap_the_first_send_is_refused_and_enter_again_overrides_once() {
    let mut app = app(10.0);
    let _ = update(&mut app, spend(10.0));
    assert!(submit(&mut app, "hello").is_empty());
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error());
    assert_eq!(
        notice.text,
        "Enter again sends anyway: The monthly budget for openai is used up ($10.00 of $10.00 since 1 Nov; resets 1 Dec)."
    );
    assert_eq!(app.draft(), "hello");
    assert!(app.session.conversation.messages.is_empty());
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::StartStream { .. }]),
        "{effects:?}"
    );
    // The override was for one request only.
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(submit(&mut app, "again").is_empty());
}

#[test]
fn below_the_cap_sends_and_near_it_the_status_bar_warns() {
    let mut app = app(10.0);
    let _ = update(&mut app, spend(5.0));
    let s = status(&mut app);
    assert!(s.contains("$0.0123 · $5.00 this month"), "{s}");
    assert!(!s.contains('⚠'), "{s}");
    let _ = update(&mut app, spend(8.5));
    let s = status(&mut app);
    assert!(s.contains("⚠ 85% of the monthly budget for openai"), "{s}");
    assert!(matches!(
        submit(&mut app, "hi").as_slice(),
        [Effect::StartStream { .. }]
    ));
}

#[test]
fn the_override_holds_for_the_next_key_only() {
    let mut app = app(10.0);
    let _ = update(&mut app, spend(12.0));
    assert!(submit(&mut app, "hello").is_empty());
    // Any other key first (here: editing the draft) and Enter asks again.
    assert!(submit(&mut app, "!").is_empty());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("Enter again sends anyway")
    );
    assert!(app.session.conversation.messages.is_empty());
    assert_eq!(app.draft(), "hello!");
    // Enter right after the refusal sends.
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(matches!(effects.as_slice(), [Effect::StartStream { .. }]));
}

#[test]
fn a_narrow_bar_drops_details_before_the_budget_warning() {
    use keyturn::providers::{StreamEvent, Usage};
    let mut app = app(10.0);
    let _ = update(&mut app, spend(8.5));
    let effects = submit(&mut app, "hi");
    let [Effect::StartStream { req, .. }] = effects.as_slice() else {
        panic!()
    };
    let req = *req;
    for event in [
        StreamEvent::Text("hello".into()),
        StreamEvent::Usage(Usage {
            input_tokens: 1234,
            output_tokens: 5678,
            ..Default::default()
        }),
        StreamEvent::Done,
    ] {
        let _ = update(&mut app, Msg::Stream { req, event });
    }
    let wide = status_at(&mut app, 120);
    assert!(
        wide.contains("OpenAI gpt-4.1 │ ✓ done │ ↑1234 ↓5678 tok │")
            && wide.contains("│ ⚠ 85% of the monthly budget for openai"),
        "{wide}"
    );
    // 80 columns: shorter forms, and the warning is still there.
    let s80 = status_at(&mut app, 80);
    assert!(
        s80.contains("OpenAI gpt-4.1") && s80.contains("⚠ 85%"),
        "{s80}"
    );
    // 40 columns: the model and the warning, nothing less important.
    let s40 = status_at(&mut app, 40);
    assert!(
        s40.contains("OpenAI gpt-4.1") && s40.contains("⚠ 85% of budget"),
        "{s40}"
    );
    assert!(!s40.contains("tok"), "{s40}");
    // Tiny: cut, never wrapped or panicking.
    let s12 = status_at(&mut app, 12);
    assert_eq!(s12.chars().count(), 12);
}

#[test]
fn a_long_refusal_wraps_onto_more_rows_at_80_columns() {
    let mut app = app(10.0);
    let _ = update(&mut app, spend(10.0));
    assert!(submit(&mut app, "hello").is_empty());
    let _ = update(
        &mut app,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    term.draw(|f| ui::draw(f, &app, &mut cache)).unwrap();
    let buf = term.backend().buffer();
    let row = |y: u16| -> String { (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect() };
    let bottom: Vec<String> = (22..24).map(row).collect();
    let joined = bottom
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("✗ Enter again sends anyway: The monthly budget for openai is used up ($10.00 of $10.00 since 1 Nov; resets 1 Dec)."),
        "{bottom:#?}"
    );
    // Two rows, and the composer (with the draft) right above them.
    let screen: Vec<String> = (0..24).map(row).collect();
    assert_eq!(screen[21].trim(), "hello", "{screen:#?}");
}

#[test]
fn an_error_longer_than_its_rows_ends_in_a_mark_even_when_the_last_row_is_full() {
    let mut app = app(10.0);
    // Words that fill each 20-column row exactly: three rows of text, two rows of bar.
    app.notice = Some(keyturn::app::Notice::error(format!(
        "{} {} {}",
        "a".repeat(17),
        "b".repeat(17),
        "c".repeat(17)
    )));
    let _ = update(
        &mut app,
        Msg::Resize {
            width: 20,
            height: 8,
        },
    );
    let mut term = Terminal::new(TestBackend::new(20, 8)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    term.draw(|f| ui::draw(f, &app, &mut cache)).unwrap();
    let buf = term.backend().buffer();
    let row = |y: u16| -> String { (0..20).map(|x| buf[(x, y)].symbol().to_string()).collect() };
    assert_eq!(row(6), format!(" ✗ {}", "a".repeat(17)));
    assert_eq!(row(7), format!("   {}…", "b".repeat(16)));
}

#[test]
fn a_tiny_key_cap_is_kept_exactly_and_a_cheaper_first_request_is_sent() {
    use keyturn::app::key_manager::KeyMeta;
    use keyturn::chat::money::Usd;
    // No provider or global cap: only the key's $0.004.
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4.1".into(),
        }),
        ..Default::default()
    });
    app.key_manager.state = keyturn::app::key_manager::StoreState::Unlocked { method: "x".into() };
    app.key_manager.entries = vec![KeyMeta {
        id: "k-tiny".into(),
        provider: "openai".into(),
        label: "tiny".into(),
        masked: "…abcd".into(),
        created: 1,
        rotated: None,
        last_test: None,
        active: true,
        cap: Usd::parse("0.004"),
    }];
    let _ = update(
        &mut app,
        Msg::Spend(Spend {
            since: "1 Nov".into(),
            resets: "1 Dec".into(),
            ..Default::default()
        }),
    );
    // Nothing spent yet: the first Enter sends (it was refused when the cap read as $0).
    let effects = submit(&mut app, "hello");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. })),
        "{effects:?} {:?}",
        app.notice
    );
    // The key manager shows the cap as it was set.
    app.open_keys();
    let mut term = Terminal::new(TestBackend::new(100, 12)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    term.draw(|f| ui::draw(f, &app, &mut cache)).unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("cap $0.004/mo"), "{screen}");
}
