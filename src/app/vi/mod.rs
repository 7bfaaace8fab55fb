//! Vi editing in the composer (`ui.vi_mode`): normal, insert, visual and visual-line modes,
//! the usual motions (h j k l w b e 0 ^ $ gg G) and operators (x d c y with a motion, dd cc
//! yy, ciw diw yiw, p P u Ctrl-R), counts. Pure: a key and the text area in, the outcome
//! out. Changes go through the text area's own edits, so `u` undoes them.

mod edit;
mod motion;
#[cfg(test)]
mod tests;
mod visual;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

use motion::{
    Flat, Kind, Pos, clamp_normal, class, cursor, first_non_blank, jump, line_len, motion,
    word_end, word_tail,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViMode {
    Normal,
    /// The composer starts ready to type.
    #[default]
    Insert,
    Visual,
    VisualLine,
}

impl ViMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Insert => "INSERT",
            Self::Visual => "VISUAL",
            Self::VisualLine => "V-LINE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Delete,
    Change,
    Yank,
}

/// A command begun and not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Pending {
    #[default]
    None,
    /// `g` (for `gg`).
    G,
    /// An operator waiting for its motion, with the count given before it.
    Op(Op, usize),
    /// `d i`, `c i`, `y i`: waiting for the object (`w`).
    Inner(Op, usize),
}

/// The vi state of the composer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vi {
    pub mode: ViMode,
    pending: Pending,
    count: Option<usize>,
    /// Where a visual selection started (row, col).
    anchor: (usize, usize),
    /// The row a line-wise selection reaches (the text area's cursor sits at its end).
    row: usize,
    /// The register holds whole lines (from dd, yy, V): p puts them below.
    linewise: bool,
}

/// What the composer does with a key after vi has seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViOutcome {
    /// Vi used it.
    Handled,
    /// Enter in normal mode: send.
    Submit,
    /// Esc in normal mode: the cancel action (stop a reply, close, leave the conversation).
    Cancel,
    /// Not vi's: the key map and the text area have it (insert mode, Ctrl and F-keys).
    Pass,
}

