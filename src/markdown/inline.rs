//! Styled inline text and its wrapping: a paragraph is one string with style runs, wrapped
//! by display width and cut back into spans, each line behind its container prefixes.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::wrap::{TAB_WIDTH, str_width, wrap_paragraph};

/// A paragraph's text with the style of each byte range (`ends` are exclusive run ends).
#[derive(Debug, Default, Clone)]
pub struct Runs {
    pub text: String,
    runs: Vec<(usize, Style)>,
    /// Link targets by byte range of their text (for OSC 8).
    pub links: Vec<(Range<usize>, String)>,
}

impl Runs {
    pub fn push(&mut self, s: &str, style: Style) {
        if s.is_empty() {
            return;
        }
        if s.contains('\t') {
            self.text.push_str(&s.replace('\t', &" ".repeat(TAB_WIDTH)));
        } else {
            self.text.push_str(s);
        }
        match self.runs.last_mut() {
            Some((end, last)) if *last == style => *end = self.text.len(),
            _ => self.runs.push((self.text.len(), style)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Spans covering `range` of the text.
    pub fn spans(&self, range: Range<usize>) -> Vec<Span<'static>> {
        let mut out = Vec::new();
        let mut start = 0;
        for &(end, style) in &self.runs {
            let (a, b) = (start.max(range.start), end.min(range.end));
            if a < b {
                out.push(Span::styled(self.text[a..b].to_string(), style));
            }
            start = end;
            if start >= range.end {
                break;
            }
        }
        out
    }

    /// Wrapped to `width` columns: hard breaks ('\n') start new lines.
    pub fn wrap(&self, width: usize) -> Vec<(Range<usize>, Vec<Span<'static>>)> {
        let mut out = Vec::new();
        let mut offset = 0;
        for part in self.text.split('\n') {
            for r in wrap_paragraph(part, width) {
                let abs = offset + r.start..offset + r.end;
                out.push((abs.clone(), self.spans(abs)));
            }
            offset += part.len() + 1;
        }
        out
    }
}

/// What a container (quote, list item) puts before each of its lines.
#[derive(Debug, Clone)]
pub struct Prefix {
    pub first: Vec<Span<'static>>,
    pub rest: Vec<Span<'static>>,
    pub first_used: bool,
}

impl Prefix {
    pub fn same(spans: Vec<Span<'static>>) -> Self {
        Self {
            first: spans.clone(),
            rest: spans,
            first_used: false,
        }
    }

    pub fn width(&self) -> usize {
        self.rest.iter().map(|s| str_width(&s.content)).sum()
    }
}

/// The spans a new line starts with: each container's first prefix once, then its rest.
pub fn line_prefix(stack: &mut [Prefix], indent: &'static str) -> Vec<Span<'static>> {
    let mut spans = Vec::with_capacity(stack.len() + 1);
    if !indent.is_empty() {
        spans.push(Span::raw(indent));
    }
    for p in stack.iter_mut() {
        if p.first_used {
            spans.extend(p.rest.iter().cloned());
        } else {
            spans.extend(p.first.iter().cloned());
            p.first_used = true;
        }
    }
    spans
}

pub fn prefix_width(stack: &[Prefix], indent: &str) -> usize {
    str_width(indent) + stack.iter().map(Prefix::width).sum::<usize>()
}

/// A blank line inside containers: quote bars stay, list indentation does not.
pub fn blank_line(stack: &[Prefix], indent: &'static str) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    if stack
        .iter()
        .any(|p| p.rest.iter().any(|s| !s.content.trim().is_empty()))
    {
        spans.push(Span::raw(indent));
        for p in stack {
            spans.extend(p.rest.iter().cloned());
        }
        // Drop trailing spaces so the line holds only the bars.
        while let Some(last) = spans.last() {
            if last.content.trim().is_empty() {
                spans.pop();
            } else {
                break;
            }
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_styles_across_wrapping() {
        let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let mut r = Runs::default();
        r.push("plain words ", Style::default());
        r.push("bold words", bold);
        r.push(" end", Style::default());
        let lines = r.wrap(10);
        let texts: Vec<String> = lines
            .iter()
            .map(|(_, s)| s.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(texts, ["plain", "words bold", "words end"]);
        assert_eq!(lines[1].1[1].style, bold);
        assert_eq!(lines[1].1[0].content, "words ");
    }
}
