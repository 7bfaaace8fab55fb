//! The frame writer's bytes, played into a terminal emulator (vt100), give exactly the frame
//! that was rendered: after the terminal scrolled a band itself, after jumps, after
//! resizes of content, with wide characters and colours. And a followed reply costs its new
//! lines, not a screen.

use super::Tape;
use keyturn::runtime::screen::{Drawn, Moved, Screen};
use keyturn::ui::paint;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::{TerminalOptions, Viewport};

const W: u16 = 40;
const H: u16 = 12;
/// The conversation band: rows 0..BAND; below it a composer row and a status row.
const BAND: u16 = 9;

fn content_line(i: usize, edit: usize) -> Line<'static> {
    let colour = [
        Color::Red,
        Color::Green,
        Color::Reset,
        Color::Rgb(10, 200, 30),
    ][i % 4];
    let mut spans = vec![
        Span::styled(format!("{i:>3} "), Style::default().fg(Color::DarkGray)),
        Span::styled(format!("line {i} v{edit}"), Style::default().fg(colour)),
    ];
    if i.is_multiple_of(5) {
        spans.push(Span::raw(" 世界 wide"));
    }
    if i.is_multiple_of(7) {
        spans.push(Span::raw(" ".repeat(40)));
    }
    Line::from(spans)
}

/// Paints one frame: the band from `top`, the line `edited` changed `edit` times, a status.
fn paint_frame(buf: &mut Buffer, top: usize, edited: usize, edit: usize, frame: usize) {
    for row in 0..BAND {
        let i = top + usize::from(row);
        let line = content_line(i, if i == edited { edit } else { 0 });
        paint::set_line(buf, 0, row, &line, W);
    }
    let composer = Line::from(Span::styled(
        "> type here",
        Style::default().fg(Color::Yellow),
    ));
    paint::set_line(buf, 0, BAND + 1, &composer, W);
    let status = Line::from(format!("frame {frame} · top {top}"));
    paint::set_line(buf, 0, BAND + 2, &status, W);
}

fn terminal(tape: &Tape) -> Terminal<CrosstermBackend<Tape>> {
    Terminal::with_options(
        CrosstermBackend::new(tape.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
        },
    )
    .unwrap()
}

/// The emulator's screen equals the buffer: every cell's text and foreground colour.
fn assert_same(parser: &vt100::Parser, buf: &Buffer, step: usize) {
    let screen = parser.screen();
    for y in 0..H {
        for x in 0..W {
            let want = &buf[(x, y)];
            let Some(got) = screen.cell(y, x) else {
                panic!("no cell {x},{y}");
            };
            if want.symbol() == " " || want.symbol().is_empty() {
                if got.is_wide_continuation() {
                    continue;
                }
                assert!(
                    got.contents().is_empty() || got.contents() == " ",
                    "step {step}: ({x},{y}) should be blank, shows {:?}",
                    got.contents()
                );
                continue;
            }
            assert_eq!(
                got.contents(),
                want.symbol(),
                "step {step}: text at ({x},{y})"
            );
            let fg = match want.fg {
                Color::Reset => vt100::Color::Default,
                Color::Red => vt100::Color::Idx(1),
                Color::Green => vt100::Color::Idx(2),
                Color::Yellow => vt100::Color::Idx(3),
                Color::DarkGray => vt100::Color::Idx(8),
                Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
                other => panic!("colour {other:?} not in this test"),
            };
            assert_eq!(got.fgcolor(), fg, "step {step}: colour at ({x},{y})");
        }
    }
}

/// Runs frames with the band's top moving by `moves`; returns the bytes each frame wrote.
fn play(moves: &[(i64, bool)]) -> Vec<usize> {
    let tape = Tape::default();
    let mut term = terminal(&tape);
    let mut screen = Screen::default();
    let mut parser = vt100::Parser::new(H, W, 0);
    let band = Rect::new(0, 0, W, BAND);
    let mut top: usize = 50;
    let mut sizes = Vec::new();
    for (step, (by, edit)) in moves.iter().enumerate() {
        let before = top;
        top = (top as i64 + by).clamp(0, 200) as usize;
        // An edit changes a line in view (a growing tail), so a guess can be half right.
        let edited = if *edit { top + 4 } else { usize::MAX };
        screen
            .draw(&mut term, |f, _| {
                paint_frame(f.buffer_mut(), top, edited, step, step);
                Drawn {
                    moved: Moved::between((band, before), (band, top)),
                    ..Drawn::default()
                }
            })
            .unwrap();
        let bytes = std::mem::take(&mut *tape.0.borrow_mut());
        sizes.push(bytes.len());
        parser.process(&bytes);
        let mut want = Buffer::empty(Rect::new(0, 0, W, H));
        paint_frame(&mut want, top, edited, step, step);
        assert_same(&parser, &want, step);
    }
    sizes
}

#[test]
fn a_followed_reply_costs_its_new_lines_not_a_screen() {
    let sizes = play(&[(0, false), (1, false), (1, false), (2, true), (1, false)]);
    let full = sizes[0];
    for (i, s) in sizes.iter().enumerate().skip(1) {
        assert!(
            *s * 2 < full,
            "frame {i} wrote {s} bytes, the first (whole screen) {full}"
        );
    }
}

#[test]
fn jumps_and_moves_both_ways_end_on_the_right_screen() {
    play(&[
        (0, false),
        (-1, false),
        (-3, true),
        (8, false),
        (-8, false),
        (40, false),
        (2, true),
        (0, true),
    ]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_sequence_of_moves_plays_back_as_rendered(
        moves in prop::collection::vec((-10i64..10, any::<bool>()), 1..12)
    ) {
        play(&moves);
    }
}
