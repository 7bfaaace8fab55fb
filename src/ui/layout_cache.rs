//! The render cache: wrapped lines per message, rebuilt only when a message changes, and
//! grown incrementally while it streams so each token costs the same however long the
//! reply is. Draw writes here and nowhere else.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::wrap::{TAB_WIDTH, wrap_paragraph};

/// Wrapped lines of append-only text. Lines before the last line of the last paragraph
/// can never change when text is appended (greedy wrapping), so only that tail is redone.
#[derive(Debug, Clone, Default)]
pub struct IncrementalWrap {
    pub lines: Vec<Line<'static>>,
    stable_lines: usize,
    stable_offset: usize,
    seen_len: usize,
    /// How many lines were laid out by the last update (for tests and benches).
    pub last_relaid: usize,
}

impl IncrementalWrap {
    /// Brings the lines up to date with `text`, which must extend what was seen before
    /// (otherwise call [`reset`](Self::reset) first).
    pub fn update(&mut self, text: &str, width: usize, indent: &'static str, style: Style) {
        if text.len() < self.seen_len || !text.is_char_boundary(self.stable_offset) {
            self.reset();
        }
        if text.len() == self.seen_len && !self.lines.is_empty() {
            self.last_relaid = 0;
            return;
        }
        self.seen_len = text.len();
        self.lines.truncate(self.stable_lines);
        let before = self.lines.len();
        let region = &text[self.stable_offset..];
        let mut offset = self.stable_offset;
        let mut paragraphs = region.split('\n').peekable();
        while let Some(para) = paragraphs.next() {
            let ranges = wrap_paragraph(para, width);
            let last_start = ranges.last().map_or(0, |r| r.start);
            for r in ranges {
                self.lines.push(styled_line(indent, &para[r], style));
            }
            if paragraphs.peek().is_some() {
                self.stable_lines = self.lines.len();
                self.stable_offset = offset + para.len() + 1;
            } else {
                self.stable_lines = self.lines.len() - 1;
                self.stable_offset = offset + last_start;
            }
            offset += para.len() + 1;
        }
        self.last_relaid = self.lines.len() - before;
    }

    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

fn styled_line(indent: &'static str, text: &str, style: Style) -> Line<'static> {
    let text = if text.contains('\t') {
        text.replace('\t', &" ".repeat(TAB_WIDTH))
    } else {
        text.to_string()
    };
    Line::from(vec![Span::raw(indent), Span::styled(text, style)])
}

/// Wraps complete text into styled lines (for small parts such as errors and notes).
pub fn wrap_all(
    text: &str,
    width: usize,
    indent: &'static str,
    style: Style,
) -> Vec<Line<'static>> {
    let mut w = IncrementalWrap::default();
    w.update(text, width, indent, style);
    w.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(crate::ui::conversation::line_text)
            .collect()
    }

    #[test]
    fn streamed_equals_whole_at_every_split() {
        let text = "Hello there, this is a reply\nwith several paragraphs that wrap around\n\n- and a list item 世界 here\tand tabs";
        for width in [1, 5, 12, 30] {
            let whole = plain(&wrap_all(text, width, "  ", Style::default()));
            let mut inc = IncrementalWrap::default();
            let mut end = 0;
            for (i, _) in text
                .char_indices()
                .skip(1)
                .chain(std::iter::once((text.len(), ' ')))
            {
                end = i;
                inc.update(&text[..end], width, "  ", Style::default());
            }
            assert_eq!(end, text.len());
            assert_eq!(plain(&inc.lines), whole, "width {width}");
        }
    }

    #[test]
    fn a_token_relays_only_the_tail() {
        let mut text = String::new();
        let mut inc = IncrementalWrap::default();
        let mut max_relaid = 0;
        for i in 0..2000 {
            text.push_str(if i % 50 == 49 { "word\n" } else { "word " });
            inc.update(&text, 40, "", Style::default());
            max_relaid = max_relaid.max(inc.last_relaid);
        }
        assert!(inc.lines.len() > 200);
        assert!(max_relaid <= 2, "relaid {max_relaid} lines for one token");
    }
}
