//! Positions and motions over the composer's text: the text as one run of characters, the
//! word classes, and where each motion key goes.

use crossterm::event::KeyCode;
use tui_textarea::{CursorMove, TextArea};

pub(super) type Pos = (usize, usize);

/// The text as one run of characters (lines joined by '\n') and the way back to positions.
pub(super) struct Flat {
    pub(super) chars: Vec<char>,
    starts: Vec<usize>,
}

impl Flat {
    pub(super) fn of(ta: &TextArea) -> Self {
        let mut chars = Vec::new();
        let mut starts = Vec::new();
        for (i, line) in ta.lines().iter().enumerate() {
            if i > 0 {
                chars.push('\n');
            }
            starts.push(chars.len());
            chars.extend(line.chars());
        }
        Self { chars, starts }
    }

    pub(super) fn index(&self, (row, col): Pos) -> usize {
        self.starts[row] + col
    }

    pub(super) fn pos(&self, i: usize) -> Pos {
        let row = self.starts.partition_point(|&s| s <= i).saturating_sub(1);
        (row, i - self.starts[row])
    }
}

/// Whitespace, word characters, punctuation: a word is a run of one class.
pub(super) fn class(c: char) -> u8 {
    if c.is_whitespace() {
        0
    } else if c.is_alphanumeric() || c == '_' {
        1
    } else {
        2
    }
}

pub(super) fn line_len(ta: &TextArea, row: usize) -> usize {
    ta.lines()[row].chars().count()
}

pub(super) fn first_non_blank(ta: &TextArea, row: usize) -> usize {
    ta.lines()[row]
        .chars()
        .position(|c| !c.is_whitespace())
        .unwrap_or(0)
}

/// Normal mode keeps the cursor on a character: never past the line's last one.
pub(super) fn clamp_normal(ta: &mut TextArea) {
    let (row, col) = (ta.cursor().0, ta.cursor().1);
    let last = line_len(ta, row).saturating_sub(1);
    if col > last {
        jump(ta, (row, last));
    }
}

pub(super) fn jump(ta: &mut TextArea, (row, col): Pos) {
    ta.move_cursor(CursorMove::Jump(
        row.min(u16::MAX as usize) as u16,
        col.min(u16::MAX as usize) as u16,
    ));
}

pub(super) fn cursor(ta: &TextArea) -> Pos {
    (ta.cursor().0, ta.cursor().1)
}

/// The start of the next word (`w`).
pub(super) fn word_forward(f: &Flat, mut i: usize) -> usize {
    let n = f.chars.len();
    if i < n && class(f.chars[i]) != 0 {
        let c = class(f.chars[i]);
        while i < n && class(f.chars[i]) == c {
            i += 1;
        }
    }
    while i < n && class(f.chars[i]) == 0 {
        i += 1;
    }
    i
}

/// The end of this or the next word (`e`).
pub(super) fn word_end(f: &Flat, i: usize) -> usize {
    let n = f.chars.len();
    let mut i = i + 1;
    while i < n && class(f.chars[i]) == 0 {
        i += 1;
    }
    if i >= n {
        return n.saturating_sub(1);
    }
    let c = class(f.chars[i]);
    while i + 1 < n && class(f.chars[i + 1]) == c {
        i += 1;
    }
    i
}

/// The start of this or the previous word (`b`).
pub(super) fn word_back(f: &Flat, i: usize) -> usize {
    let mut i = i;
    while i > 0 && class(f.chars[i - 1]) == 0 {
        i -= 1;
    }
    if i == 0 {
        return 0;
    }
    let c = class(f.chars[i - 1]);
    while i > 0 && class(f.chars[i - 1]) == c {
        i -= 1;
    }
    i
}

/// Where a motion key takes the cursor `n` times, and whether it is linewise or includes
/// its last character; None for a key that is no motion.
pub(super) fn motion(ta: &TextArea, code: KeyCode, n: usize, at: Pos) -> Option<(Pos, Kind)> {
    let (row, col) = at;
    let last_row = ta.lines().len() - 1;
    let f = Flat::of(ta);
    let repeat = |step: &dyn Fn(usize) -> usize| (0..n).fold(f.index(at), |i, _| step(i));
    Some(match code {
        KeyCode::Char('h') | KeyCode::Left | KeyCode::Backspace => {
            ((row, col.saturating_sub(n)), Kind::Exclusive)
        }
        KeyCode::Char('l') | KeyCode::Right | KeyCode::Char(' ') => {
            ((row, (col + n).min(line_len(ta, row))), Kind::Exclusive)
        }
        KeyCode::Char('j') | KeyCode::Down => {
            (vertical(ta, (row + n).min(last_row), col), Kind::Line)
        }
        KeyCode::Char('k') | KeyCode::Up => (vertical(ta, row.saturating_sub(n), col), Kind::Line),
        KeyCode::Char('w') => (f.pos(repeat(&|i| word_forward(&f, i))), Kind::Exclusive),
        KeyCode::Char('e') => (f.pos(repeat(&|i| word_end(&f, i))), Kind::Inclusive),
        KeyCode::Char('b') => (f.pos(repeat(&|i| word_back(&f, i))), Kind::Exclusive),
        KeyCode::Char('0') | KeyCode::Home => ((row, 0), Kind::Exclusive),
        KeyCode::Char('^') => ((row, first_non_blank(ta, row)), Kind::Exclusive),
        KeyCode::Char('$') | KeyCode::End => {
            let r = (row + n - 1).min(last_row);
            ((r, line_len(ta, r).saturating_sub(1)), Kind::Inclusive)
        }
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Exclusive,
    Inclusive,
    Line,
}

/// A vertical move keeps the column where the new line allows.
pub(super) fn vertical(ta: &TextArea, row: usize, col: usize) -> Pos {
    (row, col.min(line_len(ta, row).saturating_sub(1)))
}

/// The last character of the word (or run) `i` is in.
pub(super) fn word_tail(f: &Flat, mut i: usize) -> usize {
    let n = f.chars.len();
    while i + 1 < n && class(f.chars[i + 1]) == class(f.chars[i]) {
        i += 1;
    }
    i
}
