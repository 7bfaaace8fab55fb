//! Streaming and frame-time benchmark (prints figures; asserts nothing).
//!
//! 1. 20,000 tokens of markdown-ish text as OpenAI SSE bytes → SSE framer → parser →
//!    sanitizer → `update` → the binary's frame writer (`runtime::screen`: render, diff,
//!    terminal scrolling) into a byte counter at 160x48. CPU µs and terminal bytes per token,
//!    at a real provider's pace (100 tok/s drawn at the stream frame pace, `runtime::pace`) and
//!    as fast as it comes (everything queued, then one frame: one per 4 KiB read). What it leaves
//!    out is the socket and the async runtime's wake-ups, which the real-terminal harness in
//!    `../shared/bench/` measures with the rest.
//! 2. Frame time with 10, 1,000 and 10,000 messages of history while the last one streams.
//!
//! Run: `cargo bench --bench streaming`.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::providers::openai_compat::OpenAiParser;
use keyturn::providers::sse::SseDecoder;
use keyturn::providers::{Role, StreamEvent, StreamParser};
use keyturn::runtime::screen::Screen;
use keyturn::text::redact::Redactor;
use keyturn::text::sanitize::Sanitizer;
use keyturn::ui::{self, RenderCache, Theme};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// CPU time of this (single-threaded) process in nanoseconds, from the scheduler.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn markdown_tokens(n: usize) -> Vec<String> {
    let words = [
        "The ",
        "quick ",
        "**brown** ",
        "fox ",
        "`jumps` ",
        "over ",
        "the ",
        "lazy ",
        "dog, ",
        "and ",
        "then ",
        "it ",
        "writes ",
        "some ",
        "code:",
        "\n\n```rust\n",
        "fn ",
        "main() ",
        "{\n    ",
        "println!(\"hi\");\n",
        "}\n```\n\n",
        "- a ",
        "list ",
        "item\n",
        "## Heading\n",
        "more ",
        "prose ",
        "follows ",
        "here. ",
    ];
    (0..n).map(|i| words[i % words.len()].to_string()).collect()
}

fn sse_bytes(tokens: &[String]) -> Vec<u8> {
    let mut out = String::new();
    for t in tokens {
        let chunk = serde_json::json!({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":t},"finish_reason":null}]});
        out.push_str(&format!("data: {chunk}\n\n"));
    }
    out.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    out.into_bytes()
}

/// Types a one-letter question and sends it; returns the stream's request id.
fn ask(app: &mut App) -> u64 {
    let _ = update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
    );
    match update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .as_slice()
    {
        [Effect::StartStream { req, .. }] => *req,
        other => panic!("{other:?}"),
    }
}

fn new_app() -> (App, u64) {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "b".into(),
            name: "Bench".into(),
            model: "m".into(),
        }),
        ..Default::default()
    });
    let _ = update(
        &mut app,
        Msg::Resize {
            width: 160,
            height: 48,
        },
    );
    let req = ask(&mut app);
    (app, req)
}

fn draw(term: &mut Terminal<TestBackend>, app: &mut App, cache: &mut RenderCache) {
    term.draw(|f| ui::draw(f, app, cache)).unwrap();
    let _ = update(app, ui::layout_msg(cache));
}

/// Counts the bytes a terminal would get.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<u64>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The binary's frame: render, diff against what the terminal shows, scroll, write.
struct Frames {
    term: Terminal<CrosstermBackend<Counter>>,
    out: Counter,
    screen: Screen,
    cache: RenderCache,
}

