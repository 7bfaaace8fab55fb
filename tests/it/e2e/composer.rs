//! The composer through the real binary in tmux: `$EDITOR` compose with a stand-in editor.

use super::tui::{Tmux, setup};
use crate::support::blocking;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_draft_goes_to_the_editor_in_a_private_file_and_comes_back() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let (mock, home) = setup(0.0).await;
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().to_path_buf();
    // Records the file's mode, path and contents, then reads a line typed on the terminal
    // (keyturn must not take it) and appends it.
    let editor = seen.join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstat -c %a \"$1\" > '{d}/mode'\nprintf '%s' \"$1\" > '{d}/path'\ncp \"$1\" '{d}/given'\nprintf 'EDITOR> '\nread line\nprintf '\\n%s\\n' \"$line\" >> \"$1\"\n",
            d = seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let h = home.path().to_path_buf();
    let env = format!("EDITOR='{}'", editor.display());
    let seen2 = seen.clone();
    blocking(move || {
        let t = Tmux::start_env(&h, 80, 24, &env);
        t.wait_for("Ask anything");
        t.keys(&["-l", "first line"]);
        t.wait_for("first line");
        t.keys(&["C-g"]);
        t.wait_for("EDITOR>");
        // The window changes while the editor has it.
        t.resize(70, 20);
        t.keys(&["-l", "typed in the editor"]);
        t.keys(&["Enter"]);
        // The editor echoes the line too: wait for the TUI's screen, not the editor's.
        let s = t.wait_until("the TUI back with the edited draft", |s| {
            s.contains("typed in the editor") && !s.contains("EDITOR>")
        });
        assert!(s.contains("first line"), "{s}");
        assert!(
            !s.contains("EDITOR>"),
            "the TUI painted every cell again: {s}"
        );
        // The TUI came back at the new size: its rule spans 70 columns, not 80.
        let rule = s.lines().find(|l| l.contains("Message")).unwrap();
        assert_eq!(rule.chars().count(), 70, "{s}");
        assert_eq!(
            std::fs::read_to_string(seen2.join("mode")).unwrap().trim(),
            "600"
        );
        assert_eq!(
            std::fs::read_to_string(seen2.join("given")).unwrap(),
            "first line"
        );
        let path = std::fs::read_to_string(seen2.join("path")).unwrap();
        assert!(
            !std::path::Path::new(&path).exists(),
            "{path} was left behind"
        );
        // And it sends like any draft.
        t.keys(&["Enter"]);
        let s = t.wait_for("✓ done");
        assert!(s.contains("typed in the editor"), "{s}");
        t.keys(&["C-q"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let sent = mock.requests();
    let body = &sent.last().unwrap().body;
    assert!(body.contains("first line\\ntyped in the editor"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_queued_while_a_reply_streams_goes_when_it_ends() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    // Slow enough to type behind.
    let (mock, home) = setup(25.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        t.wait_for("Ask anything");
        t.keys(&["-l", "first question"]);
        t.keys(&["Enter"]);
        t.wait_for("Enter queues");
        t.keys(&["-l", "queued question"]);
        t.keys(&["Enter"]);
        let s = t.wait_for("⧗ queued: queued question");
        assert!(s.contains("Alt-Up edits"), "{s}");
        // Sent when the first reply ends, answered in turn.
        t.wait_until("the queued question answered", |s| {
            s.contains("You said: \"queued question\"") && s.contains("✓ done")
        });
        let s = t.screen();
        assert!(!s.contains("⧗ queued"), "{s}");
        t.keys(&["C-q"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let bodies: Vec<String> = mock.requests().iter().map(|r| r.body.clone()).collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies[1].contains("queued question"));
}
