//! Every pane drawn at 80x24 and at a tiny size, the help of each pane, and the status bar at
//! narrow widths: snapshots of what the user sees.

use crate::support::key;
use crate::support::screen;
use crossterm::event::{KeyCode, KeyModifiers};
use keyturn::app::conversation_list::Item;
use keyturn::app::picker::{ListSource, PickerProvider};
use keyturn::app::{App, AppOptions, Msg, ProviderInfo, update};
use keyturn::chat::money::Usd;
use keyturn::history::Summary;
use keyturn::providers::models::ModelInfo;
use keyturn::usage::{Month, Row};

fn app() -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local mock".into(),
            model: "mock-model".into(),
        }),
        catalogue: vec![
            PickerProvider {
                id: "anthropic".into(),
                name: "Anthropic".into(),
                default_model: "claude-sonnet-4-5".into(),
                models: vec!["claude-sonnet-4-5".into(), "claude-haiku-4-5".into()],
                needs_key: true,
                env_key: false,
            },
            PickerProvider {
                id: "local".into(),
                name: "Local mock".into(),
                default_model: "mock-model".into(),
                models: vec!["mock-model".into()],
                needs_key: false,
                env_key: false,
            },
        ],
        ..Default::default()
    })
}

fn picker() -> App {
    let mut app = app();
    key(&mut app, KeyCode::Char('p'), KeyModifiers::CONTROL);
    let req = app.picker().unwrap().providers[0].req;
    let _ = update(
        &mut app,
        Msg::Models {
            provider_id: "anthropic".into(),
            req,
            models: vec![ModelInfo {
                id: "claude-sonnet-4-5".into(),
                context: Some(200_000),
                max_output: None,
                price_in: Some(3.0),
                price_out: Some(15.0),
                images: None,
            }],
            source: ListSource::Live,
            error: None,
        },
    );
    app
}

