//! `keyturn ask --preset` and `--system` through the real binary against the mock: the
//! documented precedence, a preset's system file, the preset recorded in history, and
//! config errors at their line.

use crate::support::{blocking, keyturn, local_config, text, write_config};
use keyturn::mock::{MockOptions, MockProvider, Reply};

fn config(base_url: &str) -> String {
    format!(
        "default_preset = \"terse\"\nsystem_prompt = \"From config.\"\n{}\
         [presets.terse]\nsystem = \"One line only.\"\ntemperature = 0.3\nmax_tokens = 111\n\
         [presets.poet]\nsystem_file = \"poet.txt\"\nmodel = \"poet-model\"\n",
        local_config(base_url, "")
    )
}

fn body(mock: &MockProvider, i: usize) -> serde_json::Value {
    serde_json::from_str(&mock.requests()[i].body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preset_and_system_follow_one_precedence() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    for _ in 0..4 {
        mock.push(Reply::text("ok"));
    }
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &config(&mock.base_url()));
    std::fs::write(home.path().join("poet.txt"), "Answer in verse.\n").unwrap();
    let h = home.path().to_path_buf();
    let outs = blocking(move || {
        [
            keyturn(&h, &["ask", "a"], None, &[]),
            keyturn(&h, &["ask", "--preset", "poet", "b"], None, &[]),
            keyturn(
                &h,
                &[
                    "ask", "--preset", "poet", "--system", "Mine.", "--model", "m2", "c",
                ],
                None,
                &[],
            ),
            keyturn(&h, &["history", "show", "last"], None, &[]),
        ]
    })
    .await;
    for out in &outs {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The default preset: its prompt and settings.
    let a = body(&mock, 0);
    assert_eq!(a["messages"][0]["content"], "One line only.");
    assert_eq!(a["temperature"], 0.3);
    assert_eq!(a["max_tokens"], 111);
    assert_eq!(a["model"], "mock-model");
    // --preset: its system file and its model.
    let b = body(&mock, 1);
    assert_eq!(b["messages"][0]["content"], "Answer in verse.");
    assert_eq!(b["model"], "poet-model");
    assert!(b.get("temperature").is_none(), "{b}");
    // --system and --model win over the preset.
    let c = body(&mock, 2);
    assert_eq!(c["messages"][0]["content"], "Mine.");
    assert_eq!(c["model"], "m2");
    // History records the system prompt and the preset of each reply.
    let shown = text(&outs[3].stdout);
    assert!(shown.contains("system: \"Mine.\""), "{shown}");
    assert!(shown.contains("presets: [\"poet\"]"), "{shown}");
    assert!(shown.contains("(local · m2 · preset poet)"), "{shown}");
}

#[test]
fn unknown_presets_and_bad_preset_tables_are_refused_with_their_line() {
    let home = tempfile::tempdir().unwrap();
    let base = local_config("http://127.0.0.1:9/v1", "");
    let cases = [
        (
            format!("default_preset = \"nope\"\n{base}"),
            "config.toml:1:18",
            "default_preset = \"nope\" names no preset",
        ),
        (
            format!("{base}[presets.x]\nsystem = \"a\"\nsystem_file = \"b\"\n"),
            "config.toml:10:1",
            "both system and system_file",
        ),
        (
            format!("{base}[presets.x]\nsystem_file = \"missing.txt\"\n"),
            "config.toml:11:1",
            "cannot read",
        ),
        (
            format!("{base}[presets.x]\ntemperature = 9\n"),
            "config.toml:10:1",
            "is not a temperature",
        ),
    ];
    for (cfg, at, says) in cases {
        write_config(home.path(), &cfg);
        let out = keyturn(home.path(), &["ask", "hi"], None, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(at) && err.contains(says), "{cfg}\n→ {err}");
    }
    write_config(home.path(), &base);
    let out = keyturn(home.path(), &["ask", "--preset", "ghost", "hi"], None, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no preset \"ghost\""), "{err}");
}
