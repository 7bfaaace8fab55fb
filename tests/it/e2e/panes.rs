//! The conversations pane and the usage view headless: the real session start-up over a home with saved
//! conversations; open, search, rename and delete go through the runtime's effects.

use keyturn::chat::money::Usd;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, Msg, TurnState, View};
use keyturn::history::HistoryStore;
use keyturn::history::writer::HistoryWriter;
use keyturn::providers::Role;
use keyturn::runtime::{self, Effects, Session};
use tokio::sync::mpsc::Receiver;

fn save(store: &HistoryStore, question: &str) -> String {
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = keyturn::app::Conversation::default();
    conv.push(Role::User, question.into(), TurnState::Done);
    let id = w.sync(&conv).unwrap().created.unwrap();
    conv.id = id.clone();
    let a = conv.push(
        Role::Assistant,
        format!("answer to {question}"),
        TurnState::Done,
    );
    conv.messages[a].provider_id = "local".into();
    w.sync(&conv).unwrap();
    id
}

/// The real session start-up over the home `paths` points at.
fn start(paths: &keyturn::config::Paths) -> Session {
    let config = keyturn::config::Config::load(&paths.config_file).unwrap();
    let options = runtime::options::tui_options(&config, paths, None, None, None).unwrap();
    runtime::start(config, paths.clone(), options)
}

fn key(app: &mut App, effects: &mut Effects, code: KeyCode, mods: KeyModifiers) {
    runtime::dispatch(app, effects, Msg::Key(KeyEvent::new(code, mods)));
}

/// Runs the loop until `done` holds (messages from the runtime dispatched as they come).
async fn until(
    app: &mut App,
    effects: &mut Effects,
    rx: &mut Receiver<Msg>,
    done: impl Fn(&App) -> bool,
) {
    let end = Instant::now() + Duration::from_secs(10);
    while !done(app) {
        assert!(Instant::now() < end, "timed out; view {:?}", app.view());
        if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
            runtime::dispatch(app, effects, m);
        }
        for m in effects.persistence.after_batch(&app.session.conversation) {
            runtime::dispatch(app, effects, m);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_search_rename_delete() {
    keyturn::install_crypto_provider();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "default_provider = \"local\"\n[network]\ndiscover_local = false\n[providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\nauth = \"none\"\ndefault_model = \"m\"\n",
    )
    .unwrap();
    let paths = keyturn::config::Paths::under(home.path());
    let store = HistoryStore::new(&paths.data_dir);
    let alpha = save(&store, "alpha question");
    std::thread::sleep(Duration::from_millis(1100));
    let beta = save(&store, "beta question");
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(&paths);
    // The last one resumes.
    assert_eq!(app.session.conversation.id, beta);
    key(&mut app, &mut effects, KeyCode::F(4), KeyModifiers::NONE);
    assert_eq!(app.view(), View::Conversations);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.conversations().is_some_and(|p| p.items.len() == 2)
    })
    .await;
    let titles: Vec<String> = app
        .conversations()
        .unwrap()
        .items
        .iter()
        .map(|i| i.summary.title.clone())
        .collect();
    assert_eq!(titles, ["beta question", "alpha question"]);
    for c in "alpha".chars() {
        key(&mut app, &mut effects, KeyCode::Char(c), KeyModifiers::NONE);
    }
    until(&mut app, &mut effects, &mut rx, |a| {
        a.conversations()
            .is_some_and(|p| !p.loading && p.items.len() == 1)
    })
    .await;
    key(&mut app, &mut effects, KeyCode::Enter, KeyModifiers::NONE);
    until(&mut app, &mut effects, &mut rx, |a| a.view() == View::Chat).await;
    assert_eq!(app.session.conversation.id, alpha);
    assert_eq!(
        app.session.conversation.messages[1].text,
        "answer to alpha question"
    );
    // Rename the open one and delete the other.
    key(&mut app, &mut effects, KeyCode::F(4), KeyModifiers::NONE);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.conversations().is_some_and(|p| p.items.len() == 2)
    })
    .await;
    // The selection starts on the open conversation.
    let pane = app.conversations().unwrap();
    assert_eq!(pane.items[pane.selected].summary.id, alpha);
    key(
        &mut app,
        &mut effects,
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    );
    // The old title starts selected: End keeps it and moves to its end (typing at once
    // would replace it).
    key(&mut app, &mut effects, KeyCode::End, KeyModifiers::NONE);
    for c in " (renamed)".chars() {
        key(&mut app, &mut effects, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, &mut effects, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.session.conversation.title, "alpha question (renamed)");
    until(&mut app, &mut effects, &mut rx, |a| {
        a.conversations().is_some_and(|p| {
            !p.loading
                && p.items
                    .iter()
                    .any(|i| i.summary.title == "alpha question (renamed)")
        })
    })
    .await;
    let pos = app
        .conversations()
        .unwrap()
        .items
        .iter()
        .position(|i| i.summary.id == beta)
        .unwrap();
    app.conversations_mut().unwrap().selected = pos;
    key(
        &mut app,
        &mut effects,
        KeyCode::Char('d'),
        KeyModifiers::CONTROL,
    );
    key(
        &mut app,
        &mut effects,
        KeyCode::Char('n'),
        KeyModifiers::NONE,
    );
    assert!(store.path(&beta).exists(), "n keeps it");
    key(
        &mut app,
        &mut effects,
        KeyCode::Char('d'),
        KeyModifiers::CONTROL,
    );
    key(
        &mut app,
        &mut effects,
        KeyCode::Char('y'),
        KeyModifiers::NONE,
    );
    until(&mut app, &mut effects, &mut rx, |a| {
        a.conversations()
            .is_some_and(|p| !p.loading && p.items.len() == 1)
    })
    .await;
    assert!(!store.path(&beta).exists());
    assert_eq!(
        store.load(&alpha).unwrap().0.title,
        "alpha question (renamed)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_view_shows_the_months_ledger_by_provider_and_model() {
    use keyturn::usage::{CostSource, Ledger, LedgerRecord};
    keyturn::install_crypto_provider();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "default_provider = \"local\"\n[network]\ndiscover_local = false\n[providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\nauth = \"none\"\ndefault_model = \"m\"\n",
    )
    .unwrap();
    let paths = keyturn::config::Paths::under(home.path());
    let ledger = Ledger::new(&paths.data_dir);
    let tz = jiff::tz::TimeZone::system();
    let now = keyturn::time::now();
    for (provider, model, cost) in [
        ("openai", "gpt-4.1", Some(0.5)),
        ("openai", "gpt-4.1-mini", Some(0.25)),
        ("local", "m", None),
    ] {
        let r = LedgerRecord {
            conversation: None,
            message: None,
            at: now,
            provider: provider.into(),
            key_id: None,
            model: model.into(),
            input: 100,
            output: 50,
            reasoning: 0,
            cached: 0,
            cache_write: 0,
            cache_saved_usd: None,
            estimated: false,
            cost_usd: cost.and_then(Usd::from_dollars),
            cost_source: if cost.is_some() {
                CostSource::Table
            } else {
                CostSource::Unknown
            },
        };
        ledger.append(&r, &tz).unwrap();
    }
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(&paths);
    key(&mut app, &mut effects, KeyCode::F(5), KeyModifiers::NONE);
    assert_eq!(app.view(), View::Usage);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.usage_view().is_some_and(|v| !v.loading)
    })
    .await;
    let screen = draw(&mut app);
    assert!(
        screen.contains("openai") && screen.contains(" 0.75 "),
        "{screen}"
    );
    // A row of unpriced requests only has an unknown cost, not $0; the total is a lower bound.
    assert!(
        screen
            .lines()
            .any(|l| l.contains("local") && l.trim_end().ends_with('?')),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains("total") && l.trim_end().ends_with(" 0.75+")),
        "{screen}"
    );
    assert!(
        screen.contains("1 request(s) of models with no price"),
        "{screen}"
    );
    key(&mut app, &mut effects, KeyCode::Tab, KeyModifiers::NONE);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.usage_view().is_some_and(|v| !v.loading)
    })
    .await;
    let screen = draw(&mut app);
    assert!(
        screen.contains("by model")
            && screen.contains("openai gpt-4.1-mini")
            && screen.contains(" 0.25 "),
        "{screen}"
    );
    key(&mut app, &mut effects, KeyCode::Left, KeyModifiers::NONE);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.usage_view().is_some_and(|v| !v.loading)
    })
    .await;
    assert!(draw(&mut app).contains("No requests recorded in"));
    key(&mut app, &mut effects, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.view(), View::Chat);
}

