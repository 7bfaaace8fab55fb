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

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
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
        // Narrower than the prefix: still one column of body per row, never a panic.
        assert!(!hanging(vec![Span::raw("    ")], vec![Span::raw("ab")], 2).is_empty());
    }
}
