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
        let text = text(&out.stdout);
        assert!(
            text.contains("keyturn") && text.contains("import-env"),
            "{shell}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with(".ie") && text(&out.stdout).contains(".TH keyturn 1"));
}
