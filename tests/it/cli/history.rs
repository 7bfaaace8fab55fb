//! `keyturn history` and `keyturn usage` through the real binary: the ledger that `ask`
//! writes, priced by the user's price list, and saved conversations listed, shown, exported,
//! searched and removed.

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::text;
use keyturn::app::{Conversation, TurnState};
use keyturn::history::HistoryStore;
use keyturn::history::writer::HistoryWriter;
use keyturn::mock::{MockOptions, MockProvider, Reply};
use keyturn::providers::{Role, Usage};
use support::{local_config, write_config};

/// The binary in UTC, so dates in its output are the same everywhere.
fn keyturn(home: &Path, args: &[&str]) -> Output {
    crate::support::keyturn(home, args, None, &[("TZ", "UTC")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_records_usage_and_the_report_prices_it() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("one"));
    mock.push(Reply::text("two"));
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    std::fs::write(
        home.path().join("prices.toml"),
        "[[model]]\nprovider = \"local\"\nmodel = \"mock-model\"\ninput = 1e-3\noutput = 2e-3\n",
    )
    .unwrap();
    let h = home.path().to_path_buf();
    let (json, table) = tokio::task::spawn_blocking(move || {
        assert!(keyturn(&h, &["ask", "first"]).status.success());
        assert!(keyturn(&h, &["ask", "second"]).status.success());
        let json = keyturn(&h, &["usage", "--json", "--by", "model"]);
        let table = keyturn(&h, &["usage"]);
        (json, table)
    })
    .await
    .unwrap();
    assert!(json.status.success(), "{}", text(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let row = &v["rows"][0];
    assert_eq!(row["group"], "local mock-model");
    assert_eq!(row["requests"], 2);
    let (input, output) = (
        row["input"].as_f64().unwrap(),
        row["output"].as_f64().unwrap(),
    );
    assert!(input > 0.0 && output > 0.0, "{v}");
    let cost = row["cost_usd"].as_f64().unwrap();
    assert!((cost - (input * 1e-3 + output * 2e-3)).abs() < 1e-9, "{v}");
    let t = text(&table.stdout);
    assert!(t.contains("local") && t.contains("total"), "{t}");
    // A bad month is a usage error that says what it wants.
    let home2 = home.path().to_path_buf();
    let bad =
        tokio::task::spawn_blocking(move || keyturn(&home2, &["usage", "--month", "11/2026"]))
            .await
            .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("YYYY-MM"));
}

#[test]
fn history_lists_shows_exports_searches_and_removes() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    let store = HistoryStore::new(&home.path().join("data"));
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    conv.push(
        Role::User,
        "How do I reverse a list in Python?".into(),
        TurnState::Done,
    );
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    let a = conv.push(
        Role::Assistant,
        "Use `reversed(xs)` or `xs[::-1]`.".into(),
        TurnState::Done,
    );
    conv.messages[a].provider = "openai".into();
    conv.messages[a].model = "gpt-4.1".into();
    conv.messages[a].answered = true;
    conv.messages[a].usage = Some(Usage {
        input_tokens: 1000,
        output_tokens: 500,
        ..Default::default()
    });
    // The ledger prices the turn as it ends, at the prices of that day…
    let ended = w.sync(&conv).unwrap().ended;
    assert_eq!(ended[0].conversation.as_deref(), Some(conv.id.as_str()));
    let then = keyturn::usage::prices::PriceTable::parse(
        "[[model]]\nprovider = \"openai\"\nmodel = \"gpt-4.1\"\ninput = 2e-6\noutput = 8e-6\n",
    )
    .unwrap();
    let ledger = keyturn::usage::Ledger::new(&home.path().join("data"));
    let record = keyturn::usage::record_for(&ended[0], 1_790_000_000, &then);
    ledger.append(&record, &jiff::tz::TimeZone::UTC).unwrap();
    // …and a later price change does not rewrite what the conversation cost.
    std::fs::write(
        home.path().join("prices.toml"),
        "[[model]]\nprovider = \"openai\"\nmodel = \"gpt-4.1\"\ninput = 1\noutput = 1\n",
    )
    .unwrap();
    let id = conv.id.clone();
    let h = home.path();

    let list = text(&keyturn(h, &["history", "list"]).stdout);
    assert!(
        list.contains(&id) && list.contains("How do I reverse a list in Python?"),
        "{list}"
    );
    let export = keyturn(h, &["history", "export", &id]);
    let md = text(&export.stdout);
    insta::assert_snapshot!("history_export", md.replace(&id, "ID"));
    // `last` and a unique prefix name the same conversation.
    assert_eq!(text(&keyturn(h, &["history", "show", "last"]).stdout), md);
    assert_eq!(
        text(&keyturn(h, &["history", "show", &id[..10]]).stdout),
        md
    );
    let none = keyturn(h, &["history", "show", "1999"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("no conversation \"1999\""));
    let found = text(&keyturn(h, &["history", "search", "XS[::-1]"]).stdout);
    assert!(found.contains(&id), "{found}");
    assert_eq!(
        keyturn(h, &["history", "search", "nothing like it"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        keyturn(h, &["history", "show", "../keys"]).status.code(),
        Some(2)
    );
    // rm without --yes and without a terminal keeps it.
    assert!(!keyturn(h, &["history", "rm", &id]).status.success());
    assert!(store.path(&id).exists());
    assert!(
        keyturn(h, &["history", "rm", "--yes", &id])
            .status
            .success()
    );
    assert!(!store.path(&id).exists());
    assert!(text(&keyturn(h, &["history", "list"]).stdout).contains("No saved conversations"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_refuses_at_a_cap_and_over_budget_sends_once() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    for _ in 0..3 {
        mock.push(Reply::text("answer"));
    }
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &local_config(&mock.base_url(), "\n[budget]\nmonthly_usd = 0.001\n"),
    );
    std::fs::write(
        home.path().join("prices.toml"),
        "[[model]]\nprovider = \"local\"\nmodel = \"mock-model\"\ninput = 1e-3\noutput = 1e-3\n",
    )
    .unwrap();
    let h = home.path().to_path_buf();
    let (first, second, third) = tokio::task::spawn_blocking(move || {
        (
            // The first request's estimate alone crosses this tiny cap: sent anyway.
            keyturn(&h, &["ask", "--over-budget", "one"]),
            keyturn(&h, &["ask", "two"]),
            keyturn(&h, &["ask", "--over-budget", "three"]),
        )
    })
    .await
    .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(second.status.code(), Some(2));
    let err = text(&second.stderr);
    assert!(
        err.contains("The global monthly budget is used up") && err.contains("--over-budget"),
        "{err}"
    );
    assert!(second.stdout.is_empty());
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert_eq!(text(&third.stdout), "answer\n");
    assert!(!text(&first.stderr).contains("cannot be enforced"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_refuses_a_request_whose_estimate_would_cross_a_cap_and_says_the_estimate() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("answer"));
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &local_config(&mock.base_url(), "\n[budget]\nmonthly_usd = 0.05\n"),
    );
    std::fs::write(
        home.path().join("prices.toml"),
        "[[model]]\nprovider = \"local\"\nmodel = \"mock-model\"\ninput = 1e-3\noutput = 1e-3\n",
    )
    .unwrap();
    let h = home.path().to_path_buf();
    let long = "word ".repeat(100);
    let (big, small) = tokio::task::spawn_blocking(move || {
        (keyturn(&h, &["ask", &long]), keyturn(&h, &["ask", "hi"]))
    })
    .await
    .unwrap();
    // About 107 tokens at $0.001: $0.107 would take the $0.05 cap past its limit.
    assert_eq!(big.status.code(), Some(2), "{}", text(&big.stderr));
    let err = text(&big.stderr);
    assert!(
        err.contains("this request's estimated $0.10") && err.contains("past its cap"),
        "{err}"
    );
    assert!(
        err.contains("Nothing was sent") && err.contains("--over-budget"),
        "{err}"
    );
    assert!(small.status.success(), "{}", text(&small.stderr));
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "only the small request went out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_warns_that_a_cap_cannot_count_an_unpriced_model_and_a_broken_price_list() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("answer"));
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &local_config(&mock.base_url(), "\n[budget]\nmonthly_usd = 5\n"),
    );
    std::fs::write(home.path().join("prices.toml"), "[[model]]\nnot a price").unwrap();
    let h = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || keyturn(&h, &["ask", "one"]))
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "The global monthly budget cannot be enforced: no price is known for mock-model"
        ),
        "{err}"
    );
    assert!(err.contains("Could not use your price list"), "{err}");
    assert_eq!(text(&out.stdout), "answer\n");
}

/// stdout to a file that cannot take it (/dev/full): the command fails; a closed pipe does not.
#[test]
fn a_failed_write_of_the_output_exits_non_zero() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_keyturn"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("KEYTURN_HOME", home.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    for args in [
        &["history", "list"][..],
        &["usage"][..],
        &["usage", "--json"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = run(args, Stdio::from(full));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains("cannot write the output"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // A reader that goes away early is not an error.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = run(&["history", "list"], Stdio::from(writer));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn hostile_model_ids_print_clean_at_any_length() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    let hostile = format!(
        "evil\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;owned\u{7}\u{200B}{}",
        "x".repeat(70_000)
    );
    let ledger = keyturn::usage::Ledger::new(&home.path().join("data"));
    let turn = keyturn::chat::TurnEnded {
        provider: "local".into(),
        model: hostile.clone(),
        key_id: None,
        usage: None,
        prompt_chars: 4,
        reply_chars: 4,
        state: keyturn::chat::EndState::Done,
        conversation: None,
        message: None,
    };
    let record = keyturn::usage::record_for(
        &turn,
        keyturn::time::now(),
        &keyturn::usage::prices::PriceTable::default(),
    );
    ledger
        .append(&record, &jiff::tz::TimeZone::system())
        .unwrap();
    let out = keyturn(home.path(), &["usage", "--by", "model"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("evil") && !s.contains('\u{1b}') && !s.contains('\u{200B}'));
    // A conversation answered by that model exports clean too.
    let store = HistoryStore::new(&home.path().join("data"));
    let mut w = HistoryWriter::new(store);
    let mut conv = Conversation::default();
    // Text from an edited file: its escapes never reach the terminal either.
    conv.push(Role::User, "q\u{1b}]0;title\u{7}".into(), TurnState::Done);
    let a = conv.push(Role::Assistant, "a\u{1b}[2J".into(), TurnState::Done);
    conv.messages[a].model = hostile;
    conv.messages[a].provider_id = "local".into();
    w.sync(&conv).unwrap();
    let md = text(&keyturn(home.path(), &["history", "show", "last"]).stdout);
    assert!(
        md.contains("evil") && !md.contains('\u{1b}') && !md.contains('\u{7}'),
        "escape in the export"
    );
}

#[test]
fn under_umask_000_an_export_is_still_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    let store = HistoryStore::new(&home.path().join("data"));
    let mut w = HistoryWriter::new(store);
    let mut conv = Conversation::default();
    conv.push(Role::User, "private question".into(), TurnState::Done);
    w.sync(&conv).unwrap();
    let out_file = home.path().join("out.md");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{}' history export last -o '{}'",
            env!("CARGO_BIN_EXE_keyturn"),
            out_file.display()
        ))
        .env("KEYTURN_HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o077,
        0,
        "group/other can read or write the export: {mode:o}"
    );
}
