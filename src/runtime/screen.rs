//! The frame writer. ratatui renders each frame into its buffer; this sends the terminal only
//! what differs from what it shows, inside one synchronized update and one write. When the
//! conversation moved by a few rows (a followed reply gaining lines, a small scroll) the
//! terminal scrolls that band itself first (`ui::shift`), so a new line costs its own bytes
//! rather than a rewrite of the screen. OSC 8 links are written only when they are new or
//! their cells were rewritten.

use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;

use crate::app::App;
use crate::ui::RenderCache;
use crate::ui::conversation::Hyperlink;
use crate::ui::shift::{self, Shift};

/// What the terminal shows, kept between frames.
#[derive(Debug, Default)]
pub struct Screen {
    shown: Buffer,
    links: Vec<Hyperlink>,
    /// The size is known (asking the terminal costs a system call a frame).
    sized: bool,
    /// Rows the last frame left as they were.
    kept: usize,
}

/// What a frame's render tells the writer.
#[derive(Debug, Default)]
pub struct Drawn {
    /// OSC 8 links on screen.
    pub links: Vec<Hyperlink>,
    /// The band it expects to have scrolled (checked against the cells before it is used,
    /// unless rows were kept).
    pub moved: Option<Moved>,
    /// Rows (screen y) left as the terminal shows them once `moved` is done: full-width rows
    /// inside the band, not painted in this frame's buffer.
    pub kept: Vec<u16>,
}

/// Where the caller expects rows to have moved: the band (full-width rows `top..bottom`) and
/// by how many rows (positive: up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub top: u16,
    pub bottom: u16,
    pub by: i32,
}

impl Moved {
    /// The conversation band between two frames, from where it was and its top line then and
    /// now; None when the band itself changed place or size.
    pub fn between(before: (Rect, usize), after: (Rect, usize)) -> Option<Self> {
        let ((a, top_a), (b, top_b)) = (before, after);
        let by = i32::try_from(top_b as i64 - top_a as i64).ok()?;
        (a == b && by != 0 && by.unsigned_abs() < u32::from(a.height)).then_some(Self {
            top: a.y,
            bottom: a.y + a.height,
            by,
        })
    }
}

