//! Titles asked of the model (`[history] titles = "model"`): asked once, after the first
//! answer, never at a budget cap; the answer names the conversation on screen, on disk and in
//! the ledger; a failed title request leaves the title from the first question.

use std::time::{Duration, Instant};

use crate::support::send;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::conversation_list::ConvEffect;
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::config::TitleMode;
use keyturn::history::HistoryStore;
use keyturn::mock::{MockOptions, MockProvider, Reply};
use keyturn::providers::StreamEvent;
use keyturn::runtime::{self, Effects, Session};
use keyturn::usage::budget::{BudgetConfig, Spend};
use tokio::sync::mpsc::Receiver;

fn app(titles: TitleMode) -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4.1".into(),
        }),
        titles,
        budget: BudgetConfig {
            monthly_usd: keyturn::chat::money::Usd::parse("5"),
            ..Default::default()
        },
        ..Default::default()
    })
}

/// Streams `answer` into turn `req` with key `k1`; returns the effects of the final event.
fn answer(app: &mut App, req: u64, answer: &str) -> Vec<Effect> {
    let _ = update(
        app,
        Msg::TurnKey {
            req,
            key_id: "k1".into(),
        },
    );
    for event in [StreamEvent::Connected, StreamEvent::Text(answer.into())] {
        let _ = update(app, Msg::Stream { req, event });
    }
    update(
        app,
        Msg::Stream {
            req,
            event: StreamEvent::Done,
        },
    )
}

#[test]
fn the_first_answer_asks_for_a_title_with_the_same_provider_model_and_key() {
    let mut app = app(TitleMode::Model);
    let req = send(&mut app, "How do lifetimes work?");
    app.session.conversation.id = "20261129-1".into();
    let effects = answer(&mut app, req, "They tie references to scopes.");
    let [
        Effect::AskTitle {
            first_msg,
            provider_id,
            request,
            key_id,
            conversation,
        },
    ] = effects.as_slice()
    else {
        panic!("expected one title request, got {effects:?}");
    };
    assert_eq!(*first_msg, app.session.conversation.messages[0].id);
    // Its cost is part of the conversation's.
    assert_eq!(conversation.as_deref(), Some("20261129-1"));
    assert_eq!(
        (provider_id.as_str(), key_id.as_deref()),
        ("openai", Some("k1"))
    );
    assert_eq!(request.model, "gpt-4.1");
    let body = &request.messages[0].content;
    assert!(body.contains("How do lifetimes work?") && body.contains("They tie references"));
    // Not again: not for the second answer, not for a regenerated first one.
    let req = send(&mut app, "And 'static?");
    assert!(answer(&mut app, req, "It lives for the whole program.").is_empty());
}

#[test]
fn prompt_titles_ask_nothing() {
    let mut app = app(TitleMode::Prompt);
    let req = send(&mut app, "How do lifetimes work?");
    assert!(answer(&mut app, req, "They tie references to scopes.").is_empty());
}

#[test]
fn a_failed_or_empty_first_answer_does_not_ask_the_next_one_does() {
    let mut app = app(TitleMode::Model);
    let req = send(&mut app, "mock:reset");
    let _ = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Text("partial".into()),
        },
    );
    let err = keyturn::providers::ProviderError::Setup {
        provider: "openai".into(),
        detail: "x".into(),
    };
    assert!(
        update(
            &mut app,
            Msg::Stream {
                req,
                event: StreamEvent::Error(err)
            }
        )
        .is_empty()
    );
    let req = send(&mut app, "try again");
    assert!(
        answer(&mut app, req, "").is_empty(),
        "an empty answer is nothing to title"
    );
    let req = send(&mut app, "once more");
    assert!(matches!(
        answer(&mut app, req, "Here it is.").as_slice(),
        [Effect::AskTitle { .. }]
    ));
}

#[test]
fn no_title_is_asked_at_a_budget_cap() {
    let mut app = app(TitleMode::Model);
    let _ = update(
        &mut app,
        Msg::Spend(Spend {
            total: keyturn::chat::money::Usd::parse("4.99").unwrap(),
            ..Default::default()
        }),
    );
    let req = send(&mut app, "How do lifetimes work?");
    // The answer itself pushed spend to the cap before it ended.
    let _ = update(
        &mut app,
        Msg::Spend(Spend {
            total: keyturn::chat::money::Usd::parse("5").unwrap(),
            ..Default::default()
        }),
    );
    assert!(answer(&mut app, req, "They tie references to scopes.").is_empty());
}