impl Vi {
    /// Handles `key` for the composer `ta`.
    pub fn key(&mut self, ta: &mut TextArea<'static>, key: KeyEvent) -> ViOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        if self.mode == ViMode::Insert {
            if key.code == KeyCode::Esc && !ctrl && !alt {
                self.mode = ViMode::Normal;
                // Vim steps back onto the last character typed.
                if ta.cursor().1 > 0 {
                    ta.move_cursor(CursorMove::Back);
                }
                return ViOutcome::Handled;
            }
            return ViOutcome::Pass;
        }
        if ctrl && key.code == KeyCode::Char('r') {
            for _ in 0..self.take_count() {
                ta.redo();
            }
            clamp_normal(ta);
            return ViOutcome::Handled;
        }
        if alt || ctrl || matches!(key.code, KeyCode::F(_) | KeyCode::Tab | KeyCode::BackTab) {
            return ViOutcome::Pass;
        }
        match self.mode {
            ViMode::Visual | ViMode::VisualLine => self.visual(ta, key.code),
            _ => self.normal(ta, key.code),
        }
    }

    fn take_count(&mut self) -> usize {
        self.count.take().unwrap_or(1).max(1)
    }

    /// Counts: digits before a command (a leading 0 is the motion).
    fn digit(&mut self, code: KeyCode) -> bool {
        match code {
            KeyCode::Char(d @ '1'..='9') | KeyCode::Char(d @ '0')
                if d != '0' || self.count.is_some() =>
            {
                let d = d.to_digit(10).unwrap_or(0) as usize;
                self.count = Some(
                    self.count
                        .unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(d)
                        .min(10_000),
                );
                true
            }
            _ => false,
        }
    }

    fn normal(&mut self, ta: &mut TextArea<'static>, code: KeyCode) -> ViOutcome {
        if self.digit(code) {
            return ViOutcome::Handled;
        }
        let pending = std::mem::take(&mut self.pending);
        match pending {
            Pending::G => {
                let n = self.count.take();
                if code == KeyCode::Char('g') {
                    let row = n.map_or(0, |n| n - 1).min(ta.lines().len() - 1);
                    jump(ta, (row, first_non_blank(ta, row)));
                }
                return ViOutcome::Handled;
            }
            Pending::Op(op, before) => return self.operate(ta, op, before, code),
            Pending::Inner(op, _) => {
                if code == KeyCode::Char('w') {
                    self.inner_word(ta, op);
                }
                self.count = None;
                return ViOutcome::Handled;
            }
            Pending::None => {}
        }
        let at = cursor(ta);
        match code {
            KeyCode::Enter => return ViOutcome::Submit,
            KeyCode::Esc => {
                self.count = None;
                return ViOutcome::Cancel;
            }
            KeyCode::Char('g') => self.pending = Pending::G,
            KeyCode::Char('G') => {
                let row = self
                    .count
                    .take()
                    .map_or(ta.lines().len() - 1, |n| (n - 1).min(ta.lines().len() - 1));
                jump(ta, (row, first_non_blank(ta, row)));
            }
            KeyCode::Char(c @ ('d' | 'c' | 'y')) => {
                let op = match c {
                    'd' => Op::Delete,
                    'c' => Op::Change,
                    _ => Op::Yank,
                };
                self.pending = Pending::Op(op, self.take_count());
            }
            KeyCode::Char('D') => self.apply(ta, Op::Delete, at, (at.0, line_len(ta, at.0)), false),
            KeyCode::Char('C') => self.apply(ta, Op::Change, at, (at.0, line_len(ta, at.0)), false),
            KeyCode::Char('x') | KeyCode::Delete => {
                let n = self.take_count();
                let end = (at.1 + n).min(line_len(ta, at.0));
                self.apply(ta, Op::Delete, at, (at.0, end), false);
            }
            KeyCode::Char('p') => self.put(ta, true),
            KeyCode::Char('P') => self.put(ta, false),
            KeyCode::Char('u') => {
                for _ in 0..self.take_count() {
                    ta.undo();
                }
            }
            KeyCode::Char('i') => self.insert(ta, at),
            KeyCode::Char('a') => {
                let col = (at.1 + 1).min(line_len(ta, at.0));
                self.insert(ta, (at.0, col));
            }
            KeyCode::Char('I') => self.insert(ta, (at.0, first_non_blank(ta, at.0))),
            KeyCode::Char('A') => self.insert(ta, (at.0, line_len(ta, at.0))),
            KeyCode::Char('o') => {
                jump(ta, (at.0, line_len(ta, at.0)));
                ta.insert_newline();
                self.mode = ViMode::Insert;
            }
            KeyCode::Char('O') => {
                jump(ta, (at.0, 0));
                ta.insert_newline();
                ta.move_cursor(CursorMove::Up);
                self.mode = ViMode::Insert;
            }
            KeyCode::Char('v') => {
                self.anchor = at;
                self.mode = ViMode::Visual;
                ta.start_selection();
            }
            KeyCode::Char('V') => {
                self.anchor = at;
                self.mode = ViMode::VisualLine;
                self.select_lines(ta, at.0);
            }
            code => {
                let n = self.take_count();
                if let Some((to, _)) = motion(ta, code, n, at) {
                    jump(ta, to);
                }
            }
        }
        if self.mode == ViMode::Normal {
            clamp_normal(ta);
        }
        ViOutcome::Handled
    }

    /// An operator's second key: the same letter (a line), `i` (an inner object), or a
    /// motion.
    fn operate(
        &mut self,
        ta: &mut TextArea<'static>,
        op: Op,
        before: usize,
        code: KeyCode,
    ) -> ViOutcome {
        if self.digit(code) {
            self.pending = Pending::Op(op, before);
            return ViOutcome::Handled;
        }
        let n = before * self.take_count();
        let at = cursor(ta);
        let same = matches!(
            (op, code),
            (Op::Delete, KeyCode::Char('d'))
                | (Op::Change, KeyCode::Char('c'))
                | (Op::Yank, KeyCode::Char('y'))
        );
        if same {
            let last = (at.0 + n - 1).min(ta.lines().len() - 1);
            self.lines(ta, op, at.0, last);
        } else if code == KeyCode::Char('i') {
            self.pending = Pending::Inner(op, n);
        } else if let Some((mut to, kind)) = motion(ta, code, n, at) {
            // `cw` on a word changes to its end, as `ce` does.
            let mut kind = kind;
            if op == Op::Change && code == KeyCode::Char('w') {
                let f = Flat::of(ta);
                let i = f.index(at);
                if class(f.chars.get(i).copied().unwrap_or(' ')) != 0 {
                    to = f.pos((1..n).fold(word_tail(&f, i), |i, _| word_end(&f, i)));
                    kind = Kind::Inclusive;
                }
            }
            // A word motion stops at the end of the line it started on.
            if code == KeyCode::Char('w') && to.0 > at.0 && kind == Kind::Exclusive {
                to = (at.0, line_len(ta, at.0));
            }
            match kind {
                Kind::Line => {
                    let (a, b) = (at.0.min(to.0), at.0.max(to.0));
                    self.lines(ta, op, a, b);
                }
                Kind::Inclusive => {
                    let (a, b) = (at.min(to), at.max(to));
                    self.apply(ta, op, a, (b.0, b.1 + 1), false);
                }
                Kind::Exclusive => self.apply(ta, op, at.min(to), at.max(to), false),
            }
        }
        if self.mode == ViMode::Normal {
            clamp_normal(ta);
        }
        ViOutcome::Handled
    }

    fn insert(&mut self, ta: &mut TextArea<'static>, at: Pos) {
        jump(ta, at);
        self.mode = ViMode::Insert;
        self.count = None;
    }
}
