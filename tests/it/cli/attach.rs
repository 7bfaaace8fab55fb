//! `keyturn ask -a` through the real binary against the mock: text files inline, an image
//! natively, refusals before sending (binary, unknown vision, limits) with exit 2, and the
//! attachment kept in history and listed by `history show`.

use crate::support::{blocking, local_config, text, write_config};
use keyturn::mock::{MockOptions, MockProvider, Reply};
use std::path::Path;
use std::process::Output;

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    2, 0, 0, 0, 1, 8, 6, 0, 0, 0,
];

/// The binary run in `dir` (attachment paths are relative to it).
fn keyturn_in(home: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_keyturn"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KEYTURN_HOME", home)
        .stdin(std::process::Stdio::null());
    cmd.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_attaches_text_and_images_and_refuses_what_cannot_go() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::text("A function."));
    mock.push(Reply::text("A pixel."));
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let cfg = local_config(&mock.base_url(), "") + "[models.\"vision-model\"]\nimages = true\n";
    write_config(home.path(), &cfg);
    std::fs::write(work.path().join("lib.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(work.path().join("dot.png"), PNG).unwrap();
    std::fs::write(work.path().join("prog"), [0x7F, b'E', b'L', b'F', 0]).unwrap();
    let (h, w) = (home.path().to_path_buf(), work.path().to_path_buf());
    let outs = blocking(move || {
        [
            keyturn_in(&h, &w, &["ask", "-a", "lib.rs", "what is it?"]),
            keyturn_in(
                &h,
                &w,
                &[
                    "ask",
                    "--model",
                    "vision-model",
                    "-a",
                    "dot.png",
                    "and this?",
                ],
            ),
            // Refused before sending: a model nothing says takes images, a binary, a limit.
            keyturn_in(&h, &w, &["ask", "-a", "dot.png", "x"]),
            keyturn_in(&h, &w, &["ask", "-a", "prog", "x"]),
            keyturn_in(&h, &w, &["ask", "-a", "nope.txt", "x"]),
            keyturn_in(&h, &w, &["history", "show", "last"]),
        ]
    })
    .await;
    for out in &outs[..2] {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let first: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    assert_eq!(
        first["messages"][0]["content"],
        "lib.rs:\n```\npub fn f() {}\n```\n\nwhat is it?"
    );
    let second: serde_json::Value = serde_json::from_str(&mock.requests()[1].body).unwrap();
    let parts = &second["messages"][0]["content"];
    assert_eq!(parts[0]["text"], "and this?");
    assert!(
        parts[1]["image_url"]["url"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{parts}"
    );
    for (out, says) in [
        (&outs[2], "does not know whether mock-model takes images"),
        (&outs[3], "prog is a binary file"),
        (&outs[4], "no file nope.txt"),
    ] {
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert_eq!(mock.requests().len(), 2, "refusals sent nothing");
    let shown = text(&outs[5].stdout);
    assert!(
        shown.contains("> attached: dot.png (image/png, 29 B, sha256 "),
        "{shown}"
    );
    let blobs = std::fs::read_dir(home.path().join("data/attachments"))
        .unwrap()
        .count();
    assert_eq!(blobs, 2);
}
