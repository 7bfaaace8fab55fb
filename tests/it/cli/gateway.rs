//! A LiteLLM gateway's own figures: its cost of the request (a response header) is what the
//! ledger records, for a model keyturn has no price for.

use crate::support::{blocking, keyturn, local_config, text, write_config};
use keyturn::mock::{MockOptions, MockProvider};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateways_cost_header_is_the_ledgers_cost() {
    let mock = MockProvider::start(MockOptions {
        stream_headers: vec![
            ("x-litellm-response-cost".into(), "0.0123".into()),
            ("x-litellm-key-spend".into(), "4.5".into()),
            ("x-litellm-key-max-budget".into(), "20".into()),
        ],
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "hi"], None, &[])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let h = home.path().to_path_buf();
    let usage = blocking(move || keyturn(&h, &["usage", "--json"], None, &[])).await;
    let report: serde_json::Value = serde_json::from_str(&text(&usage.stdout)).unwrap();
    assert_eq!(report["total"]["cost_usd"], 0.0123, "{report}");
    assert_eq!(report["total"]["unpriced"], 0);
    let month = std::fs::read_dir(home.path().join("data/usage"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let line = std::fs::read_to_string(month).unwrap();
    assert!(line.contains("\"cost_source\":\"provider\""), "{line}");
}
