//! The whole client, measured like the real-terminal harness in `../shared/bench/` measures
//! the binary: the harness's own mock (a Python process on 127.0.0.1, as the harness runs it;
//! keyturn's in-crate mock on a thread when `../shared/bench/` is absent) streams 2,000 tokens
//! of markdown at 100 tokens a second, then 20,000 as fast as it can, and keyturn's own event
//! loop (`runtime::run_loop`: the network thread, the socket, the SSE parser, the reducer,
//! saving, the frame pace and the frame writer) draws it at 160x48 into a byte counter. The
//! figure is the CPU of every thread of this process (the in-crate mock's thread left out)
//! from Enter until the reply is in, and the bytes written. What it leaves out is the terminal
//! (tmux reading those bytes), which the harness does not count either. Prints figures;
//! asserts nothing.
//!
//! Run: `cargo bench --bench client` (about 25 seconds).

#![allow(clippy::unwrap_used)] // measuring code: a failed setup should stop loudly

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use keyturn::config::{Config, Paths};
use keyturn::mock::{MockOptions, MockProvider};
use keyturn::mock::{Reply, tokenize};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// The thread's id, from `/proc/thread-self` (a link to `/proc/PID/task/TID`).
fn thread_id() -> String {
    let link = std::fs::read_link("/proc/thread-self").unwrap();
    link.file_name().unwrap().to_string_lossy().into_owned()
}

/// Nanoseconds on a CPU of every thread of this process but `except`.
fn cpu_ns_except(except: &str) -> u64 {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|t| t.file_name().to_string_lossy() != except)
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// A reply like the harness's: headings, lists, a table, a quote and fenced code, repeated.
fn reply_tokens(count: usize) -> Vec<String> {
    let section = |n: usize| {
        format!(
            "## {n}. Streaming through a channel\n\nEach delta is **appended** to the message \
             and only what changed is drawn again.\n\n- Parse *server-sent events* line by \
             line\n- Keep a `bounded` buffer\n  - nested: cache rendered lines\n\n| field | \
             meaning |\n|---|---|\n| delta | new text |\n\n> A quote about frames.\n\n```rust\n\
             pub async fn pump(rx: &mut Receiver<String>, out: &mut String) {{\n    while let \
             Some(d) = rx.recv().await {{\n        out.push_str(&d);\n    }}\n}}\n```\n\n\
             ```python\ndef pump(events):\n    return \"\".join(e.text for e in events)\n```\n\n"
        )
    };
    let mut tokens = Vec::new();
    let mut n = 1;
    while tokens.len() < count - 1 {
        tokens.extend(tokenize(&section(n)));
        n += 1;
    }
    tokens.truncate(count - 1);
    tokens.push("\n\nEND-OF-REPLY-MARK".into());
    tokens
}

