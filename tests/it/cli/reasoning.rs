//! `keyturn ask --reasoning` against the mock: the effort reaches the Responses API, the
//! reasoning tokens reach the ledger and `keyturn usage`, a model that does not reason is
//! sent none and the user is told.

use crate::support::{blocking, keyturn, local_config, text, write_config};
use keyturn::mock::{MockOptions, MockProvider};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_sends_the_effort_and_the_ledger_keeps_the_reasoning_tokens() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let extra =
        "api = \"responses\"\nreasoning_effort = \"low\"\nmodels = [\"o4-mini\", \"mock-model\"]\n";
    write_config(home.path(), &local_config(&mock.base_url(), extra));
    let h = home.path().to_path_buf();
    let out = blocking(move || {
        keyturn(
            &h,
            &[
                "ask",
                "--model",
                "o4-mini",
                "--reasoning",
                "high",
                "mock:reasoning",
            ],
            None,
            &[],
        )
    })
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Thought about it: **yes**.\n");
    let req = &mock.requests()[0];
    assert_eq!(req.path, "/v1/responses");
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(
        body["reasoning"]["effort"], "high",
        "the flag over config's low"
    );
    assert_eq!(body["store"], false);
    // The reasoning tokens are in the ledger, as part of the output.
    let h = home.path().to_path_buf();
    let usage = blocking(move || keyturn(&h, &["usage", "--json"], None, &[])).await;
    let rows: serde_json::Value = serde_json::from_str(&text(&usage.stdout)).unwrap();
    let row = &rows["total"];
    let (output, reasoning) = (
        row["output"].as_u64().unwrap(),
        row["reasoning"].as_u64().unwrap(),
    );
    assert!(reasoning > 0 && output > reasoning, "{row}");
    let h = home.path().to_path_buf();
    let usage = blocking(move || keyturn(&h, &["usage"], None, &[])).await;
    assert!(
        text(&usage.stdout).contains(&format!(
            "Reasoning: {reasoning} of the {output} output tokens (priced as output)."
        )),
        "{}",
        text(&usage.stdout)
    );
    // Without the flag, config's effort for the provider.
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "--model", "o4-mini", "hi"], None, &[])).await;
    assert!(out.status.success());
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[1].body).unwrap();
    assert_eq!(body["reasoning"]["effort"], "low");
    // A model that does not reason: nothing asked, and said.
    let h = home.path().to_path_buf();
    let out = blocking(move || {
        keyturn(
            &h,
            &[
                "ask",
                "--model",
                "mock-model",
                "--reasoning",
                "medium",
                "hi",
            ],
            None,
            &[],
        )
    })
    .await;
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("mock-model does not reason"),
        "{}",
        text(&out.stderr)
    );
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[2].body).unwrap();
    assert!(body.get("reasoning").is_none(), "{body}");
    // A level that is not one.
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["ask", "--reasoning", "max", "hi"], None, &[])).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("use off, low, medium or high"));
}
