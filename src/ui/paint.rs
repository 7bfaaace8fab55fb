//! `Buffer::set_line` with a fast path: a span of printable ASCII is one cell per byte, so it
//! needs no grapheme segmentation or width lookup, which are most of a frame's cost when a
//! screenful of text is drawn. Anything else takes ratatui's own path; the cells are the same.

use ratatui::buffer::Buffer;
use ratatui::text::Line;

/// Writes `line` at (x, y), at most `max_width` columns; returns where it ended.
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) -> (u16, u16) {
    let mut remaining = max_width.min(buf.area.right().saturating_sub(x));
    let mut x = x;
    for span in line {
        if remaining == 0 {
            break;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            let n = text.len().min(usize::from(remaining));
            for &b in &text.as_bytes()[..n] {
                buf[(x, y)].set_char(char::from(b)).set_style(style);
                x += 1;
            }
            remaining -= n as u16;
        } else {
            let (end, _) = buf.set_stringn(x, y, text, usize::from(remaining), style);
            remaining = remaining.saturating_sub(end.saturating_sub(x));
            x = end;
        }
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::Span;

    fn span_strategy() -> impl Strategy<Value = (String, u8)> {
        let text = prop_oneof!["[ -~]{0,12}", "[a-z世界é\u{301}\t\u{7}👍 ]{0,8}",];
        (text, 0u8..4)
    }

    fn style(k: u8) -> Style {
        match k {
            0 => Style::default(),
            1 => Style::default().fg(Color::Red),
            2 => Style::default()
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            _ => Style::default()
                .remove_modifier(Modifier::BOLD)
                .fg(Color::Rgb(1, 2, 3)),
        }
    }

    proptest! {
        #[test]
        fn the_cells_are_ratatuis(spans in prop::collection::vec(span_strategy(), 0..5), x in 0u16..6, max in 0u16..30, line_style in 0u8..4) {
            let line = Line::from(
                spans.iter().map(|(t, k)| Span::styled(t.clone(), style(*k))).collect::<Vec<_>>(),
            ).style(style(line_style));
            let area = Rect::new(0, 0, 20, 2);
            let mut ours = Buffer::empty(area);
            let mut theirs = Buffer::empty(area);
            // Something under the line, so cells it does not touch must stay as they were.
            for b in [&mut ours, &mut theirs] {
                b.set_string(0, 1, "under the line here", Style::default().fg(Color::Green));
            }
            let a = set_line(&mut ours, x, 1, &line, max);
            let b = theirs.set_line(x, 1, &line, max);
            prop_assert_eq!(a, b);
            prop_assert_eq!(ours, theirs);
        }
    }
}
