//! The frame writer on the real app: a reply streamed frame by frame (rows left as the
//! terminal shows them, the band scrolled by the terminal), scrolled back, covered by the
//! help and uncovered, must leave a terminal emulator showing exactly what a fresh render of
//! the same state shows.

use super::Tape;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::providers::StreamEvent;
use keyturn::runtime::screen::Screen;
use keyturn::ui::{self, RenderCache, Theme};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::{Terminal, TerminalOptions, Viewport};

const W: u16 = 70;
const H: u16 = 18;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// The emulator shows the buffer: every cell's text, foreground and background.
fn assert_shows(parser: &vt100::Parser, want: &Buffer, step: &str) {
    let screen = parser.screen();
    for y in 0..H {
        for x in 0..W {
            let cell = &want[(x, y)];
            let got = screen.cell(y, x).expect("cell");
            if got.is_wide_continuation() {
                continue;
            }
            let text = if cell.symbol() == " " {
                ""
            } else {
                cell.symbol()
            };
            let shown = if got.contents() == " " {
                ""
            } else {
                got.contents()
            };
            assert_eq!(shown, text, "{step}: text at ({x},{y})");
            assert_eq!(got.fgcolor(), colour(cell.fg), "{step}: fg at ({x},{y})");
            assert_eq!(got.bgcolor(), colour(cell.bg), "{step}: bg at ({x},{y})");
        }
    }
}

struct Rig {
    app: App,
    term: Terminal<CrosstermBackend<Tape>>,
    tape: Tape,
    screen: Screen,
    cache: RenderCache,
    parser: vt100::Parser,
    kept: usize,
}

impl Rig {
    fn new() -> (Self, u64) {
        let mut app = App::new(AppOptions {
            provider: Some(ProviderInfo {
                id: "t".into(),
                name: "Test".into(),
                model: "m".into(),
            }),
            ..Default::default()
        });
        let _ = update(
            &mut app,
            Msg::Resize {
                width: W,
                height: H,
            },
        );
        let _ = update(&mut app, key(KeyCode::Char('q')));
        let req = match update(&mut app, key(KeyCode::Enter)).as_slice() {
            [Effect::StartStream { req, .. }] => *req,
            other => panic!("{other:?}"),
        };
        let tape = Tape::default();
        let term = Terminal::with_options(
            CrosstermBackend::new(tape.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
            },
        )
        .unwrap();
        let rig = Self {
            app,
            term,
            tape,
            screen: Screen::default(),
            cache: RenderCache::new(Theme::default()),
            parser: vt100::Parser::new(H, W, 0),
            kept: 0,
        };
        (rig, req)
    }

    /// One frame through the writer, then the emulator against a fresh render.
    fn frame(&mut self, step: &str) {
        self.screen
            .draw_app(&mut self.term, &self.app, &mut self.cache)
            .unwrap();
        self.kept += self.screen.rows_kept();
        let _ = update(&mut self.app, ui::layout_msg(&self.cache));
        let bytes = std::mem::take(&mut *self.tape.0.borrow_mut());
        self.parser.process(&bytes);
        let mut fresh = Terminal::new(TestBackend::new(W, H)).unwrap();
        let mut cache = RenderCache::new(Theme::default());
        fresh.draw(|f| ui::draw(f, &self.app, &mut cache)).unwrap();
        assert_shows(&self.parser, fresh.backend().buffer(), step);
    }
}

#[test]
fn a_streamed_reply_scrolled_and_covered_plays_back_as_a_fresh_render() {
    let (mut rig, req) = Rig::new();
    rig.frame("start");
    let words = [
        "Streaming ",
        "text ",
        "that **wraps** ",
        "across ",
        "the ",
        "pane, ",
        "with `code` ",
        "and more words.\n\n",
        "- an item\n",
        "- another item that is long enough to wrap onto a second row here\n\n",
        "```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n",
        "## A heading\n\n",
    ];
    for i in 0..120 {
        let t = words[i % words.len()].to_string();
        let _ = update(
            &mut rig.app,
            Msg::Stream {
                req,
                event: StreamEvent::Text(t),
            },
        );
        rig.frame(&format!("token {i}"));
        match i {
            // Scrolled back a page and returned while the reply streams.
            60 => {
                let _ = update(&mut rig.app, key(KeyCode::PageUp));
                rig.frame("page up");
                let _ = update(&mut rig.app, key(KeyCode::Up));
                rig.frame("line up");
                let _ = update(&mut rig.app, key(KeyCode::End));
                rig.frame("end");
            }
            // The help over the conversation, then gone.
            90 => {
                let _ = update(&mut rig.app, key(KeyCode::F(1)));
                rig.frame("help");
                let _ = update(&mut rig.app, key(KeyCode::Esc));
                rig.frame("help closed");
            }
            _ => {}
        }
    }
    let _ = update(
        &mut rig.app,
        Msg::Stream {
            req,
            event: StreamEvent::Done,
        },
    );
    rig.frame("done");
    assert!(rig.kept > 500, "rows were left in place: {}", rig.kept);
}
