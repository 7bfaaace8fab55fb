//! Fenced code blocks: a frame with the language label, each line highlighted (when syntect
//! is loaded and knows the language) and hard-wrapped inside the frame.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::highlight::LineHighlighter;
use crate::text::wrap::{TAB_WIDTH, char_width};
use crate::theme::Theme;

/// The language label of a fence's info string: its first word.
pub fn language(info: &str) -> &str {
    info.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_start_matches('{')
        .trim_start_matches('.')
        .trim_end_matches('}')
}

pub fn header(
    lang: &str,
    mut prefix: Vec<Span<'static>>,
    avail: usize,
    theme: &Theme,
) -> Line<'static> {
    let label = if lang.is_empty() { "code" } else { lang };
    let label = crate::text::wrap::truncate(label, avail.saturating_sub(4).max(1));
    let used = 3 + crate::text::wrap::str_width(&label) + 1;
    prefix.push(Span::styled("╭─ ", theme.code_frame));
    prefix.push(Span::styled(label, theme.code_label));
    prefix.push(Span::styled(
        format!(" {}", "─".repeat(avail.saturating_sub(used).min(avail))),
        theme.code_frame,
    ));
    Line::from(prefix)
}

pub fn footer(mut prefix: Vec<Span<'static>>, avail: usize, theme: &Theme) -> Line<'static> {
    prefix.push(Span::styled(
        format!("╰{}", "─".repeat(avail.saturating_sub(1))),
        theme.code_frame,
    ));
    Line::from(prefix)
}

/// One source line as frame lines: highlighted pieces, hard-wrapped to `avail - 2` columns.
pub fn body_lines(
    pieces: Vec<(String, Style)>,
    prefix: &mut dyn FnMut() -> Vec<Span<'static>>,
    avail: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let room = avail.saturating_sub(2).max(1);
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut width = 0;
    let start = |prefix: &mut dyn FnMut() -> Vec<Span<'static>>| {
        let mut p = prefix();
        p.push(Span::styled("│ ", theme.code_frame));
        p
    };
    let mut head = start(prefix);
    for (text, style) in pieces {
        let mut buf = String::new();
        for c in text.chars() {
            let w = char_width(c);
            if width + w > room && width > 0 {
                if !buf.is_empty() {
                    current.push(Span::styled(std::mem::take(&mut buf), style));
                }
                head.append(&mut current);
                lines.push(Line::from(std::mem::replace(&mut head, start(prefix))));
                width = 0;
            }
            buf.push(c);
            width += w;
        }
        if !buf.is_empty() {
            current.push(Span::styled(buf, style));
        }
    }
    head.append(&mut current);
    lines.push(Line::from(head));
    lines
}

/// Expands tabs to spaces (syntect needs the original text, the screen needs columns).
pub fn expand_tabs(pieces: Vec<(String, Style)>) -> Vec<(String, Style)> {
    pieces
        .into_iter()
        .map(|(t, s)| {
            if t.contains('\t') {
                (t.replace('\t', &" ".repeat(TAB_WIDTH)), s)
            } else {
                (t, s)
            }
        })
        .collect()
}

/// The styled pieces of one line: highlighted when possible, plain otherwise.
pub fn pieces(hl: Option<&mut LineHighlighter>, line: &str, theme: &Theme) -> Vec<(String, Style)> {
    // Message text is sanitized as it arrives, so it can be drawn as is.
    let raw = match hl {
        Some(h) => h.line(line, theme),
        None => vec![(line.to_string(), theme.code_text)],
    };
    expand_tabs(raw)
}

/// A whole code block (one nested in a list or quote, or a finished one).
pub fn render_block(
    info: &str,
    code: &str,
    prefix: &mut dyn FnMut() -> Vec<Span<'static>>,
    avail: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let lang = language(info);
    let mut hl = LineHighlighter::new(lang, theme);
    let mut out = vec![header(lang, prefix(), avail, theme)];
    let code = code.strip_suffix('\n').unwrap_or(code);
    for line in code.split('\n') {
        let p = pieces(hl.as_mut(), line, theme);
        out.extend(body_lines(p, prefix, avail, theme));
    }
    out.push(footer(prefix(), avail, theme));
    out
}
