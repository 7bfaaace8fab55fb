//! Cells kept between frames for a part of the screen that rarely changes (the composer, the
//! status bar): while what they were drawn from is the same, a frame copies them instead of
//! laying the part out and drawing it again.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

#[derive(Debug)]
pub struct Kept<K> {
    drawn_from: Option<K>,
    cells: Buffer,
}

impl<K> Default for Kept<K> {
    fn default() -> Self {
        Self {
            drawn_from: None,
            cells: Buffer::default(),
        }
    }
}

impl<K: PartialEq> Kept<K> {
    /// Puts the part in `area` of `buf`: drawn by `paint` when `from` (everything the cells
    /// depend on besides the area) or the area changed, copied otherwise.
    pub fn draw(
        &mut self,
        from: K,
        area: Rect,
        buf: &mut Buffer,
        paint: impl FnOnce(&K, &mut Buffer),
    ) {
        if self.cells.area != area || self.drawn_from.as_ref() != Some(&from) {
            self.cells = Buffer::empty(area);
            paint(&from, &mut self.cells);
            self.drawn_from = Some(from);
        }
        copy(&self.cells, buf);
    }
}

/// Puts `cells` (a buffer of some area) in place in `buf`, row by row.
fn copy(cells: &Buffer, buf: &mut Buffer) {
    let area = cells.area.intersection(buf.area);
    let (w, bw) = (usize::from(cells.area.width), usize::from(buf.area.width));
    let n = usize::from(area.width);
    for y in area.top()..area.bottom() {
        let from = usize::from(y - cells.area.y) * w + usize::from(area.x - cells.area.x);
        let to = usize::from(y - buf.area.y) * bw + usize::from(area.x - buf.area.x);
        buf.content[to..to + n].clone_from_slice(&cells.content[from..from + n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_once_while_the_same_and_again_when_not() {
        let area = Rect::new(2, 1, 4, 1);
        let mut kept = Kept::default();
        let mut paints = 0;
        for (text, expect_paints) in [("ab", 1), ("ab", 1), ("cd", 2)] {
            let mut screen = Buffer::empty(Rect::new(0, 0, 8, 3));
            kept.draw(text.to_string(), area, &mut screen, |t, b| {
                paints += 1;
                b.set_string(area.x, area.y, t, ratatui::style::Style::default());
            });
            assert_eq!(paints, expect_paints);
            assert_eq!(screen[(2, 1)].symbol(), &text[..1]);
            assert_eq!(screen[(3, 1)].symbol(), &text[1..]);
            assert_eq!(screen[(0, 0)].symbol(), " ");
        }
    }
}