impl Screen {
    /// A frame of the app: `ui::draw`, the conversation's links, and how far the conversation
    /// moved since the last frame (the TUI loop and the streaming benchmark draw through it).
    pub fn draw_app<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
        app: &App,
        cache: &mut RenderCache,
    ) -> io::Result<()> {
        let before = (cache.conversation.area, cache.conversation.top);
        self.draw(terminal, |f, keep| {
            cache.conversation.keep_rows = keep;
            crate::ui::draw(f, app, cache);
            let c = &mut cache.conversation;
            c.keep_rows = false;
            Drawn {
                links: std::mem::take(&mut c.hyperlinks),
                moved: Moved::between(before, (c.area, c.top)),
                kept: std::mem::take(&mut c.kept),
            }
        })
    }

    /// How many rows the last frame left as the terminal showed them.
    pub fn rows_kept(&self) -> usize {
        self.kept
    }

    /// The terminal says its size changed: the next frame asks for it.
    pub fn resized(&mut self) {
        self.sized = false;
    }

    /// The terminal was handed to another program (an editor) and shows nothing of ours:
    /// the next frame asks for the size and paints everything.
    pub fn forget(&mut self) {
        self.sized = false;
        self.shown = Buffer::default();
        self.links.clear();
    }

    /// Renders a frame with `render` and sends what changed. `render` is told whether it may
    /// leave rows as the terminal shows them (the terminal shows the last frame whole).
    pub fn draw<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
        render: impl FnOnce(&mut ratatui::Frame, bool) -> Drawn,
    ) -> io::Result<()> {
        use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
        // A resize clears the terminal (ratatui does it), so it shows nothing now.
        if !self.sized {
            terminal.autoresize()?;
            self.sized = true;
        }
        let area = terminal.get_frame().area();
        let whole = self.shown.area == area;
        if !whole {
            self.shown = Buffer::empty(area);
            self.links.clear();
        }
        let Drawn { links, moved, kept } = render(&mut terminal.get_frame(), whole);
        // Rows left by the frame hold the band as moved: then the terminal must move it.
        let shift = moved.and_then(|m| {
            if kept.is_empty() {
                shift::worth(
                    &self.shown,
                    terminal.current_buffer_mut(),
                    m.top,
                    m.bottom,
                    m.by,
                )
            } else {
                Some(Shift {
                    top: m.top,
                    bottom: m.bottom,
                    by: m.by,
                })
            }
        });
        let out = terminal.backend_mut();
        crossterm::queue!(out, BeginSynchronizedUpdate)?;
        if let Some(s) = shift {
            out.write_all(s.commands().as_bytes())?;
            shift::apply(&mut self.shown, s);
            shift_links(&mut self.links, s);
        }
        let mut next = std::mem::take(terminal.current_buffer_mut());
        let bands = changed_bands(&self.shown, &next, &kept);
        let rows: u16 = bands.iter().map(|b| b.height).sum();
        let band_frames: Vec<(Buffer, Buffer)>;
        let updates = if rows > area.height / 2 && kept.is_empty() {
            self.shown.diff(&next)
        } else {
            band_frames = bands
                .iter()
                .map(|b| (cut(&self.shown, *b), cut(&next, *b)))
                .collect();
            band_frames.iter().flat_map(|(a, b)| a.diff(b)).collect()
        };
        let touched = touched_rows(&updates, area);
        let out = terminal.backend_mut();
        out.draw(updates.into_iter())?;
        for link in &links {
            let kept = self.links.contains(link) && !touched(link);
            if !kept {
                write_link(out, link)?;
            }
        }
        crossterm::queue!(out, EndSynchronizedUpdate)?;
        Backend::flush(out)?;
        self.kept = kept.len();
        self.links = links;
        if kept.is_empty() {
            // The rendered buffer is what the terminal shows now; the old one is the next
            // canvas.
            let mut canvas = std::mem::replace(&mut self.shown, next);
            canvas.reset();
            *terminal.current_buffer_mut() = canvas;
            return Ok(());
        }
        // The rows left are right in `shown` already: only the others move over (swapped,
        // not copied), and only they need clearing in the next canvas (the rows left were
        // never painted, so they are blank).
        let w = usize::from(area.width);
        for y in (0..area.height).filter(|y| !kept.contains(&(area.y + y))) {
            let row = usize::from(y) * w..usize::from(y + 1) * w;
            self.shown.content[row.clone()].swap_with_slice(&mut next.content[row.clone()]);
            next.content[row].fill(Cell::EMPTY);
        }
        *terminal.current_buffer_mut() = next;
        Ok(())
    }
}

/// The runs of rows that differ between two frames of one size, but for the rows `kept`
/// (left as the terminal shows them). While a reply streams that is a row or two of the
/// conversation and the status bar, and comparing rows whole is much cheaper than walking
/// ratatui's diff over the screen.
fn changed_bands(shown: &Buffer, next: &Buffer, kept: &[u16]) -> Vec<Rect> {
    let area = next.area;
    if shown.area != area || area.width == 0 {
        return vec![area];
    }
    let w = usize::from(area.width);
    let mut bands: Vec<Rect> = Vec::new();
    for y in 0..area.height {
        let row = usize::from(y) * w..usize::from(y + 1) * w;
        let same = kept.contains(&(area.y + y))
            || shown.content[row.clone()]
                .iter()
                .zip(&next.content[row])
                .all(|(a, b)| same_cell(a, b));
        if same {
            continue;
        }
        match bands.last_mut() {
            Some(b) if b.bottom() == area.y + y => b.height += 1,
            _ => bands.push(Rect {
                y: area.y + y,
                height: 1,
                ..area
            }),
        }
    }
    bands
}

/// `Cell`'s own equality, field by field, without a call to `memcmp` for one-byte symbols:
/// the frame writer compares every cell of the screen each frame.
#[allow(deprecated)] // `skip` is compared because `Cell::eq` compares it
fn same_cell(a: &Cell, b: &Cell) -> bool {
    let (x, y) = (a.symbol().as_bytes(), b.symbol().as_bytes());
    let symbol = match (x, y) {
        ([p], [q]) => p == q,
        _ => x == y,
    };
    symbol
        && a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
        && a.diff_option == b.diff_option
        && a.skip == b.skip
}

