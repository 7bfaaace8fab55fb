//! Branches through the real binary in tmux at 80x24: regenerate, switch back and forth
//! with the label following, and the file's tree read back by `keyturn history tree`.

use super::tui::{Tmux, setup};
use crate::support::{blocking, keyturn, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regenerate_then_switch_branches_and_the_tree_is_saved() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let (mock, home) = setup(0.0).await;
    mock.push(keyturn::mock::Reply::text("The first answer."));
    mock.push(keyturn::mock::Reply::text("The second answer."));
    let h = home.path().to_path_buf();
    blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        t.wait_for("Ask anything");
        t.keys(&["-l", "pick a colour"]);
        t.keys(&["Enter"]);
        t.wait_for("The first answer.");
        t.keys(&["C-r"]);
        let s = t.wait_for("The second answer.");
        assert!(s.contains("‹2/2›"), "{s}");
        assert!(!s.contains("The first answer."), "{s}");
        t.keys(&["M-Left"]);
        let s = t.wait_for("The first answer.");
        assert!(s.contains("‹1/2›") && s.contains("Branch 1 of 2"), "{s}");
        t.keys(&["M-Right"]);
        t.wait_for("The second answer.");
        t.keys(&["M-Left"]);
        t.wait_for("‹1/2›");
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["history", "tree", "last"], None, &[])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tree = text(&out.stdout);
    assert_eq!(
        tree.lines()
            .map(|l| l.split("  (").next().unwrap())
            .collect::<Vec<_>>(),
        [
            "* You: pick a colour",
            "  * Assistant · mock-model: The first answer.",
            "    Assistant · mock-model: The second answer.",
        ],
        "{tree}"
    );
    assert!(tree.contains("← branch: "), "{tree}");
    // The branch shown last is the one saved as shown.
    let h = home.path().to_path_buf();
    let out = blocking(move || keyturn(&h, &["history", "show", "last"], None, &[])).await;
    let md = text(&out.stdout);
    assert!(
        md.contains("The first answer.") && !md.contains("The second answer."),
        "{md}"
    );
    assert!(
        md.contains("requests: 1\n"),
        "only the branch shown is priced: {md}"
    );
}
