//! Rows a frame leaves as the terminal shows them. While a reply is followed, a frame's
//! conversation is the last one moved up a line (or not moved), with only its last rows new;
//! painting every row again and comparing it with the screen was most of a frame's cost. So
//! each painted row's line is remembered (as a hash); a row whose line is the one the terminal
//! shows there once the band has moved is not painted, and the frame writer (which is told
//! which rows were left, and moves the band on the terminal when they are) neither compares
//! nor rewrites it.

use std::hash::BuildHasher;

use foldhash::quality::RandomState;

use ratatui::layout::Rect;
use ratatui::text::Line;

#[derive(Debug, Default)]
pub struct PaintedRows {
    /// The pane and its top line at the last frame.
    area: Rect,
    top: usize,
    /// Per row of the pane: the line painted there, if it was painted alone (no marks, no
    /// links over it).
    rows: Vec<Option<u64>>,
    prev: Vec<Option<u64>>,
    /// How far the band moved since the last frame, when rows may be left this frame.
    by: Option<i64>,
    /// Seeded per process, so a provider cannot craft two lines that look alike to it
    /// (SipHash was a tenth of a frame).
    hasher: RandomState,
}

impl PaintedRows {
    /// A frame of the pane at `area` from line `top`. `allowed`: the writer can leave rows
    /// (the terminal shows the last frame whole, and nothing is drawn over the pane).
    pub fn begin(&mut self, area: Rect, top: usize, allowed: bool) {
        self.by = (allowed && self.area == area && !self.rows.is_empty())
            .then(|| top as i64 - self.top as i64);
        std::mem::swap(&mut self.rows, &mut self.prev);
        self.rows.clear();
        self.rows.resize(usize::from(area.height), None);
        self.area = area;
        self.top = top;
    }

    /// Whether row `y` (counted from the pane's top) can be left: `line` is what goes there
    /// (None when it gets marks or links, which are painted over it), and it is the line
    /// the terminal shows there once the band has moved. Either way the row is recorded.
    pub fn keep(&mut self, y: usize, line: Option<&Line>) -> bool {
        let key = line.map(|l| self.hasher.hash_one(l));
        if let Some(slot) = self.rows.get_mut(y) {
            *slot = key;
        }
        let Some(by) = self.by else {
            return false;
        };
        let from = y as i64 + by;
        key.is_some()
            && usize::try_from(from)
                .ok()
                .and_then(|f| self.prev.get(f).copied().flatten())
                == key
    }

    /// The last frame's rows cannot be relied on (another pane or an overlay drew there).
    pub fn forget(&mut self) {
        self.rows.clear();
        self.prev.clear();
        self.area = Rect::default();
        self.by = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line<'static>> {
        texts.iter().map(|t| Line::raw(t.to_string())).collect()
    }

    fn frame(
        rows: &mut PaintedRows,
        area: Rect,
        top: usize,
        lines: &[Line],
        allowed: bool,
    ) -> Vec<usize> {
        rows.begin(area, top, allowed);
        (0..usize::from(area.height))
            .filter(|&y| rows.keep(y, lines.get(top + y)))
            .collect()
    }

    #[test]
    fn rows_moved_up_with_the_same_lines_are_left_and_new_ones_painted() {
        let area = Rect::new(0, 0, 10, 3);
        let mut rows = PaintedRows::default();
        let text = lines(&["a", "b", "c", "d"]);
        assert!(
            frame(&mut rows, area, 0, &text, true).is_empty(),
            "nothing to keep yet"
        );
        // The band moved up one line: rows 0 and 1 now show b and c, which the terminal's
        // scroll put there; row 2 is new.
        assert_eq!(frame(&mut rows, area, 1, &text, true), vec![0, 1]);
        // The last line changed in place (a streaming tail).
        let grown = lines(&["a", "b", "c", "dd"]);
        assert_eq!(frame(&mut rows, area, 1, &grown, true), vec![0, 1]);
        // Scrolled back down by one: rows 1 and 2 show what rows 0 and 1 showed.
        assert_eq!(frame(&mut rows, area, 0, &grown, true), vec![1, 2]);
    }

    #[test]
    fn nothing_is_left_when_not_allowed_after_a_move_of_the_pane_or_a_mark() {
        let area = Rect::new(0, 0, 10, 3);
        let text = lines(&["a", "b", "c"]);
        let mut rows = PaintedRows::default();
        frame(&mut rows, area, 0, &text, true);
        assert!(frame(&mut rows, area, 0, &text, false).is_empty());
        assert_eq!(frame(&mut rows, area, 0, &text, true), vec![0, 1, 2]);
        assert!(frame(&mut rows, Rect::new(0, 1, 10, 3), 0, &text, true).is_empty());
        rows.forget();
        assert!(frame(&mut rows, Rect::new(0, 1, 10, 3), 0, &text, true).is_empty());
        // A row painted with marks is never taken as showing its plain line.
        rows.begin(Rect::new(0, 1, 10, 3), 0, true);
        assert!(rows.keep(0, Some(&text[0])));
        assert!(!rows.keep(1, None));
        rows.begin(Rect::new(0, 1, 10, 3), 0, true);
        assert!(rows.keep(0, Some(&text[0])));
        assert!(!rows.keep(1, Some(&text[1])));
    }
}
