//! End to end: the real binary in a tmux pane (a real PTY) against the mock provider.
//! Needs tmux; when CI=true or KEYTURN_REQUIRE_TMUX is set a missing tmux is a failure.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::blocking;
use keyturn::mock::{MockOptions, MockProvider};
use support::{local_config, write_config};

pub(super) struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    pub(super) fn available() -> bool {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok
            && (std::env::var_os("CI").is_some()
                || std::env::var_os("KEYTURN_REQUIRE_TMUX").is_some())
        {
            panic!("tmux is required for the end-to-end tests (apt-get install tmux)");
        }
        ok
    }

    /// Starts `keyturn --home HOME` in an 80x24 pane; after it exits the shell prints the
    /// terminal's mode so tests can check it was restored.
    pub(super) fn start(home: &Path, w: u16, h: u16) -> Self {
        Self::start_env(home, w, h, "")
    }

    pub(super) fn start_env(home: &Path, w: u16, h: u16, env: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_keyturn");
        Self::start_script(
            home,
            w,
            h,
            &format!("{env} {bin} --home '{}'", home.display()),
        )
    }

    /// Runs `command` in the pane; afterwards the shell prints the exit code and tty mode.
    pub(super) fn start_script(home: &Path, w: u16, h: u16, command: &str) -> Self {
        // A fresh server each time, even for a restart in the same home.
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("kt{}-{n}", std::process::id());
        let socket = format!(
            "keyturn-test-{}-{}-{n}",
            std::process::id(),
            home.file_name().unwrap().to_string_lossy()
        );
        let script = format!(
            "{command}; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 60"
        );
        let st = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ])
            .arg(script)
            .env_remove("TMUX")
            .env("TERM", "xterm-256color")
            .status()
            .unwrap();
        assert!(st.success());
        Self { socket, session }
    }

    pub(super) fn tmux(&self, args: &[&str]) -> String {
        // tmux's own paste buffers never touch disk; the file fed to load-buffer is removed.
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(super) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub(super) fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.session])
    }

    /// Polls the screen until it contains `needle`.
    /// Polls the screen until `done` holds (with a deadline), and returns it.
    pub(super) fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let s = self.screen();
            if done(&s) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(super) fn wait_for(&self, needle: &str) -> String {
        let end = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(super) fn resize(&self, w: u16, h: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            &self.session,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

pub(super) async fn setup(rate: f64) -> (MockProvider, tempfile::TempDir) {
    let mock = MockProvider::start(MockOptions {
        tokens_per_sec: rate,
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &local_config(&mock.base_url(), ""));
    (mock, home)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_cancel_resize_and_quit_through_the_real_binary() {
    if !Tmux::available() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let (mock, home) = setup(200.0).await;
    let h = home.path().to_path_buf();
    let tmux = blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        t.wait_for("Ask anything");
        t.keys(&["hello there", "Enter"]);
        let s = t.wait_for("✓ done");
        assert!(s.contains("You said: \"hello there\""), "{s}");
        assert!(s.contains("Local mock"), "{s}");
        // Esc mid-stream: the partial answer stays, marked cancelled.
        t.keys(&["mock:stall", "Enter"]);
        t.wait_for("will not finish");
        t.keys(&["Escape"]);
        t.wait_for("cancelled · Ctrl-R to retry");
        t
    })
    .await;
    assert!(
        mock.wait_for(Duration::from_secs(2), |m| !m.disconnects().is_empty())
            .await,
        "the server never saw the cancel"
    );
    blocking(move || {
        for (w, h) in [(20, 6), (3, 2), (1, 1), (80, 24)] {
            tmux.resize(w, h);
            std::thread::sleep(Duration::from_millis(150));
        }
        tmux.wait_for("cancelled");
        tmux.keys(&["C-c"]);
        tmux.wait_for("EXIT=");
        let s = tmux.wait_for("icanon");
        assert!(s.contains("EXIT=0"), "{s}");
        assert!(
            s.contains(" icanon") || s.starts_with("icanon") || s.contains("\nicanon"),
            "terminal left in raw mode: {s}"
        );
        assert!(!s.contains("-icanon"), "terminal left in raw mode: {s}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_restores_the_terminal() {
    if !Tmux::available() {
        return;
    }
    let (_mock, home) = setup(0.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        // keyturn writes nothing of its PID: the shell that execs it does, so the test
        // signals exactly the process it started.
        let pidfile = h.join("keyturn.pid");
        let bin = env!("CARGO_BIN_EXE_keyturn");
        let t = Tmux::start_script(
            &h,
            80,
            24,
            &format!(
                "sh -c 'echo $$ > \"{}\"; exec {bin} --home \"{}\"'",
                pidfile.display(),
                h.display()
            ),
        );
        t.wait_for("Ask anything");
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        let st = Command::new("kill")
            .args(["-TERM", pid.trim()])
            .status()
            .unwrap();
        assert!(st.success());
        t.wait_for("EXIT=");
        let s = t.wait_for("icanon");
        assert!(
            !s.contains("-icanon") && s.contains("icanon"),
            "terminal not restored: {s}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_manager_adds_a_key_that_never_shows_on_screen_and_the_chat_uses_it() {
    if !Tmux::available() {
        return;
    }
    let key = support::canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(key.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let cfg = local_config(&mock.base_url(), "").replace("auth = \"none\"", "auth = \"key\"")
        + "[keystore]\nscrypt_work_factor = 10\n";
    write_config(home.path(), &cfg);
    let h = home.path().to_path_buf();
    let k = key.clone();
    let screens = blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        let mut screens = vec![t.wait_for("Ask anything")];
        t.keys(&["F3"]);
        t.keys(&["a"]);
        screens.push(t.wait_for("New passphrase"));
        t.keys(&["e2e passphrase", "Enter"]);
        screens.push(t.wait_for("Repeat passphrase"));
        t.keys(&["e2e passphrase", "Enter"]);
        screens.push(t.wait_for("Add a key for which provider"));
        t.keys(&["Enter"]);
        screens.push(t.wait_for("A label for the new local key"));
        t.keys(&["work", "Enter"]);
        screens.push(t.wait_for("Paste the local API key"));
        let paste = h.join("paste.txt");
        std::fs::write(&paste, format!("  {k}\n")).unwrap();
        t.tmux(&["load-buffer", paste.to_str().unwrap()]);
        std::fs::remove_file(&paste).unwrap();
        t.tmux(&["paste-buffer", "-p", "-t", &t.session]);
        screens.push(t.screen());
        t.keys(&["Enter"]);
        let s = t.wait_for("Added …");
        assert!(
            s.contains(&format!("…{}", &k[k.len() - 4..])) && s.contains("valid"),
            "{s}"
        );
        screens.push(s);
        t.keys(&["Escape"]);
        t.wait_for("Ask anything");
        t.keys(&["hello with a stored key", "Enter"]);
        screens.push(t.wait_for("✓ done"));
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
        screens
    })
    .await;
    for s in &screens {
        assert!(!s.contains("CANARY"), "the key reached the screen:\n{s}");
    }
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                assert!(
                    !bytes.windows(14).any(|w| w == b"sk-test-CANARY"),
                    "the key leaked into {}",
                    p.display()
                );
            }
        }
    }
    let auth = mock
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .map(|r| r.header("authorization").map(str::to_string))
        .next();
    assert_eq!(auth.flatten(), Some(format!("Bearer {key}")));
}

/// Starts keyturn in tmux with `debug_var` set, and checks it ends with exit 101, the panic's
/// message readable and the terminal out of raw mode.
async fn a_panic_ends_cleanly(debug_var: &str, message: &'static str) {
    if !Tmux::available() {
        return;
    }
    let (_mock, home) = setup(0.0).await;
    let h = home.path().to_path_buf();
    let env = format!("env RUST_BACKTRACE=0 {debug_var}=1");
    blocking(move || {
        let t = Tmux::start_env(&h, 80, 24, &env);
        t.wait_for("EXIT=");
        let s = t.wait_for("icanon");
        assert!(s.contains("EXIT=101"), "{s}");
        assert!(s.contains(message), "{s}");
        assert!(!s.contains("-icanon"), "terminal left in raw mode: {s}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_restores_the_terminal_and_its_message_is_readable() {
    a_panic_ends_cleanly(
        "KEYTURN_DEBUG_PANIC_AFTER_DRAW",
        "deliberate panic for the terminal-restore test",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_streams_shows_demo_keys_and_touches_no_real_home() {
    if !Tmux::available() {
        return;
    }
    let fake_home = tempfile::tempdir().unwrap();
    let h = fake_home.path().to_path_buf();
    blocking(move || {
        let bin = env!("CARGO_BIN_EXE_keyturn");
        let t = Tmux::start_script(
            &h,
            80,
            24,
            &format!(
                "env HOME='{}' XDG_CONFIG_HOME= XDG_DATA_HOME= {bin} demo",
                h.display()
            ),
        );
        let s = t.wait_for("Ask anything");
        assert!(s.contains(" DEMO ") && s.contains("Demo (offline)"), "{s}");
        t.keys(&["show me code", "Enter"]);
        let s = t.wait_for("✓ done");
        // The fenced block is drawn as a framed, labelled code block, not raw fences.
        assert!(
            s.contains("╭─ rust") && s.contains("println!") && !s.contains("```"),
            "{s}"
        );
        t.keys(&["F3"]);
        let s = t.wait_for("Key manager");
        assert!(
            s.contains("demo key") && s.contains("…good") && !s.contains("NOT-A-REAL"),
            "{s}"
        );
        assert!(!s.contains("readable by others"), "{s}");
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
        let left: Vec<_> = std::fs::read_dir(&h)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            left.is_empty(),
            "the demo wrote into the real home: {left:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copying_a_code_block_reaches_tmux_through_osc52() {
    if !Tmux::available() {
        return;
    }
    let (_mock, home) = setup(500.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        // tmux takes OSC 52 from programs in its panes when set-clipboard is on.
        t.tmux(&["set-option", "-g", "set-clipboard", "on"]);
        t.wait_for("Ask anything");
        t.keys(&["show me code", "Enter"]);
        t.wait_for("✓ done");
        // Tab to the conversation, jump to the code block, copy it.
        t.keys(&["Tab", "{", "c"]);
        let s = t.wait_for("Copied the rust code block");
        assert!(s.contains("╭─ rust"), "{s}");
        let end = Instant::now() + Duration::from_secs(5);
        let mut buffer = String::new();
        while Instant::now() < end {
            buffer = t.tmux(&["show-buffer"]);
            if !buffer.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            buffer.starts_with("fn main() {")
                && buffer.contains("println!(\"hello from the mock\");"),
            "tmux's buffer: {buffer:?}"
        );
        assert!(
            !buffer.contains('│') && !buffer.contains("```"),
            "{buffer:?}"
        );
        // Search from the keyboard: the match is counted and shown in the bar.
        t.keys(&["/", "mock", "Enter"]);
        let s = t.wait_for("/mock ");
        // "mock" six times in the reply (none in the question); the newest is current.
        assert!(s.contains("/mock 6/6"), "{s}");
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_then_restart_finds_the_partial_answer() {
    if !Tmux::available() {
        return;
    }
    let (_mock, home) = setup(200.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        {
            let t = Tmux::start(&h, 80, 24);
            t.wait_for("Ask anything");
            t.keys(&["first question", "Enter"]);
            t.wait_for("✓ done");
            t.keys(&["mock:stall", "Enter"]);
            t.wait_for("will not finish");
            // While a reply streams its file catches up within a quarter second.
            let saved = || {
                std::fs::read_dir(h.join("data/conversations"))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .any(|e| {
                        std::fs::read_to_string(e.path())
                            .is_ok_and(|t| t.contains("will not finish"))
                    })
            };
            let end = Instant::now() + Duration::from_secs(5);
            while !saved() {
                assert!(Instant::now() < end, "the partial answer was never saved");
                std::thread::sleep(Duration::from_millis(20));
            }
            // No chance to clean up: the process is killed outright (not the shell around it).
            let home_arg = h.display().to_string();
            let victims: Vec<String> = std::fs::read_dir("/proc")
                .unwrap()
                .flatten()
                .filter_map(|e| {
                    let pid = e.file_name().to_string_lossy().to_string();
                    pid.parse::<u32>().ok()?;
                    let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
                    let args: Vec<String> = cmd
                        .split(|b| *b == 0)
                        .map(|a| String::from_utf8_lossy(a).to_string())
                        .collect();
                    (args.first()?.ends_with("/keyturn") && args.contains(&home_arg)).then_some(pid)
                })
                .collect();
            assert_eq!(victims.len(), 1, "{victims:?}");
            assert!(
                Command::new("kill")
                    .args(["-9", &victims[0]])
                    .status()
                    .unwrap()
                    .success()
            );
            t.wait_for("Killed");
        }
        let t = Tmux::start(&h, 80, 24);
        let s = t.wait_for("incomplete");
        assert!(s.contains("will not finish"), "{s}");
        assert!(
            s.contains("first question") || s.contains("mock:stall"),
            "{s}"
        );
        // Files are private.
        use std::os::unix::fs::PermissionsExt;
        let dir = h.join("data/conversations");
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for e in std::fs::read_dir(&dir).unwrap() {
            let mode = e.unwrap().metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
        // The cut-off request never reached the ledger before the kill: the restart counts
        // it, estimated, once.
        let ledger: String = std::fs::read_dir(h.join("data/usage"))
            .map(|d| {
                d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let recovered: Vec<&str> = ledger
            .lines()
            .filter(|l| l.contains("\"estimated\":true"))
            .collect();
        assert_eq!(recovered.len(), 1, "{ledger}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_pane_switches_searches_renames_and_deletes() {
    if !Tmux::available() {
        return;
    }
    let (_mock, home) = setup(500.0).await;
    let h = home.path().to_path_buf();
    blocking(move || {
        let t = Tmux::start(&h, 80, 24);
        t.wait_for("Ask anything");
        t.keys(&["alpha question", "Enter"]);
        t.wait_for("✓ done");
        t.keys(&["C-n"]);
        t.wait_for("Ask anything");
        t.keys(&["beta question", "Enter"]);
        t.wait_for("✓ done");
        t.keys(&["F4"]);
        let s = t.wait_for("alpha question");
        assert!(
            s.contains("Conversations") && s.contains("● beta question"),
            "{s}"
        );
        // Type to search the text of every conversation.
        t.keys(&["alpha"]);
        // The list is searched again after each letter: wait for the whole query's answer.
        let s = t.wait_until("the search for alpha", |s| {
            s.contains("search: alpha")
                && s.contains("…alpha question…")
                && !s.contains("beta question")
        });
        assert!(!s.contains("beta question"), "{s}");
        t.keys(&["Enter"]);
        let s = t.wait_for("You said: \"alpha question\"");
        assert!(!s.contains("beta question"), "{s}");
        // Rename it, then delete the other one.
        // The list opens on the open conversation.
        t.keys(&["F4"]);
        t.wait_for("beta question");
        t.keys(&["C-r"]);
        t.wait_for("New title:");
        // The old title is selected: Ctrl-E keeps it and goes to its end, as in a shell.
        t.keys(&["C-e", " renamed", "Enter"]);
        let s = t.wait_for("alpha question renamed");
        // Move to the other one, wherever the order put it.
        let at = |needle: &str| s.lines().position(|l| l.contains(needle)).unwrap();
        let step = if at("beta question") < at("alpha question renamed") {
            "Up"
        } else {
            "Down"
        };
        t.keys(&[step, "C-d"]);
        t.wait_for("Delete \"beta question\"?");
        t.keys(&["y"]);
        t.wait_for("Deleted conversation");
        let end = Instant::now() + Duration::from_secs(5);
        while t.screen().contains("beta question") {
            assert!(Instant::now() < end, "still listed:\n{}", t.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
        t.keys(&["Escape"]);
        t.wait_for("You said: \"alpha question\"");
        t.keys(&["C-c"]);
        t.wait_for("EXIT=0");
    })
    .await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .args([
            "--home",
            &home.path().display().to_string(),
            "history",
            "list",
        ])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("alpha question renamed") && !list.contains("beta"),
        "{list}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_on_a_worker_thread_ends_keyturn_with_the_terminal_restored() {
    a_panic_ends_cleanly(
        "KEYTURN_DEBUG_PANIC_IN_WORKER",
        "deliberate panic on a worker thread",
    )
    .await;
}
