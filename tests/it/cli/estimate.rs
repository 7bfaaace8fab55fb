//! `keyturn ask --estimate` and the refusal of a request that cannot fit its window, through
//! the real binary against the mock on 127.0.0.1 (which must see no request at all).

use crate::support::{self, blocking, local_config, text, write_config};
use keyturn::mock::{MockOptions, MockProvider};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn estimate_prints_tokens_window_and_cost_and_sends_nothing() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &local_config(
            &mock.base_url(),
            "max_tokens = 500\n[models.\"mock-model\"]\ncontext_window = 8000\n",
        ),
    );
    let h = home.path().to_path_buf();
    let out = blocking(move || {
        support::keyturn(
            &h,
            &["ask", "--estimate", "Hello world"],
            Some("piped text\n"),
            &[],
        )
    })
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let e = json(&out);
    assert_eq!(e["provider"], "local");
    assert_eq!(e["model"], "mock-model");
    // "Hello world\n\npiped text": 2 + 1 + 2 tokens, the message and the reply's overhead.
    assert_eq!(e["input_tokens"], 5 + 4 + 3);
    assert_eq!(e["exact"], false);
    assert_eq!(e["context_window"], 8000);
    assert_eq!(e["window_source"], "config");
    assert_eq!(e["reserved_output_tokens"], 500);
    assert!(e["max_output_tokens"].is_null());
    // The local mock has no price: unknown, not zero.
    assert!(e["estimated_cost_usd"].is_null());
    assert!(mock.requests().is_empty(), "an estimate sends nothing");
}

#[test]
fn a_priced_model_with_a_shipped_window_is_estimated_without_its_key() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), "default_provider = \"openai\"\n");
    let out = support::keyturn(
        home.path(),
        &["ask", "--estimate", "--model", "gpt-4.1", "Hello world"],
        None,
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let e = json(&out);
    assert_eq!(e["context_window"], 1_047_576);
    assert_eq!(e["max_output_tokens"], 32_768);
    assert_eq!(e["window_source"], "shipped");
    // gpt-4.1: $2 per million in, $8 out; the input plus the most output it may have.
    let tokens = e["input_tokens"].as_f64().unwrap();
    let want = tokens * 2e-6 + 32_768.0 * 8e-6;
    let got = e["estimated_cost_usd"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    assert!((e["estimated_input_cost_usd"].as_f64().unwrap() - tokens * 2e-6).abs() < 1e-9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_its_window_is_refused_with_exit_2_and_nothing_sent() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &local_config(
            &mock.base_url(),
            "[models.\"mock-model\"]\ncontext_window = 50\n",
        ),
    );
    let h = home.path().to_path_buf();
    let prompt = "word ".repeat(100);
    let out = blocking(move || support::keyturn(&h, &["ask", &prompt], None, &[])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("context window of 50 tokens"), "{err}");
    assert!(err.contains("Nothing was sent"), "{err}");
    assert!(text(&out.stdout).is_empty());
    assert!(mock.requests().is_empty());
    // A short one fits and is sent.
    let h = home.path().to_path_buf();
    let out = blocking(move || support::keyturn(&h, &["ask", "hi"], None, &[])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn a_models_table_with_a_zero_or_unknown_limit_names_its_line() {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "default_provider = \"openai\"\n\n[models.\"gpt-4.1\"]\ncontext_window = 0\n",
    );
    let out = support::keyturn(home.path(), &["ask", "--estimate", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("config.toml:3:1"), "{err}");
    assert!(err.contains("0 tokens fits nothing"), "{err}");
    write_config(
        home.path(),
        "default_provider = \"openai\"\n[models.\"gpt-4.1\"]\ncontext = 5\n",
    );
    let out = support::keyturn(home.path(), &["ask", "--estimate", "hi"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown field `context`") && err.contains("`context_window`"),
        "{err}"
    );
}
