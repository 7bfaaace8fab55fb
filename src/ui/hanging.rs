//! Lines that wrap under their own text, not under their label: "  2  an age identity
//! file — …" continues below "an", and a help row's description below the description.

use ratatui::text::{Line, Span};

use crate::text::wrap::{str_width, wrap_paragraph};

/// `prefix` then `body`, wrapped to `width`; continuation rows are indented by the prefix's
/// width. Styles of the body's spans are kept across the breaks.
pub fn hanging(
    prefix: Vec<Span<'static>>,
    body: Vec<Span<'static>>,
    width: usize,
) -> Vec<Line<'static>> {
    let indent: usize = prefix.iter().map(|s| str_width(&s.content)).sum();
    let avail = width.saturating_sub(indent).max(1);
    let text: String = body.iter().map(|s| s.content.as_ref()).collect();
    let mut bounds = Vec::with_capacity(body.len());
    let mut at = 0;
    for s in &body {
        bounds.push((at, at + s.content.len(), s.style));
        at += s.content.len();
    }
    let mut first = Some(prefix);
    wrap_paragraph(&text, avail)
        .into_iter()
        .map(|r| {
            let mut spans = first
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            for &(start, end, style) in &bounds {
                let (a, b) = (start.max(r.start), end.min(r.end));
                if a < b {
                    spans.push(Span::styled(text[a..b].to_string(), style));
                }
            }
            Line::from(spans)
        })
        .collect()
}

/// A line wrapped to `width` with its continuation rows indented like its first (its
/// leading spaces kept as the hanging indent).
pub fn keep_indent(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let mut spans = line.spans;
    let mut indent = String::new();
    // Leading spaces, across however many spans hold them.
    while let Some(first) = spans.first_mut() {
        let trimmed = first.content.trim_start_matches(' ');
        let lead = first.content.len() - trimmed.len();
        indent.push_str(&first.content[..lead]);
        if trimmed.is_empty() {
            spans.remove(0);
            continue;
        }
        first.content = trimmed.to_string().into();
        break;
    }
    if spans.is_empty() {
        return vec![Line::from(indent)];
    }
    hanging(vec![Span::raw(indent)], spans, width)
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
    fn continuation_rows_line_up_under_the_body() {
        let lines = hanging(
            vec![Span::raw("  2  ")],
            vec![
                Span::raw("an age identity file"),
                Span::raw(" — a key file you keep"),
            ],
            20,
        );
        assert_eq!(
            plain(&lines),
            [
                "  2  an age identity",
                "     file — a key",
                "     file you keep"
            ]
        );
        let kept = keep_indent(Line::from("    OPENAI_API_KEY (openai) and more words"), 20);
        assert_eq!(
            plain(&kept),
            ["    OPENAI_API_KEY", "    (openai) and", "    more words"]
        );
        // Narrower than the prefix: still one column of body per row, never a panic.
        assert!(!hanging(vec![Span::raw("    ")], vec![Span::raw("ab")], 2).is_empty());
    }
}
