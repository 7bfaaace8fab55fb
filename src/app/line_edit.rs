//! Editing keys for text fields, as a shell has them: Ctrl-A/Home and Ctrl-E/End move to
//! the ends, Ctrl-B/Ctrl-F and the arrows by a character, Ctrl-U deletes to the start,
//! Ctrl-K to the end, Ctrl-W (or Alt-Backspace) the word before the cursor. [`LineEdit`]
//! is a one-line field; [`shell_key`] gives a `TextArea` the keys it lacks (its Ctrl-U is
//! undo).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

/// A `TextArea` key with the shell's meaning where the widget differs: Ctrl-U deletes to
/// the start of the line. Returns whether the text changed.
pub fn shell_key(field: &mut TextArea<'static>, key: KeyEvent) -> bool {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('u') {
        return field.delete_line_by_head();
    }
    field.input(key)
}

/// [`shell_key`] for a one-line field: Enter and Ctrl-J/Ctrl-M never add a line.
pub fn single_line_key(field: &mut TextArea<'static>, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if key.code == KeyCode::Enter || (ctrl && matches!(key.code, KeyCode::Char('j' | 'm'))) {
        return false;
    }
    shell_key(field, key)
}

/// Puts the cursor at the end of the field's text.
pub fn to_end(field: &mut TextArea<'static>) {
    field.move_cursor(CursorMove::Bottom);
    field.move_cursor(CursorMove::End);
}

/// One line of text with a cursor (a char index). `selected` marks the whole text as
/// chosen: the next typed character replaces it (a rename starts that way).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
    selected: bool,
}

impl LineEdit {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        Self {
            cursor: text.chars().count(),
            text: text.to_string(),
            selected: false,
        }
    }

    /// The whole text chosen, so typing replaces it.
    pub fn selecting_all(text: &str) -> Self {
        Self {
            selected: !text.is_empty(),
            ..Self::new(text)
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte(self.cursor))
    }

    fn byte(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts text at the cursor (a paste), replacing a selection.
    pub fn insert(&mut self, s: &str) {
        if self.selected {
            self.text.clear();
            self.cursor = 0;
            self.selected = false;
        }
        let at = self.byte(self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Deletes chars `from..to` (char indexes) and leaves the cursor at `from`.
    fn delete(&mut self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
        true
    }

    /// Where the word before the cursor starts (spaces before it are part of it).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// An editing key; returns whether the text changed. Keys it does not know (Enter,
    /// Esc, function keys) change nothing and are the caller's.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let was_selected = std::mem::take(&mut self.selected);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.selected = was_selected;
                self.insert(&c.to_string());
                return true;
            }
            // A selection is deleted whole by the keys that delete.
            KeyCode::Backspace | KeyCode::Delete if was_selected => {
                return self.delete(0, self.len());
            }
            KeyCode::Char('u') if ctrl => return self.delete(0, self.cursor),
            KeyCode::Char('k') if ctrl => return self.delete(self.cursor, self.len()),
            KeyCode::Char('w') if ctrl => return self.delete(self.word_start(), self.cursor),
            KeyCode::Backspace if alt => return self.delete(self.word_start(), self.cursor),
            KeyCode::Backspace | KeyCode::Char('h') if ctrl || key.code == KeyCode::Backspace => {
                return self.delete(self.cursor.saturating_sub(1), self.cursor);
            }
            KeyCode::Delete => return self.delete(self.cursor, (self.cursor + 1).min(self.len())),
            KeyCode::Char('d') if ctrl => {
                return self.delete(self.cursor, (self.cursor + 1).min(self.len()));
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Home => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.len(),
            KeyCode::End => self.cursor = self.len(),
            KeyCode::Char('b') if ctrl => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Char('f') if ctrl => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            _ => self.selected = was_selected,
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(f: &mut LineEdit, s: &str) {
        for c in s.chars() {
            f.key(k(KeyCode::Char(c)));
        }
    }

    #[test]
    fn shell_keys_move_and_delete() {
        let mut f = LineEdit::new("cargo build --release");
        f.key(ctrl('w'));
        assert_eq!(f.text(), "cargo build ");
        f.key(ctrl('a'));
        typed(&mut f, "RUST_LOG=1 ");
        assert_eq!(f.text(), "RUST_LOG=1 cargo build ");
        f.key(ctrl('k'));
        assert_eq!(f.text(), "RUST_LOG=1 ");
        f.key(ctrl('e'));
        typed(&mut f, "ok");
        f.key(k(KeyCode::Left));
        f.key(ctrl('u'));
        assert_eq!(f.text(), "k");
        assert_eq!(f.split(), ("", "k"));
        f.key(k(KeyCode::Delete));
        assert_eq!(f.text(), "");
        // Multi-byte text keeps char boundaries.
        let mut f = LineEdit::new("héllo wörld");
        f.key(k(KeyCode::Backspace));
        f.key(ctrl('b'));
        f.key(k(KeyCode::Backspace));
        assert_eq!(f.text(), "héllo wöl");
    }

    #[test]
    fn a_selected_text_is_replaced_by_typing_and_kept_by_moving() {
        let mut f = LineEdit::selecting_all("Old title");
        typed(&mut f, "New");
        assert_eq!(f.text(), "New");
        let mut f = LineEdit::selecting_all("Old title");
        f.key(k(KeyCode::End));
        typed(&mut f, "!");
        assert_eq!(f.text(), "Old title!");
        let mut f = LineEdit::selecting_all("Old title");
        f.key(k(KeyCode::Backspace));
        assert_eq!(f.text(), "");
    }

    #[test]
    fn a_textarea_gets_the_shells_ctrl_u() {
        let mut t = TextArea::from(["first line", "second line"]);
        to_end(&mut t);
        assert!(shell_key(&mut t, ctrl('u')));
        assert_eq!(t.lines(), ["first line", ""]);
        assert!(!single_line_key(&mut t, k(KeyCode::Enter)));
        assert_eq!(t.lines().len(), 2);
    }
}
