//! Shared helpers for integration tests: fresh homes, fake keys, event collection.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use keyturn::providers::StreamEvent;
use keyturn::providers::http::EventSink;

/// A fake key that looks fake and is unique per call, so leak checks can grep for it.
pub fn canary_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("sk-test-CANARY-{}x{n}q{nanos:09}", std::process::id())
}

/// Collects stream events in memory.
#[derive(Default)]
pub struct Collect(pub Vec<StreamEvent>);

impl EventSink for Collect {
    async fn send(&mut self, event: StreamEvent) -> bool {
        self.0.push(event);
        true
    }
}

pub fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

pub fn write_config(home: &Path, text: &str) {
    std::fs::write(home.join("config.toml"), text).unwrap();
}

/// A provider table pointing at a mock.
pub fn local_config(base_url: &str, extra: &str) -> String {
    format!(
        "default_provider = \"local\"\n[network]\nidle_timeout_secs = 2\ndiscover_local = false\n[providers.local]\nname = \"Local mock\"\nbase_url = \"{base_url}\"\nauth = \"none\"\ndefault_model = \"mock-model\"\n{extra}"
    )
}

pub const SHORT: Duration = Duration::from_secs(5);

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, Effect, Msg, update};

/// Options for an app talking to "Local" · m1 (the reducer tests' usual start).
pub fn local_options() -> keyturn::app::AppOptions {
    keyturn::app::AppOptions {
        provider: Some(keyturn::app::ProviderInfo {
            id: "local".into(),
            name: "Local".into(),
            model: "m1".into(),
        }),
        ..Default::default()
    }
}

/// A key press with no modifiers.
pub fn press(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Types `text` into whatever has focus (typing asks the runtime for nothing).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let effects = update(app, press(KeyCode::Char(c)));
        assert!(effects.is_empty(), "typing {c:?} asked for {effects:?}");
    }
}

/// Types and presses Enter; returns the effects of the Enter.
pub fn submit(app: &mut App, text: &str) -> Vec<Effect> {
    type_text(app, text);
    update(app, press(KeyCode::Enter))
}

/// Types and submits; returns the request id of the stream it starts.
pub fn send(app: &mut App, text: &str) -> u64 {
    match submit(app, text).as_slice() {
        [Effect::StartStream { req, .. }] => *req,
        other => panic!("expected one StartStream, got {other:?}"),
    }
}

/// Draws the app at `w`x`h` like the runtime does (layout reported back) and returns the
/// screen's text, one trimmed line per row.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    use keyturn::ui::{self, RenderCache, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let _ = update(
        app,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    let mut cache = RenderCache::new(Theme::default());
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::draw(f, app, &mut cache)).unwrap();
    let _ = update(app, ui::layout_msg(&cache));
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

/// Runs the keyturn binary with a fresh home, an environment scrubbed of real keys, the
/// given stdin and extra variables.
pub fn keyturn(
    home: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> std::process::Output {
    keyturn_bytes(home, args, stdin.map(str::as_bytes), env)
}

/// [`keyturn`] with stdin given as bytes (text that is not UTF-8).
pub fn keyturn_bytes(
    home: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyturn"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KEYTURN_HOME", home)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Runs blocking work (a child process, tmux) off the async test's threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// Output bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What the key manager says now (the test expects it to say something).
pub fn key_manager_note(app: &App) -> &str {
    &app.key_manager
        .message
        .as_ref()
        .expect("the key manager says something")
        .text
}

/// A key with modifiers, through the reducer.
pub fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, mods)))
}

/// The status bar's row at `width` (a 10-row window): its text, and the style of its cell at
/// each column.
pub fn status_row(app: &mut App, width: u16) -> (String, Vec<ratatui::style::Style>) {
    use keyturn::ui::{self, RenderCache, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let _ = update(app, Msg::Resize { width, height: 10 });
    let mut term = Terminal::new(TestBackend::new(width, 10)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    term.draw(|f| ui::draw(f, app, &mut cache)).unwrap();
    let buf = term.backend().buffer();
    (
        (0..width)
            .map(|x| buf[(x, 9)].symbol().to_string())
            .collect(),
        (0..width).map(|x| buf[(x, 9)].style()).collect(),
    )
}

/// The `age` CLI is here for the interop tests; under CI (or KEYTURN_REQUIRE_AGE) its absence
/// is a failure, not a skip.
pub fn age_available() -> bool {
    let ok = std::process::Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok
        && (std::env::var_os("CI").is_some() || std::env::var_os("KEYTURN_REQUIRE_AGE").is_some())
    {
        panic!("the age CLI is required for interop tests (apt-get install age)");
    }
    ok
}
