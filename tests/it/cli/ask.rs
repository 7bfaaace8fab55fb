//! The real binary's one-shot mode and start-up errors, against the mock on 127.0.0.1.

use crate::support;

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{blocking, text};
use keyturn::mock::{MockOptions, MockProvider, Reply};
use support::{canary_key, local_config, write_config};

/// The binary with debug logging on (leak checks read the log too).
fn keyturn(home: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut all = vec![("KEYTURN_LOG", "debug")];
    all.extend_from_slice(env);
    crate::support::keyturn(home, args, stdin, &all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_streams_only_the_answer_to_stdout() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("The answer is 42."));
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "what", "is", "it?"], None, &[])).await;
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "The answer is 42.\n");
    assert!(out.status.success());
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(body["messages"][0]["content"], "what is it?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_stdin_is_appended_and_flags_apply() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    let h = home.path().to_path_buf();
    let out = blocking(move || {
        keyturn(
            &h,
            &[
                "ask",
                "review this",
                "--model",
                "other-model",
                "--system",
                "be terse",
            ],
            Some("diff --git a b\n+x\n"),
            &[],
        )
    })
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(body["model"], "other-model");
    assert_eq!(body["messages"][0]["content"], "be terse");
    assert_eq!(
        body["messages"][1]["content"],
        "review this\n\ndiff --git a b\n+x"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_errors_go_to_stderr_with_exit_1_and_never_show_the_key() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let cfg = local_config(&mock.base_url(), "").replace(
        "auth = \"none\"",
        "auth = \"key\"\napi_key_env = \"TEST_PROVIDER_KEY\"",
    );
    write_config(home.path(), &cfg);
    let key = canary_key();
    let (h, k) = (home.path().to_path_buf(), key.clone());
    let out =
        blocking(move || keyturn(&h, &["ask", "mock:401"], None, &[("TEST_PROVIDER_KEY", &k)]))
            .await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(err.contains("rejected the API key (401"), "{err}");
    assert!(
        mock.requests()[0]
            .header("authorization")
            .unwrap()
            .contains(&key)
    );
    let log = std::fs::read_to_string(home.path().join("logs/keyturn.log")).unwrap_or_default();
    for (what, s) in [("stderr", &err), ("log", &log)] {
        assert!(!s.contains("CANARY"), "key leaked into {what}: {s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_exit_non_zero_with_a_message() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    for (prompt, needle) in [
        ("mock:429", "rate-limiting"),
        ("mock:500", "server error"),
        ("mock:reset", "lost mid-reply"),
        ("mock:no-done", "ended before it was finished"),
        ("mock:stall", "sent nothing for 2s"),
    ] {
        let h = home.path().to_path_buf();
        let out = blocking(move || keyturn(&h, &["ask", prompt], None, &[])).await;
        assert_eq!(out.status.code(), Some(1), "{prompt}");
        assert!(
            text(&out.stderr).contains(needle),
            "{prompt}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_broken_config_names_file_line_and_key_and_refuses_to_start() {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "default_model = \"x\"\n[ui]\ntheme = \"dark\"\ncolour = 3\n",
    );
    for args in [&["ask", "hi"][..], &[][..]] {
        let out = keyturn(home.path(), args, None, &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        let expected = format!("{}:4:1:", home.path().join("config.toml").display());
        assert!(err.contains(&expected), "{err}");
        assert!(err.contains("colour"), "{err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let out = keyturn(home.path(), &["ask", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no provider configured"));
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    let out = keyturn(home.path(), &["ask"], Some(""), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nothing to ask"));
    let out = keyturn(home.path(), &["ask", "--provider", "nope", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no provider \"nope\""));
    let cfg = local_config("http://127.0.0.1:9/v1", "").replace(
        "auth = \"none\"",
        "auth = \"key\"\napi_key_env = \"UNSET_KEY_VAR\"",
    );
    write_config(home.path(), &cfg);
    let out = keyturn(home.path(), &["ask", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("UNSET_KEY_VAR"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_tui_without_a_terminal_points_to_ask() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    for args in [&[][..], &["demo"][..]] {
        let out = keyturn(home.path(), args, Some(""), &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("needs a terminal") && err.contains("keyturn ask"),
            "{err}"
        );
        assert!(!err.contains("os error"), "{err}");
    }
}

#[test]
fn connection_refused_is_explained() {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    write_config(
        home.path(),
        &local_config(&format!("http://127.0.0.1:{port}/v1"), ""),
    );
    let out = keyturn(home.path(), &["ask", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Could not connect to Local mock"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_proxy_and_no_proxy_are_honoured() {
    // The mock doubles as a forward proxy: the request line carries the absolute URL.
    let proxy = MockProvider::start(MockOptions::default()).await.unwrap();
    proxy.push(Reply::text("via the proxy"));
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://proxied.invalid/v1", ""));
    let proxy_url = format!("http://{}", proxy.addr);
    let (h, p) = (home.path().to_path_buf(), proxy_url.clone());
    let out = blocking(move || {
        keyturn(
            &h,
            &["ask", "hi"],
            None,
            &[("HTTP_PROXY", &p), ("http_proxy", &p)],
        )
    })
    .await;
    assert_eq!(
        text(&out.stdout),
        "via the proxy\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        proxy.requests()[0].path,
        "http://proxied.invalid/v1/chat/completions"
    );
    let h = home.path().to_path_buf();
    let out = blocking(move || {
        keyturn(
            &h,
            &["ask", "hi"],
            None,
            &[
                ("HTTP_PROXY", &proxy_url),
                ("http_proxy", &proxy_url),
                ("NO_PROXY", "proxied.invalid"),
            ],
        )
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "NO_PROXY bypasses the proxy, and .invalid does not resolve"
    );
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn completions_and_man_page_are_generated_from_the_cli() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let script = text(&out.stdout);
        assert!(
            script.contains("keyturn") && script.contains("COMPLETE"),
            "{shell}: {script}"
        );
    }
    // bash itself, sourcing the script, completes a subcommand by asking the binary.
    let dir = std::path::Path::new(env!("CARGO_BIN_EXE_keyturn"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg("source <(keyturn completions bash); COMP_WORDS=(keyturn keys import-); COMP_CWORD=2; COMP_TYPE=9; _clap_complete_keyturn keyturn import- keys; echo \"${COMPREPLY[@]}\"")
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).trim(),
        "import-env",
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    let main = text(&out.stdout);
    assert!(main.starts_with(".ie") && main.contains(".TH keyturn 1"));
    for section in ["ENVIRONMENT", "FILES", "EXIT STATUS", "KEY BINDINGS"] {
        assert!(
            main.contains(&format!(".SH \"{section}\""))
                || main.contains(&format!(".SH {section}")),
            "{section}"
        );
    }
    assert!(main.contains("KEYTURN_PASSPHRASE_FILE") && main.contains("NO_COLOR"));
    // Every page a page refers to exists: keyturn-ask(1), keyturn-keys-add(1), …
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut refs = std::collections::BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        count += 1;
        assert!(page.contains("EXIT STATUS"));
        // roff writes keyturn-ask(1) as \fBkeyturn\-ask\fR(1).
        let plain = page
            .replace("\\-", "-")
            .replace("\\fB", " ")
            .replace("\\fR", "");
        for word in plain.split_whitespace() {
            if let Some(name) = word
                .strip_suffix("(1)")
                .filter(|n| n.starts_with("keyturn"))
            {
                refs.insert(name.to_string());
            }
        }
    }
    assert!(count > 20, "{count} pages");
    assert!(refs.contains("keyturn-ask"), "{refs:?}");
    for name in &refs {
        assert!(
            dir.path().join(format!("{name}.1")).is_file(),
            "dangling {name}(1)"
        );
    }
    let ask = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .args(["man", "ask"])
        .output()
        .unwrap();
    assert!(
        text(&ask.stdout).contains("continue"),
        "the ask page documents --continue"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_saves_the_exchange_and_continue_sends_the_earlier_turns() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    for answer in ["Paris.", "About 2.1 million.", "Unsaved."] {
        mock.push(Reply::text(answer));
    }
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    let h = home.path().to_path_buf();
    let (first, second, third, show, list) = blocking(move || {
        let first = keyturn(&h, &["ask", "capital of France?"], None, &[]);
        let second = keyturn(&h, &["ask", "-c", "how many live there?"], None, &[]);
        let third = keyturn(&h, &["ask", "--no-save", "unrelated"], None, &[]);
        let show = keyturn(&h, &["history", "show", "last"], None, &[]);
        let list = keyturn(&h, &["history", "list", "--json"], None, &[]);
        (first, second, third, show, list)
    })
    .await;
    for out in [&first, &second, &third] {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert_eq!(text(&second.stdout), "About 2.1 million.\n");
    // The continued request carries the first exchange.
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[1].body).unwrap();
    let sent: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        sent,
        ["capital of France?", "Paris.", "how many live there?"]
    );
    // One conversation, four messages; --no-save added none.
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["messages"], 4);
    let md = text(&show.stdout);
    assert!(md.contains("how many live there?") && md.contains("About 2.1 million."));
    assert!(!md.contains("Unsaved."));
    // Its cost is read from the ledger: both saved requests name the conversation.
    assert!(md.contains("requests: 2\n"), "{md}");
    let id = list[0]["id"].as_str().unwrap().to_string();
    let ledger = std::fs::read_dir(home.path().join("data/usage"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert_eq!(ledger.lines().count(), 3, "{ledger}");
    assert_eq!(ledger.matches(&id).count(), 2, "{ledger}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_names_a_conversation_or_says_why_not() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config("http://127.0.0.1:9/v1", ""));
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "--continue=nope", "hi"], None, &[])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no conversation \"nope\""),
        "{}",
        text(&out.stderr)
    );
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "-c", "hi"], None, &[])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no saved conversations yet"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_that_is_not_utf8_is_read_lossily_with_a_warning_or_refused() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("ok"));
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    let log: &[u8] = b"error: caf\xe9 not found\n";
    let h = home.path().to_path_buf();
    let (lossy, strict) = blocking(move || {
        (
            support::keyturn_bytes(&h, &["ask", "why"], Some(log), &[]),
            support::keyturn_bytes(&h, &["ask", "--strict-utf8", "why"], Some(log), &[]),
        )
    })
    .await;
    assert!(lossy.status.success(), "{}", text(&lossy.stderr));
    let warn = text(&lossy.stderr);
    assert!(
        warn.contains("not valid UTF-8 (first bad byte at offset 10)"),
        "{warn}"
    );
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(
        body["messages"][0]["content"],
        "why\n\nerror: caf\u{FFFD} not found"
    );
    assert_eq!(strict.status.code(), Some(2));
    assert!(text(&strict.stderr).contains("--strict-utf8"));
    assert_eq!(mock.requests().len(), 1, "a refused stdin sends nothing");
}

#[test]
fn completion_offers_providers_models_keys_and_conversations() {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &(local_config("http://127.0.0.1:9/v1", "").replace("auth = \"none\"", "auth = \"key\"")
            + "[keystore]\nscrypt_work_factor = 10\n"),
    );
    let pass = [("KEYTURN_PASSPHRASE", "complete pass")];
    let added = keyturn(
        home.path(),
        &["keys", "add", "local", "--force", "--label", "work"],
        Some("sk-test-completion-key-0042"),
        &pass,
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    // A saved conversation.
    let store = keyturn::history::HistoryStore::new(&home.path().join("data"));
    let mut w = keyturn::history::writer::HistoryWriter::new(store);
    let mut conv = keyturn::app::Conversation::default();
    conv.push(
        keyturn::providers::Role::User,
        "a question worth keeping".into(),
        keyturn::app::TurnState::Done,
    );
    let id = w.sync(&conv).unwrap().created.unwrap();
    // The shell asks the binary (fish's protocol: the words after --, the last one typed).
    let complete = |words: &[&str], env: &[(&str, &str)]| {
        let mut all = vec![("COMPLETE", "fish")];
        all.extend_from_slice(env);
        let mut args = vec!["--", "keyturn"];
        args.extend_from_slice(words);
        text(&keyturn(home.path(), &args, None, &all).stdout)
    };
    let providers = complete(&["--provider", ""], &[]);
    assert!(
        providers.contains("local\t") && providers.contains("openai\t"),
        "{providers}"
    );
    let models = complete(&["ask", "--model", ""], &[]);
    assert!(models.contains("mock-model\tlocal"), "{models}");
    let convs = complete(&["history", "show", ""], &[]);
    assert!(
        convs.contains(&id) && convs.contains("a question worth keeping") && convs.contains("last"),
        "{convs}"
    );
    let keys = complete(&["keys", "rotate", ""], &pass);
    assert!(
        keys.contains("local") && keys.contains("…0042") && keys.contains("work"),
        "{keys}"
    );
    assert!(
        !keys.contains("completion-key"),
        "a secret in completions: {keys}"
    );
    // Without a way to unlock, no key ids (and no prompt).
    let locked = complete(&["keys", "rotate", ""], &[("KEYTURN_PASSPHRASE", "")]);
    assert!(!locked.contains("…0042"), "{locked}");
    // `completions bash` prints the script that asks the binary.
    let script = keyturn(home.path(), &["completions", "bash"], None, &[]);
    assert!(text(&script.stdout).contains("COMPLETE=\"bash\""));
}