#[test]
fn model_picker() {
    let mut app = picker();
    insta::assert_snapshot!("picker_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("picker_24x6", screen(&mut app, 24, 6));
}

const MODIFIED: u64 = 1_795_000_000;

fn conversations() -> App {
    let mut app = app();
    key(&mut app, KeyCode::F(4), KeyModifiers::NONE);
    let req = app.conversations().unwrap().req;
    let item = |id: &str, title: &str, messages| Item {
        summary: Summary {
            id: id.into(),
            title: title.into(),
            modified: MODIFIED,
            messages,
        },
        excerpt: None,
    };
    let _ = update(
        &mut app,
        Msg::ConversationList {
            req,
            items: vec![
                item("20261118-aaaa", "How do lifetimes work?", 4),
                item("20261117-bbbb", "A shell one-liner for disk use", 2),
            ],
        },
    );
    app
}

/// The pane shows local times; the snapshot names the time instead of depending on the zone.
fn without_times(s: String) -> String {
    s.replace(&keyturn::time::format_local(MODIFIED), "<local time>")
}

#[test]
fn conversations_pane() {
    let mut app = conversations();
    insta::assert_snapshot!(
        "conversations_80x24",
        without_times(screen(&mut app, 80, 24))
    );
    insta::assert_snapshot!("conversations_24x6", without_times(screen(&mut app, 24, 6)));
    key(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    insta::assert_snapshot!(
        "conversations_rename_80x24",
        without_times(screen(&mut app, 80, 24))
    );
}

#[test]
fn usage_view() {
    let mut app = app();
    key(&mut app, KeyCode::F(5), KeyModifiers::NONE);
    let req = app.usage_view().unwrap().req;
    let row = |group: &str, requests, cost: Option<&str>| Row {
        group: group.into(),
        requests,
        input: 1200 * requests,
        output: 300 * requests,
        cost_usd: cost.and_then(Usd::parse).unwrap_or_default(),
        unpriced: if cost.is_some() { 0 } else { requests },
        ..Default::default()
    };
    let _ = update(
        &mut app,
        Msg::UsageReport {
            req,
            month: Month::parse("2026-11").unwrap(),
            rows: vec![
                row("anthropic", 3, Some("0.0123")),
                row("local", 2, None),
                row("openai", 5, Some("1.5")),
            ],
            skipped: 0,
        },
    );
    insta::assert_snapshot!("usage_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("usage_24x6", screen(&mut app, 24, 6));
}

#[test]
fn welcome_flow() {
    let mut app = App::new(AppOptions {
        first_run: Some(Some("/home/me/.ssh/id_ed25519".into())),
        store: Some(keyturn::app::key_manager::StoreState::Absent),
        ..Default::default()
    });
    insta::assert_snapshot!("welcome_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("welcome_24x6", screen(&mut app, 24, 6));
}

#[test]
fn help_lists_the_keys_of_the_pane_in_view() {
    let mut open = picker();
    key(&mut open, KeyCode::F(1), KeyModifiers::NONE);
    let s = screen(&mut open, 80, 24);
    insta::assert_snapshot!("picker_help_80x24", s);
    assert!(
        s.contains("use the selected model in this conversation"),
        "{s}"
    );
    assert!(!s.contains("scroll the conversation"), "{s}");

    let mut keys = app();
    key(&mut keys, KeyCode::F(3), KeyModifiers::NONE);
    key(&mut keys, KeyCode::F(1), KeyModifiers::NONE);
    let s = screen(&mut keys, 80, 24);
    assert!(s.contains("Key manager (F3)"), "{s}");
    assert!(s.contains("move the selection down (list_down)"), "{s}");
    assert!(!s.contains("scroll the conversation"), "{s}");
}

#[test]
fn the_status_bar_at_narrow_widths() {
    let mut app = app();
    let _ = update(
        &mut app,
        Msg::Spend(keyturn::usage::budget::Spend {
            by_provider: [("local".to_string(), Usd::parse("0.42").unwrap())].into(),
            last_cost: Usd::parse("0.004"),
            since: "1 Nov".into(),
            resets: "1 Dec".into(),
            ..Default::default()
        }),
    );
    let mut bars = String::new();
    for w in [80, 60, 40, 24, 20] {
        let s = screen(&mut app, w, 8);
        bars.push_str(&format!("{w:>3}|{}", s.lines().last().unwrap_or("")));
        bars.push('\n');
    }
    insta::assert_snapshot!("status_bar_narrow", bars);
}

#[test]
fn a_cap_over_a_model_with_no_price_is_said_to_be_unenforced() {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local mock".into(),
            model: "mock-model".into(),
        }),
        budget: keyturn::usage::budget::BudgetConfig {
            monthly_usd: Usd::parse("5"),
            ..Default::default()
        },
        ..Default::default()
    });
    let _ = update(
        &mut app,
        Msg::Spend(keyturn::usage::budget::Spend {
            since: "1 Nov".into(),
            resets: "1 Dec".into(),
            ..Default::default()
        }),
    );
    let s = screen(&mut app, 80, 8);
    let bar = s.lines().last().unwrap_or("");
    assert!(
        bar.contains("no price for mock-model: cap not enforced"),
        "{bar}"
    );
    let narrow = screen(&mut app, 44, 8);
    assert!(narrow.contains("⚠ cap: no price"), "{narrow}");
}

#[test]
fn the_empty_state_stops_saying_no_provider_once_one_is_chosen() {
    let mut app = App::new(AppOptions {
        setup_hint: Some("Welcome to keyturn. No provider is chosen yet.".into()),
        catalogue: vec![PickerProvider {
            id: "local".into(),
            name: "Local".into(),
            default_model: "m".into(),
            models: vec!["m".into()],
            needs_key: false,
            env_key: false,
        }],
        ..Default::default()
    });
    assert!(screen(&mut app, 80, 24).contains("No provider is chosen yet"));
    key(&mut app, KeyCode::Char('p'), KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let s = screen(&mut app, 80, 24);
    assert!(
        !s.contains("No provider is chosen yet") && s.contains("Ask anything"),
        "{s}"
    );
}
