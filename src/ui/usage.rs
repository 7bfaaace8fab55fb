//! The usage view: a month of the ledger as a table, with totals and what was not priced.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::usage_view::UsageView;
use crate::keymap::{Action, Keymap, Scope};
use crate::text::wrap::truncate;
use crate::usage::{GroupBy, Row};

/// What the providers themselves last said of the keys' spend: a gateway key's spend and
/// budget (LiteLLM's headers), an OpenRouter key's credit (its last test).
pub fn credit_notes(app: &crate::app::App) -> Vec<String> {
    let pane = &app.key_manager;
    let mut out: Vec<String> = pane
        .gateway
        .iter()
        .map(|(provider, g)| {
            let of = g.max_budget.map_or(String::new(), |b| format!(" of ${b}"));
            format!(
                "{provider}: the gateway says ${}{of} spent on its key.",
                g.spend
            )
        })
        .collect();
    for e in pane.entries.iter().filter(|e| e.provider == "openrouter") {
        let Some(t) = &e.last_test else { continue };
        // "OpenRouter accepted the key ($1.25 used; …)": the part in brackets.
        if let Some(credit) = t
            .detail
            .split_once('(')
            .and_then(|(_, r)| r.strip_suffix(')'))
        {
            out.push(format!(
                "{} key {}: {credit} (tested {}).",
                e.provider,
                e.masked,
                crate::time::format_date(t.at)
            ));
        }
    }
    out
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    v: &UsageView,
    keymap: &Keymap,
    credit: &[String],
    theme: &Theme,
) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let width = area.width as usize;
    let by = match v.by {
        GroupBy::Provider => "provider",
        GroupBy::Model => "model",
        GroupBy::Key => "key",
        GroupBy::Day => "day",
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(" Usage ", theme.status_accent),
        Span::styled(format!(" {} · by {by}", v.shown_month), theme.meta),
    ])];
    if v.loading && v.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "  Reading the ledger…",
            theme.hint,
        )));
    } else if v.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  No requests recorded in {}.", v.shown_month),
            theme.hint,
        )));
    } else {
        lines.extend(table_lines(v, width, theme));
    }
    if v.skipped > 0 {
        lines.push(Line::from(Span::styled(
            format!("  {} damaged line(s) skipped", v.skipped),
            theme.warning,
        )));
    }
    if !credit.is_empty() {
        lines.push(Line::default());
        for note in credit {
            lines.extend(super::hanging::hanging(
                vec![Span::raw("  ")],
                vec![Span::styled(note.clone(), theme.meta)],
                width,
            ));
        }
    }
    let body_h = area.height.saturating_sub(1);
    frame.render_widget(
        Paragraph::new(lines.into_iter().take(body_h as usize).collect::<Vec<_>>()),
        Rect::new(area.x, area.y, area.width, body_h),
    );
    let hint = keymap.hint(
        Scope::Usage,
        &[
            (Action::UsageGroup, "groups by provider/model/key/day"),
            (Action::UsageMonthPrev, "month before"),
            (Action::UsageMonthNext, "month after"),
            (Action::Close, "back"),
        ],
    );
    super::hint_footer(frame, area, &hint, theme);
}

fn row_line(r: &Row, name_w: usize, width: usize, style: ratatui::style::Style) -> Line<'static> {
    let (figure, mark) = (r.cost_figure(), r.cost_mark());
    let mark = if mark.is_empty() { " " } else { mark };
    Line::from(Span::styled(
        truncate(
            &format!(
                "  {:<name_w$}{:>8}{:>12}{:>12}{:>10}{mark}",
                truncate(&r.group, name_w),
                r.requests,
                r.input,
                r.output,
                figure
            ),
            width,
        ),
        style,
    ))
}

/// The month's rows, their total, and what the total leaves out.
fn table_lines(v: &UsageView, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let numbers = 8 + 12 + 12 + 11;
    let name_w = width.saturating_sub(numbers + 2).clamp(4, 40);
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            &format!(
                "  {:<name_w$}{:>8}{:>12}{:>12}{:>11}",
                "", "requests", "input tok", "output tok", "cost USD"
            ),
            width,
        ),
        theme.meta,
    ))];
    for r in &v.rows {
        lines.push(row_line(r, name_w, width, theme.base));
    }
    let total = crate::usage::total(&v.rows);
    lines.push(row_line(&total, name_w, width, theme.table_head));
    if total.unpriced > 0 {
        lines.push(Line::from(Span::styled(
            truncate(
                &format!(
                    "  + {} request(s) of models with no price (add them to prices.toml)",
                    total.unpriced
                ),
                width,
            ),
            theme.warning,
        )));
    }
    for note in total.reasoning_note().into_iter().chain(total.cache_note()) {
        lines.extend(super::hanging::hanging(
            vec![Span::raw("  ")],
            vec![Span::styled(note, theme.meta)],
            width,
        ));
    }
    if total.estimated > 0 {
        lines.push(Line::from(Span::styled(
            truncate(
                &format!(
                    "  ~ {} request(s) with estimated tokens (the provider sent none)",
                    total.estimated
                ),
                width,
            ),
            theme.hint,
        )));
    }
    lines
}