/// The mock on a thread and runtime of its own; returns its base URL and thread id.
fn start_mock(count: usize, tokens_per_sec: f64) -> (String, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mock = MockProvider::start(MockOptions {
                tokens_per_sec,
                ..MockOptions::default()
            })
            .await
            .unwrap();
            mock.push(Reply::Stream {
                reasoning: Vec::new(),
                tokens: reply_tokens(count),
                finish: Some("stop".into()),
                usage: true,
                done: true,
            });
            tx.send((mock.base_url(), thread_id())).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

/// The harness's own mock (`../shared/bench/mock_llm_server.py`, a process of its own, as
/// the harness runs it) when it is there; its base URL and the process, which the caller
/// ends.
fn start_harness_mock(
    count: usize,
    tps: f64,
    dir: &std::path::Path,
) -> Option<(String, std::process::Child)> {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/mock_llm_server.py");
    if !script.exists() {
        return None;
    }
    let port_file = dir.join("port");
    let child = std::process::Command::new("python3")
        .arg(&script)
        .args(["--port", "0", "--port-file"])
        .arg(&port_file)
        .args(["--tokens", &count.to_string(), "--tps", &tps.to_string()])
        .args(["--max-requests", "5", "--timeout", "120", "--log"])
        .arg(dir.join("mock.log"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..500 {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|p| p.trim().parse::<u16>().ok())
        {
            return Some((format!("http://127.0.0.1:{port}/v1"), child));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Counts what the frame writer sends to the terminal.
struct Counter(Arc<AtomicU64>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, modifiers)))
}

fn main() {
    println!("the whole client, drawing at 160x48, by the harness's names for its runs:");
    for (count, tps, harness) in [
        (2_000, 100.0, "2,000 tokens at 100 tok/s"),
        (20_000, 0.0, "20,000 tokens as fast as sent"),
    ] {
        let (cpu, sent) = run(count, tps);
        println!(
            "  {harness:<30} CPU {:.3} s ({:.1} µs/token), {} bytes to the terminal ({:.1} per token)",
            cpu as f64 / 1e9,
            cpu as f64 / 1e3 / count as f64,
            sent,
            sent as f64 / count as f64
        );
    }
}

/// One reply of `count` tokens at `tps` (0: as fast as the mock can): CPU ns and bytes.
fn run(count: usize, tps: f64) -> (u64, u64) {
    let home = tempfile::tempdir().unwrap();
    // The harness's mock in a process of its own when it is there (a flood's cost depends on
    // how the mock competes for the cores), else ours on a thread, left out of the count.
    let (base_url, mock_thread, mut harness_mock) =
        match start_harness_mock(count, tps, home.path()) {
            Some((url, child)) => (url, String::new(), Some(child)),
            None => {
                let (url, thread) = start_mock(count, if tps > 0.0 { tps } else { 75_000.0 });
                (url, thread, None)
            }
        };
    let config_file = home.path().join("config.toml");
    std::fs::write(
        &config_file,
        format!(
            "default_provider = \"local\"\n[providers.local]\nname = \"Mock\"\nprotocol = \
             \"openai\"\nbase_url = \"{base_url}\"\nauth = \"none\"\ndefault_model = \
             \"mock-model\"\nmodels = [\"mock-model\"]\n[network]\ndiscover_local = false\n"
        ),
    )
    .unwrap();
    let paths = Paths::under(home.path());
    let config = Config::load(&config_file).unwrap();
    let options =
        keyturn::runtime::options::tui_options(&config, &paths, None, None, None).unwrap();
    let theme = keyturn::runtime::theme_from_env(&config);
    let bytes = Arc::new(AtomicU64::new(0));
    let backend = CrosstermBackend::new(Counter(bytes.clone()));
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 160, 48)),
        },
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let figures = runtime.block_on(async {
        let session = keyturn::runtime::start(config, paths, options);
        let (keys, input) = tokio::sync::mpsc::channel(16);
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let bytes = bytes.clone();
        // The user: types a question once the first screen is up, waits out the reply, quits.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for c in "hello".chars() {
                keys.send(key(KeyCode::Char(c), KeyModifiers::NONE))
                    .await
                    .unwrap();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let (cpu0, bytes0) = (cpu_ns_except(&mock_thread), bytes.load(Ordering::Relaxed));
            keys.send(key(KeyCode::Enter, KeyModifiers::NONE))
                .await
                .unwrap();
            let stream = if tps > 0.0 {
                Duration::from_secs_f64(count as f64 / tps).max(Duration::from_secs(1))
            } else {
                Duration::from_secs(1)
            };
            tokio::time::sleep(stream + Duration::from_millis(300)).await;
            let cpu = cpu_ns_except(&mock_thread) - cpu0;
            let sent = bytes.load(Ordering::Relaxed) - bytes0;
            let _ = done_tx.send((cpu, sent));
            keys.send(key(KeyCode::Char('q'), KeyModifiers::CONTROL))
                .await
                .unwrap();
        });
        keyturn::runtime::run_loop(session, &mut terminal, input, theme)
            .await
            .unwrap();
        done_rx.await.unwrap()
    });
    if let Some(child) = harness_mock.as_mut() {
        let _ = child.kill();
        let _ = child.wait();
    }
    figures
}
