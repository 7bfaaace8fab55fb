//! Scrolling done by the terminal. When a new frame is the last one moved up or down by a few
//! rows inside a band of full-width rows (the conversation following a reply), the terminal
//! can move those rows itself with one scroll command, and only the rows that came into view
//! need writing: a few hundred bytes per new line instead of the whole screen.
//!
//! Pure: which shift pays, and what the terminal shows once it is done. The runtime sends
//! the commands; correctness never rests on the guess, because the cell diff that follows
//! starts from exactly what the terminal shows after the scroll.

use ratatui::buffer::{Buffer, Cell};

/// Rows `top..bottom` (full width) moved by `by`: positive moves them up (new lines arrive at
/// the bottom), negative down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub top: u16,
    pub bottom: u16,
    pub by: i32,
}

impl Shift {
    fn height(&self) -> usize {
        usize::from(self.bottom.saturating_sub(self.top))
    }

    /// The escape sequence that makes the terminal do it: a scroll region (DECSTBM), then line
    /// feeds at its bottom (or reverse index at its top), then the whole screen again. Line
    /// feed and reverse index scroll a region on every VT100 descendant, tmux and screen
    /// included, where `CSI n S` is missing on some (the Linux console). SGR is reset first so
    /// the rows that come in are blank in the default colours.
    pub fn commands(&self) -> String {
        let (top, bottom) = (self.top + 1, self.bottom);
        let n = self.by.unsigned_abs() as usize;
        let mut out = format!("\x1b[0m\x1b[{top};{bottom}r");
        if self.by > 0 {
            out.push_str(&format!("\x1b[{bottom};1H"));
            out.push_str(&"\n".repeat(n));
        } else {
            out.push_str(&format!("\x1b[{top};1H"));
            out.push_str(&"\x1bM".repeat(n));
        }
        out.push_str("\x1b[r");
        out
    }
}

fn row(buf: &Buffer, y: u16) -> &[Cell] {
    let w = usize::from(buf.area.width);
    let start = usize::from(y.saturating_sub(buf.area.y)) * w;
    &buf.content[start..start + w]
}

/// Whether moving rows `top..bottom` of `shown` by `by` makes them match `next` on more rows
/// than leaving them would (each matching row is a row not written), judged on a sample of
/// rows. None when it does not pay, or the shift is not a proper one for these buffers.
pub fn worth(shown: &Buffer, next: &Buffer, top: u16, bottom: u16, by: i32) -> Option<Shift> {
    let shift = Shift { top, bottom, by };
    let h = shift.height();
    let n = by.unsigned_abs() as usize;
    let area = shown.area;
    if shown.area != next.area
        || area.x != 0
        || top < area.y
        || bottom > area.y + area.height
        || n == 0
        || n >= h
    {
        return None;
    }
    // A sample of rows decides (a guess costs bytes, never correctness): up to 8, spread
    // over the band, so a frame does not compare the band twice.
    let step = h.div_ceil(8);
    let rows = || (usize::from(top)..usize::from(bottom)).step_by(step);
    let unmoved = rows()
        .filter(|&y| row(shown, y as u16) == row(next, y as u16))
        .count();
    let moved = rows()
        .filter(|&y| {
            let from = y as i64 + i64::from(by);
            (i64::from(top)..i64::from(bottom)).contains(&from)
                && row(shown, from as u16) == row(next, y as u16)
        })
        .count();
    // A scroll costs a few bytes; a row kept saves a row's worth.
    (moved >= 2 && moved > unmoved).then_some(shift)
}

/// What the terminal shows after `shift`: the band's rows moved, the rows that came in blank.
pub fn apply(shown: &mut Buffer, shift: Shift) {
    let w = usize::from(shown.area.width);
    let start = usize::from(shift.top - shown.area.y) * w;
    let band = &mut shown.content[start..start + shift.height() * w];
    let n = shift.by.unsigned_abs() as usize * w;
    // Swaps in one pass, in memory order: `rotate_*` on a screen of cells walks it in cycles
    // and cost more than the rest of the frame writer. The rows that came in are blanked.
    let len = band.len();
    if shift.by > 0 {
        for i in 0..len - n {
            band.swap(i, i + n);
        }
        band[len - n..].fill(Cell::EMPTY);
    } else {
        for i in (n..len).rev() {
            band.swap(i, i - n);
        }
        band[..n].fill(Cell::EMPTY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn screen(rows: &[&str]) -> Buffer {
        Buffer::with_lines(rows.iter().copied())
    }

    #[test]
    fn a_band_moved_up_is_found_and_applied() {
        let shown = screen(&["head", "one ", "two ", "thre", "foot"]);
        let next = screen(&["head", "two ", "thre", "four", "foot"]);
        let shift = worth(&shown, &next, 1, 4, 1).expect("moving pays");
        let mut after = shown.clone();
        apply(&mut after, shift);
        assert_eq!(after, screen(&["head", "two ", "thre", "    ", "foot"]));
        // Only the row that came in differs now.
        assert_eq!(after.diff(&next).len(), 4);
    }

    #[test]
    fn a_band_moved_down_is_found_and_applied() {
        let shown = screen(&["aa", "bb", "cc", "dd"]);
        let next = screen(&["zz", "aa", "bb", "cc"]);
        let shift = worth(&shown, &next, 0, 4, -1).expect("moving pays");
        let mut after = shown.clone();
        apply(&mut after, shift);
        assert_eq!(after, screen(&["  ", "aa", "bb", "cc"]));
    }

    #[test]
    fn a_shift_that_does_not_pay_is_refused() {
        let shown = screen(&["aa", "bb", "cc", "dd"]);
        // Unchanged: nothing to gain.
        assert_eq!(worth(&shown, &shown, 0, 4, 1), None);
        // All new: nothing to keep.
        let next = screen(&["ww", "xx", "yy", "zz"]);
        assert_eq!(worth(&shown, &next, 0, 4, 1), None);
        // Out of range or no move at all.
        assert_eq!(worth(&shown, &shown, 0, 4, 0), None);
        assert_eq!(worth(&shown, &shown, 0, 4, 4), None);
        assert_eq!(worth(&shown, &shown, 0, 5, 1), None);
        let other = Buffer::empty(Rect::new(0, 0, 3, 4));
        assert_eq!(worth(&shown, &other, 0, 4, 1), None);
    }

    #[test]
    fn the_commands_scroll_only_the_band() {
        let up = Shift {
            top: 2,
            bottom: 10,
            by: 2,
        };
        assert_eq!(up.commands(), "\x1b[0m\x1b[3;10r\x1b[10;1H\n\n\x1b[r");
        let down = Shift {
            top: 0,
            bottom: 5,
            by: -1,
        };
        assert_eq!(down.commands(), "\x1b[0m\x1b[1;5r\x1b[1;1H\x1bM\x1b[r");
    }
}
