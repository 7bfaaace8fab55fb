//! Attachments through the real binary in tmux at 80x24: `@` and Tab complete a path and
//! attach the file as a chip, the message goes with it; text piped into `keyturn` is
//! attached to the first message while keys come from the terminal.

use super::tui::{Tmux, setup};
use crate::support::blocking;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_and_tab_attach_a_file_and_the_message_carries_it() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let (mock, home) = setup(0.0).await;
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir(work.path().join("src")).unwrap();
    std::fs::write(
        work.path().join("src/main.rs"),
        "fn main() { println!(\"hi\"); }\n",
    )
    .unwrap();
    std::fs::write(work.path().join("src/mock.rs"), "// mock\n").unwrap();
    let h = home.path().to_path_buf();
    let w = work.path().to_path_buf();
    blocking(move || {
        let bin = env!("CARGO_BIN_EXE_keyturn");
        let t = Tmux::start_script(
            &h,
            80,
            24,
            &format!("cd '{}' && {bin} --home '{}'", w.display(), h.display()),
        );
        t.wait_for("Ask anything");
        t.keys(&["-l", "explain @sr"]);
        t.keys(&["Tab"]);
        t.wait_for("explain @src/");
        t.keys(&["-l", "ma"]);
        t.keys(&["Tab"]);
        let s = t.wait_for("⎘ src/main.rs");
        assert!(s.contains("explain src/main.rs"), "{s}");
        assert!(s.contains("Ctrl-X removes the last"), "{s}");
        t.keys(&["Enter"]);
        let s = t.wait_for("⎘ src/main.rs · 30 B");
        assert!(
            !s.contains("removes the last"),
            "the chip went with the message: {s}"
        );
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(
        body["messages"][0]["content"],
        "src/main.rs:\n```\nfn main() { println!(\"hi\"); }\n```\n\nexplain src/main.rs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_piped_into_keyturn_is_attached_and_keys_come_from_the_terminal() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let (mock, home) = setup(0.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        let bin = env!("CARGO_BIN_EXE_keyturn");
        let t = Tmux::start_script(
            &h,
            80,
            24,
            &format!(
                "printf 'diff --git a b\\n+x\\n' | {bin} --home '{}'",
                h.display()
            ),
        );
        let s = t.wait_for("⎘ stdin");
        assert!(s.contains("stdin 18 B"), "{s}");
        t.keys(&["-l", "review this"]);
        t.keys(&["Enter"]);
        t.wait_for("⎘ stdin · 18 B");
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(
        body["messages"][0]["content"],
        "stdin:\n```\ndiff --git a b\n+x\n```\n\nreview this"
    );
}