#[test]
fn the_title_names_the_open_conversation_unless_renamed_or_left() {
    let mut app = app(TitleMode::Model);
    let req = send(&mut app, "How do lifetimes work?");
    let effects = answer(&mut app, req, "They tie references to scopes.");
    let [Effect::AskTitle { first_msg, .. }] = effects.as_slice() else {
        panic!()
    };
    let first = *first_msg;
    // Before the conversation has an id, the title waits in the model ...
    assert!(
        update(
            &mut app,
            Msg::Titled {
                first_msg: first,
                title: "Rust lifetimes".into()
            }
        )
        .is_empty()
    );
    assert_eq!(app.session.conversation.title, "Rust lifetimes");
    // ... and is written when the id comes.
    let effects = update(&mut app, Msg::Saved { id: "c1".into() });
    assert!(matches!(effects.as_slice(),
        [Effect::Conversations(ConvEffect::Rename { id, title })] if id == "c1" && title == "Rust lifetimes"));
    // A later title does not replace one already there (a rename by hand wins).
    assert!(
        update(
            &mut app,
            Msg::Titled {
                first_msg: first,
                title: "Other".into()
            }
        )
        .is_empty()
    );
    assert_eq!(app.session.conversation.title, "Rust lifetimes");
    // A title for another conversation is dropped.
    let mut app2 = self::app(TitleMode::Model);
    app2.session.conversation.id = "c2".into();
    // Another conversation of the session: its messages have ids of their own.
    app2.session.next_msg_id = app.session.next_msg_id;
    let req = send(&mut app2, "Q");
    answer(&mut app2, req, "A");
    assert!(
        update(
            &mut app2,
            Msg::Titled {
                first_msg: first,
                title: "Stale".into()
            }
        )
        .is_empty()
    );
    assert_eq!(app2.session.conversation.title, "");
    // For a saved conversation the title is written at once.
    let first2 = app2.session.conversation.messages[0].id;
    let effects = update(
        &mut app2,
        Msg::Titled {
            first_msg: first2,
            title: "Fresh".into(),
        },
    );
    assert!(matches!(effects.as_slice(),
        [Effect::Conversations(ConvEffect::Rename { id, title })] if id == "c2" && title == "Fresh"));
}

async fn until(
    app: &mut App,
    effects: &mut Effects,
    rx: &mut Receiver<Msg>,
    done: impl Fn(&App) -> bool,
) {
    let end = Instant::now() + Duration::from_secs(10);
    while !done(app) {
        assert!(
            Instant::now() < end,
            "timed out: {:?} {:?} {:?}",
            app.session.active,
            app.view(),
            app.session
                .conversation
                .messages
                .iter()
                .map(|m| (m.role, &m.state, &m.text))
                .collect::<Vec<_>>()
        );
        if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
            runtime::dispatch(app, effects, m);
        }
        for m in effects.persistence.after_batch(&app.session.conversation) {
            runtime::dispatch(app, effects, m);
        }
    }
}

fn start(home: &std::path::Path, base_url: &str) -> Session {
    std::fs::write(
        home.join("prices.toml"),
        "[[model]]\nprovider = \"local\"\nmodel = \"mock-model\"\ninput = 1.0e-6\noutput = 2.0e-6\n",
    )
    .unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!("default_provider = \"local\"\n[history]\ntitles = \"model\"\n[network]\ndiscover_local = false\n[providers.local]\nbase_url = \"{base_url}\"\nauth = \"none\"\ndefault_model = \"mock-model\"\n"),
    )
    .unwrap();
    let paths = keyturn::config::Paths::under(home);
    let config = keyturn::config::Config::load(&paths.config_file).unwrap();
    let options = runtime::options::tui_options(&config, &paths, None, None, None).unwrap();
    runtime::start(config, paths, options)
}

