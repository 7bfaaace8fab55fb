//! Tables fitted to the width: columns keep their natural width when they fit; otherwise
//! the widest ones give way and their cells wrap. Too narrow for a grid, rows become lines.

use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::inline::Runs;
use crate::text::wrap::str_width;
use crate::theme::Theme;

fn natural(cell: &Runs) -> usize {
    cell.text.split('\n').map(str_width).max().unwrap_or(0)
}

/// Column widths that fit `room` columns of content: narrow columns keep their width, the
/// rest share what is left evenly (water-filling).
fn fit(natural: &[usize], room: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    let mut widths = vec![0; natural.len()];
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by_key(|&i| natural[i]);
    let mut left = room;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (order.len() - k);
        widths[i] = natural[i].min(share).max(1);
        left = left.saturating_sub(widths[i]);
    }
    widths
}

pub fn render(
    rows: &[Vec<Runs>],
    head_rows: usize,
    align: &[Alignment],
    avail: usize,
    prefix: &mut dyn FnMut() -> Vec<Span<'static>>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    if cols == 0 {
        return Vec::new();
    }
    let frame = 3 * cols + 1;
    let min_cell = 3;
    if avail < frame + min_cell * cols {
        return as_lines(rows, head_rows, avail, prefix, theme);
    }
    let naturals: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(natural)
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect();
    let widths = fit(&naturals, avail - frame);
    let rule = |l: &str, m: &str, r: &str| {
        let mut s = String::from(l);
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&"─".repeat(w + 2));
            s.push_str(if i + 1 == cols { r } else { m });
        }
        s
    };
    let mut out = Vec::new();
    let push_rule = |out: &mut Vec<Line<'static>>,
                     prefix: &mut dyn FnMut() -> Vec<Span<'static>>,
                     text: String| {
        let mut p = prefix();
        p.push(Span::styled(text, theme.table_border));
        out.push(Line::from(p));
    };
    push_rule(&mut out, prefix, rule("┌", "┬", "┐"));
    let empty = Runs::default();
    for (ri, row) in rows.iter().enumerate() {
        let wrapped: Vec<Vec<(usize, Vec<Span<'static>>)>> = (0..cols)
            .map(|c| {
                let cell = row.get(c).unwrap_or(&empty);
                cell.wrap(widths[c])
                    .into_iter()
                    .map(|(r, spans)| (str_width(&cell.text[r]), spans))
                    .collect()
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for y in 0..height {
            let mut line = prefix();
            for (c, cell) in wrapped.iter().enumerate() {
                line.push(Span::styled("│ ", theme.table_border));
                let (w, spans) = cell.get(y).cloned().unwrap_or((0, Vec::new()));
                let head = (ri < head_rows).then_some(theme.table_head);
                push_cell(
                    &mut line,
                    spans,
                    widths[c].saturating_sub(w),
                    align.get(c),
                    head,
                );
            }
            line.push(Span::styled("│", theme.table_border));
            out.push(Line::from(line));
        }
        if ri + 1 == head_rows && rows.len() > head_rows {
            push_rule(&mut out, prefix, rule("├", "┼", "┤"));
        }
    }
    push_rule(&mut out, prefix, rule("└", "┴", "┘"));
    out
}

/// Too narrow for a grid: each row as one wrapped line, cells separated by " · ".
fn as_lines(
    rows: &[Vec<Runs>],
    head_rows: usize,
    avail: usize,
    prefix: &mut dyn FnMut() -> Vec<Span<'static>>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        let mut joined = Runs::default();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                joined.push(" · ", theme.table_border);
            }
            let style = if ri < head_rows {
                theme.table_head
            } else {
                theme.base
            };
            for (_, spans) in cell.wrap(usize::MAX / 2) {
                for s in spans {
                    joined.push(&s.content, s.style.patch(style));
                }
            }
        }
        for (_, spans) in joined.wrap(avail) {
            let mut line = prefix();
            line.extend(spans);
            out.push(Line::from(line));
        }
    }
    out
}

/// One row of a cell: its spans padded by `pad` as the column is aligned, styled as a head
/// row when `head` is given.
fn push_cell(
    line: &mut Vec<Span<'static>>,
    spans: Vec<Span<'static>>,
    pad: usize,
    align: Option<&Alignment>,
    head: Option<Style>,
) {
    let (before, after) = match align {
        Some(Alignment::Right) => (pad, 0),
        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
        _ => (0, pad),
    };
    if before > 0 {
        line.push(Span::raw(" ".repeat(before)));
    }
    for s in spans {
        line.push(match head {
            Some(h) => Span::styled(s.content, s.style.patch(h)),
            None => s,
        });
    }
    line.push(Span::raw(" ".repeat(after + 1)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_the_room() {
        assert_eq!(fit(&[3, 5], 20), vec![3, 5]);
        assert_eq!(fit(&[3, 40, 40], 33), vec![3, 15, 15]);
        assert_eq!(fit(&[10, 10], 7).iter().sum::<usize>(), 7);
    }
}