/// The rows of `band` as a buffer of their own (its diff then has the right coordinates).
fn cut(buffer: &Buffer, band: Rect) -> Buffer {
    let w = usize::from(buffer.area.width);
    let start = usize::from(band.y - buffer.area.y) * w;
    Buffer {
        area: band,
        content: buffer.content[start..start + usize::from(band.height) * w].to_vec(),
    }
}

/// Rows the diff rewrote, as a test for a link's cells.
fn touched_rows(
    updates: &[(u16, u16, &ratatui::buffer::Cell)],
    area: Rect,
) -> impl Fn(&Hyperlink) -> bool + use<> {
    let mut spans: Vec<Option<(u16, u16)>> = vec![None; usize::from(area.height)];
    for (x, y, _) in updates {
        if let Some(s) = spans.get_mut(usize::from(*y)) {
            *s = Some(s.map_or((*x, *x), |(a, b)| (a.min(*x), b.max(*x))));
        }
    }
    move |link: &Hyperlink| {
        let end = link.x + crate::text::wrap::str_width(&link.text) as u16;
        spans
            .get(usize::from(link.y))
            .copied()
            .flatten()
            .is_some_and(|(a, b)| a < end && b >= link.x)
    }
}

/// Links the terminal scrolled along with their rows (those scrolled out are gone).
fn shift_links(links: &mut Vec<Hyperlink>, s: Shift) {
    links.retain_mut(|l| {
        if l.y < s.top || l.y >= s.bottom {
            return true;
        }
        let y = i64::from(l.y) - i64::from(s.by);
        if y < i64::from(s.top) || y >= i64::from(s.bottom) {
            return false;
        }
        l.y = y as u16;
        true
    });
}

fn write_link(out: &mut impl Write, link: &Hyperlink) -> io::Result<()> {
    use ratatui::prelude::IntoCrossterm;
    let text = format!("\x1b]8;;{}\x1b\\{}\x1b]8;;\x1b\\", link.url, link.text);
    crossterm::queue!(
        out,
        crossterm::cursor::MoveTo(link.x, link.y),
        crossterm::style::PrintStyledContent(crossterm::style::StyledContent::new(
            link.style.into_crossterm(),
            text
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::CellDiffOption;
    use ratatui::style::{Color, Modifier};

    fn cells() -> Vec<Cell> {
        let mut out = vec![Cell::EMPTY, Cell::new(" "), Cell::new("a"), Cell::new("ab")];
        out.push(Cell::new("世"));
        out.push(Cell::new("👍🏽"));
        let mut c = Cell::new("a");
        c.fg = Color::Red;
        out.push(c.clone());
        c.bg = Color::Rgb(1, 2, 3);
        out.push(c.clone());
        c.modifier = Modifier::BOLD;
        out.push(c.clone());
        c.underline_color = Color::Indexed(7);
        out.push(c.clone());
        c.diff_option = CellDiffOption::Skip;
        out.push(c.clone());
        #[allow(deprecated)]
        {
            let mut s = Cell::new("a");
            s.skip = true;
            out.push(s);
        }
        out
    }

    #[test]
    fn same_cell_is_cells_own_equality() {
        for a in &cells() {
            for b in &cells() {
                assert_eq!(same_cell(a, b), a == b, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn only_the_rows_that_differ_are_banded() {
        let shown = Buffer::with_lines(["one", "two", "six", "ten", "end"]);
        let next = Buffer::with_lines(["one", "TWO", "SIX", "ten", "END"]);
        let bands = changed_bands(&shown, &next, &[]);
        let rows: Vec<(u16, u16)> = bands.iter().map(|b| (b.y, b.height)).collect();
        assert_eq!(rows, vec![(1, 2), (4, 1)]);
        assert!(changed_bands(&shown, &shown.clone(), &[]).is_empty());
        let kept = changed_bands(&shown, &next, &[1, 2]);
        assert_eq!(
            kept.iter().map(|b| (b.y, b.height)).collect::<Vec<_>>(),
            vec![(4, 1)]
        );
    }
}