impl Frames {
    fn new(width: u16, height: u16) -> Self {
        let out = Counter::default();
        let term = Terminal::with_options(
            CrosstermBackend::new(out.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )
        .unwrap();
        Self {
            term,
            out,
            screen: Screen::default(),
            cache: RenderCache::new(Theme::default()),
        }
    }

    fn draw(&mut self, app: &mut App) {
        self.screen
            .draw_app(&mut self.term, app, &mut self.cache)
            .unwrap();
        let _ = update(app, ui::layout_msg(&self.cache));
    }

    fn bytes(&self) -> u64 {
        self.out.0.get()
    }
}

/// What a streaming run cost: CPU, tokens, frames, terminal bytes, the last frame's time.
struct Run {
    cpu_ns: u64,
    tokens: usize,
    frames: usize,
    bytes: u64,
    tail: Duration,
}

/// Streams the bytes in 4 KiB reads through the binary's frame writer: a frame every
/// `per_frame` tokens (a paced stream), or when None one per read (a stream that outruns the
/// screen: everything queued, then one frame).
fn stream_run(bytes: &[u8], per_frame: Option<usize>) -> Run {
    let (mut app, req) = new_app();
    let mut frames = Frames::new(160, 48);
    let mut decoder = SseDecoder::new();
    let mut parser = OpenAiParser::new("Bench", Redactor::new());
    let mut clean = Sanitizer::new();
    let (mut tokens, mut drawn) = (0, 0);
    let cpu0 = cpu_ns();
    for piece in bytes.chunks(4096) {
        for ev in decoder.feed(piece) {
            for out in parser.on_event(&ev) {
                let out = match out {
                    StreamEvent::Text(t) => {
                        tokens += 1;
                        StreamEvent::Text(clean.push(&t))
                    }
                    other => other,
                };
                let _ = update(&mut app, Msg::Stream { req, event: out });
                if per_frame.is_some_and(|n| tokens % n == 0) {
                    frames.draw(&mut app);
                    drawn += 1;
                }
            }
        }
        if per_frame.is_none() {
            frames.draw(&mut app);
            drawn += 1;
        }
    }
    let last = Instant::now();
    frames.draw(&mut app);
    let tail = last.elapsed();
    let cpu_ns = cpu_ns() - cpu0;
    assert!(app.session.conversation.messages[1].text.len() > 5_000);
    Run {
        cpu_ns,
        tokens,
        frames: drawn + 1,
        bytes: frames.bytes(),
        tail,
    }
}

fn history_app(messages: usize) -> (App, u64) {
    let (mut app, _) = new_app();
    app.session.conversation = Default::default();
    app.session.active = None;
    let body = "Some earlier answer with a few lines of prose that wrap across the width of the pane, and `code`.\nSecond line.";
    for i in 0..messages {
        let role = if i % 2 == 0 {
            Role::User
        } else {
            Role::Assistant
        };
        let idx =
            app.session
                .conversation
                .push(role, body.to_string(), keyturn::app::TurnState::Done);
        app.session.conversation.messages[idx].model = "m".into();
    }
    let req = ask(&mut app);
    (app, req)
}

fn frame_time(messages: usize) -> (Duration, Duration) {
    let (mut app, req) = history_app(messages);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    let first = Instant::now();
    draw(&mut term, &mut app, &mut cache);
    let first = first.elapsed();
    let frames = 300;
    let t0 = Instant::now();
    for i in 0..frames {
        let _ = update(
            &mut app,
            Msg::Stream {
                req,
                event: StreamEvent::Text(format!("tok{i} ")),
            },
        );
        draw(&mut term, &mut app, &mut cache);
    }
    (t0.elapsed() / frames, first)
}

/// A finished 20,000-token answer at 80x24; PgUp then PgDn across it, one draw per press.
fn scroll_cost() -> (Duration, Duration, usize) {
    let (mut app, req) = new_app();
    let _ = update(
        &mut app,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let text: String = markdown_tokens(20_000).concat();
    for event in [
        StreamEvent::Text(text),
        StreamEvent::Finish(keyturn::providers::FinishReason::Stop),
        StreamEvent::Done,
    ] {
        let _ = update(&mut app, Msg::Stream { req, event });
    }
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::new(Theme::default());
    draw(&mut term, &mut app, &mut cache);
    let lines = cache.conversation.content_lines;
    let mut worst = Duration::ZERO;
    let presses = 400;
    let t0 = Instant::now();
    for i in 0..presses {
        let code = if i < presses / 2 {
            KeyCode::PageUp
        } else {
            KeyCode::PageDown
        };
        let t = Instant::now();
        let _ = update(&mut app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        draw(&mut term, &mut app, &mut cache);
        worst = worst.max(t.elapsed());
    }
    (t0.elapsed() / presses, worst, lines)
}

/// Peak memory of a process that streamed a 20,000-token conversation and drew it.
fn memory_child() {
    keyturn::markdown::highlight::blocking();
    let tokens = markdown_tokens(20_000);
    let bytes = sse_bytes(&tokens);
    stream_run(&bytes, None);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if line.starts_with("VmHWM") || line.starts_with("VmRSS") {
            println!("  {line}");
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "memory-child") {
        memory_child();
        return;
    }
    // Syntax sets load in the background in the app; here they are loaded up front so
    // every figure includes highlighting.
    keyturn::markdown::highlight::blocking();
    // At 100 tok/s a frame every STREAM_FRAME holds this many tokens.
    let per_frame = (100.0 * keyturn::runtime::pace::STREAM_FRAME.as_secs_f64()).round() as usize;
    for (label, n, paced) in [
        ("2,000 tokens at 100 tok/s", 2_000, Some(per_frame.max(1))),
        ("20,000 tokens as fast as sent", 20_000, None),
    ] {
        let bytes = sse_bytes(&markdown_tokens(n));
        let r = stream_run(&bytes, paced);
        println!(
            "{label:<30} {:>6.1} µs CPU/token, {:>5.0} terminal bytes/token  ({} tokens, {} frames of 160x48, {:.0} ms CPU, {:.0} kB written, last frame {:.2} ms)",
            r.cpu_ns as f64 / 1000.0 / r.tokens as f64,
            r.bytes as f64 / r.tokens as f64,
            r.tokens,
            r.frames,
            r.cpu_ns as f64 / 1e6,
            r.bytes as f64 / 1000.0,
            r.tail.as_secs_f64() * 1000.0
        );
    }
    let (avg, worst, lines) = scroll_cost();
    println!(
        "scrolling a finished 20,000-token answer ({lines} lines) at 80x24: {:.0} µs per key press (update + draw), worst {:.2} ms",
        avg.as_secs_f64() * 1e6,
        worst.as_secs_f64() * 1000.0
    );
    println!("peak memory of a process that streamed and drew a 20,000-token conversation:");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("memory-child")
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("frame time while the last message streams (160x48):");
    let base = frame_time(10).0;
    for n in [10, 1_000, 10_000] {
        let (avg, first) = frame_time(n);
        println!(
            "  {n:>6} messages: {:>7.1} µs/frame  ({:.2}x of 10 messages; first frame incl. layout {:.1} ms)",
            avg.as_secs_f64() * 1e6,
            avg.as_secs_f64() / base.as_secs_f64(),
            first.as_secs_f64() * 1000.0
        );
    }
}
