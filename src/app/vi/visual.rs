//! Visual (`v`) and visual-line (`V`) modes: the selection follows the motions, an operator
//! takes it.

use crossterm::event::KeyCode;
use tui_textarea::TextArea;

use super::motion::{Pos, clamp_normal, cursor, jump, line_len, motion};
use super::{Op, Vi, ViMode, ViOutcome};

impl Vi {
    /// `V`: the selection covers whole lines from the anchor's to `row`.
    pub(super) fn select_lines(&mut self, ta: &mut TextArea<'static>, row: usize) {
        self.row = row;
        let (a, b) = (self.anchor.0.min(row), self.anchor.0.max(row));
        ta.cancel_selection();
        jump(ta, (a, 0));
        ta.start_selection();
        jump(ta, (b, line_len(ta, b)));
    }

    pub(super) fn visual(&mut self, ta: &mut TextArea<'static>, code: KeyCode) -> ViOutcome {
        if self.digit(code) {
            return ViOutcome::Handled;
        }
        let line = self.mode == ViMode::VisualLine;
        // In V the text area's cursor sits at the selection's end; the row reached counts.
        let at = if line { (self.row, 0) } else { cursor(ta) };
        let op = match code {
            KeyCode::Char('y') => Some(Op::Yank),
            KeyCode::Char('d' | 'x') | KeyCode::Delete => Some(Op::Delete),
            KeyCode::Char('c' | 's') => Some(Op::Change),
            _ => None,
        };
        if let Some(op) = op {
            self.count = None;
            self.mode = ViMode::Normal;
            if line {
                let (a, b) = (self.anchor.0.min(at.0), self.anchor.0.max(at.0));
                self.lines(ta, op, a, b);
            } else {
                // Vi's selection holds the character under the cursor too.
                let (a, b) = (self.anchor.min(at), self.anchor.max(at));
                self.apply(ta, op, a, (b.0, b.1 + 1), false);
            }
            if self.mode == ViMode::Normal {
                clamp_normal(ta);
            }
            return ViOutcome::Handled;
        }
        match code {
            KeyCode::Esc => self.leave_visual(ta),
            KeyCode::Char('v') if !line => self.leave_visual(ta),
            KeyCode::Char('V') if line => self.leave_visual(ta),
            KeyCode::Char('v') => {
                self.mode = ViMode::Visual;
                ta.cancel_selection();
                jump(ta, self.anchor);
                ta.start_selection();
                jump(ta, (at.0, self.anchor.1));
            }
            KeyCode::Char('V') => {
                self.mode = ViMode::VisualLine;
                self.select_lines(ta, at.0);
            }
            KeyCode::Char('G') => {
                let row = ta.lines().len() - 1;
                self.count = None;
                self.visual_move(ta, (row, 0), line);
            }
            code => {
                let n = self.take_count();
                if let Some((to, _)) = motion(ta, code, n, at) {
                    self.visual_move(ta, to, line);
                }
            }
        }
        ViOutcome::Handled
    }

    fn visual_move(&mut self, ta: &mut TextArea<'static>, to: Pos, line: bool) {
        if line {
            self.select_lines(ta, to.0);
        } else {
            jump(ta, to);
        }
    }

    fn leave_visual(&mut self, ta: &mut TextArea<'static>) {
        let line = self.mode == ViMode::VisualLine;
        self.mode = ViMode::Normal;
        ta.cancel_selection();
        if line {
            jump(ta, (self.row, 0));
        }
        self.count = None;
        clamp_normal(ta);
    }
}
