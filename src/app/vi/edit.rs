//! What operators do to the text: a range deleted, changed or yanked, whole lines, the
//! inner word, and putting the register back.

use tui_textarea::{CursorMove, TextArea};

use super::motion::{Pos, class, cursor, first_non_blank, jump, line_len};
use super::{Op, Vi, ViMode};

impl Vi {
    /// The characters from `a` to `b` (exclusive): deleted, changed or yanked.
    pub(super) fn apply(
        &mut self,
        ta: &mut TextArea<'static>,
        op: Op,
        a: Pos,
        b: Pos,
        linewise: bool,
    ) {
        let b = (b.0, b.1.min(line_len(ta, b.0)));
        ta.cancel_selection();
        jump(ta, a);
        ta.start_selection();
        jump(ta, b);
        match op {
            Op::Yank => {
                ta.copy();
                ta.cancel_selection();
                jump(ta, a);
            }
            Op::Delete => {
                ta.cut();
            }
            Op::Change => {
                ta.cut();
                self.mode = ViMode::Insert;
            }
        }
        self.linewise = linewise;
    }

    /// Whole lines `first..=last`: `dd`, `cc`, `yy`, `dj`, `V` then an operator.
    pub(super) fn lines(&mut self, ta: &mut TextArea<'static>, op: Op, first: usize, last: usize) {
        let text = ta.lines()[first..=last].join("\n");
        let rows = ta.lines().len();
        match op {
            Op::Yank => {
                ta.cancel_selection();
                jump(ta, (first, 0));
            }
            Op::Change => self.apply(ta, op, (first, 0), (last, line_len(ta, last)), true),
            Op::Delete if last + 1 < rows => self.apply(ta, op, (first, 0), (last + 1, 0), true),
            Op::Delete if first > 0 => {
                let end = (last, line_len(ta, last));
                self.apply(ta, op, (first - 1, line_len(ta, first - 1)), end, true);
                jump(ta, (first - 1, 0));
            }
            Op::Delete => self.apply(ta, op, (0, 0), (last, line_len(ta, last)), true),
        }
        ta.set_yank_text(text);
        self.linewise = true;
        if op != Op::Change {
            let row = cursor(ta).0;
            jump(ta, (row, first_non_blank(ta, row)));
        }
    }

    /// `iw`: the word (or run of blanks or of punctuation) under the cursor.
    pub(super) fn inner_word(&mut self, ta: &mut TextArea<'static>, op: Op) {
        let (row, col) = cursor(ta);
        let chars: Vec<char> = ta.lines()[row].chars().collect();
        if chars.is_empty() {
            if op == Op::Change {
                self.mode = ViMode::Insert;
            }
            return;
        }
        let col = col.min(chars.len() - 1);
        let c = class(chars[col]);
        let start = (0..col)
            .rev()
            .take_while(|&i| class(chars[i]) == c)
            .last()
            .unwrap_or(col);
        let end = (col..chars.len())
            .take_while(|&i| class(chars[i]) == c)
            .last()
            .unwrap_or(col)
            + 1;
        self.apply(ta, op, (row, start), (row, end), false);
    }

    /// `p` (after the cursor, or below for lines) and `P` (before, or above).
    pub(super) fn put(&mut self, ta: &mut TextArea<'static>, after: bool) {
        let text = ta.yank_text();
        if text.is_empty() {
            return;
        }
        let (row, col) = cursor(ta);
        for _ in 0..self.take_count() {
            if self.linewise {
                if after {
                    jump(ta, (row, line_len(ta, row)));
                    ta.insert_newline();
                    ta.insert_str(&text);
                    jump(ta, (row + 1, 0));
                } else {
                    jump(ta, (row, 0));
                    ta.insert_str(&text);
                    ta.insert_newline();
                    jump(ta, (row, 0));
                }
            } else {
                if after && line_len(ta, row) > 0 {
                    jump(ta, (row, col + 1));
                }
                ta.insert_str(&text);
                ta.move_cursor(CursorMove::Back);
            }
        }
    }
}