fn draw(app: &mut App) -> String {
    use keyturn::ui::{self, RenderCache, Theme};
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(90, 16)).unwrap();
    let _ = keyturn::app::update(
        app,
        Msg::Resize {
            width: 90,
            height: 16,
        },
    );
    term.draw(|f| ui::draw(f, app, &mut RenderCache::new(Theme::default())))
        .unwrap();
    let buf = term.backend().buffer();
    (0..16)
        .map(|y| {
            (0..90)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cap_set_in_the_key_manager_lands_in_config_toml_and_the_model() {
    use keyturn::app::Effect;
    keyturn::install_crypto_provider();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "# mine\ndefault_provider = \"local\"\n[network]\ndiscover_local = false\n[providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\nauth = \"none\"\ndefault_model = \"m\"\n",
    )
    .unwrap();
    let paths = keyturn::config::Paths::under(home.path());
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(&paths);
    effects.run(Effect::EditConfig(keyturn::app::ConfigEdit::BudgetCap {
        provider: Some("local".into()),
        monthly_usd: Usd::parse("0.5"),
    }));
    until(&mut app, &mut effects, &mut rx, |a| {
        a.session.budget.providers.get("local") == Usd::parse("0.5").as_ref()
    })
    .await;
    let text = std::fs::read_to_string(&paths.config_file).unwrap();
    assert!(text.starts_with("# mine\n"), "{text}");
    let saved = keyturn::config::Config::load(&paths.config_file).unwrap();
    assert_eq!(
        saved.budget.providers.get("local"),
        Usd::parse("0.5").as_ref()
    );
    assert!(crate::support::key_manager_note(&app).contains("$0.50"));
}

/// A save that fails after start-up (the conversations directory is a file) reaches the status
/// bar as an error, and the answer on screen stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_save_after_start_up_reaches_the_status_bar() {
    use keyturn::mock::{MockOptions, MockProvider, Reply};
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("still here"));
    let home = tempfile::tempdir().unwrap();
    crate::support::write_config(
        home.path(),
        &crate::support::local_config(&mock.base_url(), "[history]\nresume = false\n"),
    );
    let paths = keyturn::config::Paths::under(home.path());
    std::fs::create_dir_all(&paths.data_dir).unwrap();
    std::fs::write(paths.data_dir.join("conversations"), "not a directory").unwrap();
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(&paths);
    for c in "hi".chars() {
        key(&mut app, &mut effects, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, &mut effects, KeyCode::Enter, KeyModifiers::NONE);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.notice
            .as_ref()
            .is_some_and(|n| n.is_error() && n.text.contains("Could not save the conversation"))
    })
    .await;
    until(&mut app, &mut effects, &mut rx, |a| !a.is_busy()).await;
    assert_eq!(app.session.conversation.messages[1].text, "still here");
}