fn type_and_send(app: &mut App, effects: &mut Effects, text: &str) {
    for c in text.chars() {
        runtime::dispatch(
            app,
            effects,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    runtime::dispatch(
        app,
        effects,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
}

fn ledger(home: &std::path::Path) -> Vec<keyturn::usage::LedgerRecord> {
    let tz = jiff::tz::TimeZone::system();
    let month = keyturn::usage::Month::of(keyturn::time::now(), &tz);
    keyturn::usage::Ledger::new(&keyturn::config::Paths::under(home).data_dir)
        .read(month)
        .0
}

/// Waits until the ledger thread has written `n` records.
async fn ledger_has(home: &std::path::Path, n: usize) -> Vec<keyturn::usage::LedgerRecord> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let records = ledger(home);
        if records.len() >= n || Instant::now() > end {
            return records;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_titles_a_new_conversation_through_the_runtime() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(home.path(), &mock.base_url());
    type_and_send(&mut app, &mut effects, "how do lifetimes work in rust");
    until(&mut app, &mut effects, &mut rx, |a| {
        !a.session.conversation.title.is_empty()
    })
    .await;
    // The mock answers `Title: "About …".`; keyturn keeps the title only.
    assert_eq!(
        app.session.conversation.title,
        "About how do lifetimes work"
    );
    let posts: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 2);
    assert!(posts[1].body.contains(keyturn::history::title::INSTRUCTION));
    // On disk: the file's title, and both requests in the ledger, priced alike (unknown model).
    let store = HistoryStore::new(&keyturn::config::Paths::under(home.path()).data_dir);
    let wait = Instant::now() + Duration::from_secs(5);
    while store
        .load(&app.session.conversation.id)
        .unwrap()
        .0
        .title
        .is_empty()
    {
        assert!(Instant::now() < wait, "title never reached the file");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let records = ledger_has(home.path(), 2).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        records
            .iter()
            .all(|r| r.provider == "local" && r.model == "mock-model" && !r.estimated)
    );
    // Both count toward the month; "this turn" in the status bar stays the answer's cost.
    // The file's order is the order the two finished in, which a busy machine can swap (the
    // title's round trip to the mock may beat the UI thread's save); the answer is the record
    // with the longer reply.
    let (answer, other) = if records[0].output > records[1].output {
        (&records[0], &records[1])
    } else {
        (&records[1], &records[0])
    };
    let (turn, title) = (answer.cost_usd.unwrap(), other.cost_usd.unwrap());
    assert_ne!(turn, title);
    until(&mut app, &mut effects, &mut rx, |a| {
        a.session
            .spend
            .as_ref()
            .is_some_and(|s| s.total == turn + title)
    })
    .await;
    assert_eq!(app.session.spend.as_ref().unwrap().last_cost, Some(turn));
    // The second answer asks for nothing more.
    type_and_send(&mut app, &mut effects, "and static?");
    // The send goes once the context meter has counted it; then its reply.
    until(&mut app, &mut effects, &mut rx, |a| {
        a.session.conversation.messages.len() == 4 && !a.is_busy()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        3
    );
    assert_eq!(ledger_has(home.path(), 3).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_title_request_keeps_the_first_question_as_title() {
    keyturn::install_crypto_provider();
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("An answer."));
    mock.push(Reply::Status {
        status: 500,
        body: "{}".into(),
        retry_after: None,
    });
    let home = tempfile::tempdir().unwrap();
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = start(home.path(), &mock.base_url());
    type_and_send(&mut app, &mut effects, "what is a borrow checker");
    until(&mut app, &mut effects, &mut rx, |a| {
        !a.is_busy() && !a.session.conversation.id.is_empty()
    })
    .await;
    let end = Instant::now() + Duration::from_secs(5);
    while mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
        < 2
    {
        assert!(Instant::now() < end, "no title request");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Only one attempt, no title, and the list shows the question.
    tokio::time::sleep(Duration::from_millis(300)).await;
    until(&mut app, &mut effects, &mut rx, |_| true).await;
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        2
    );
    assert_eq!(app.session.conversation.title, "");
    let store = HistoryStore::new(&keyturn::config::Paths::under(home.path()).data_dir);
    let summaries = store.list();
    assert_eq!(summaries[0].title, "what is a borrow checker");
    // A 500 bills nothing, so the ledger holds the answer only.
    assert_eq!(ledger_has(home.path(), 1).await.len(), 1);
}
