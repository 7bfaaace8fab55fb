//! The status bar: provider, model, phase of the current turn, token counts, and notices.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::{App, TurnState};
use crate::text::wrap::{str_width, truncate};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, help_key: &str) {
    let width = area.width as usize;
    buf.set_style(area, theme.status);
    // An error takes the whole bar: it is what the user needs to read.
    if let Some(n) = app.notice.as_ref().filter(|n| n.is_error) {
        let line = Line::from(Span::styled(
            truncate(&format!(" ✗ {}", n.text), width),
            theme.error.patch(theme.status),
        ));
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    if let Some(search) = app.search.as_ref().filter(|s| s.editing) {
        // Typing a search query: the bar is the prompt.
        let count = match search.hits.len() {
            0 if search.query.is_empty() => String::new(),
            0 => " · no match".to_string(),
            n => format!(" · {n} match{}", if n == 1 { "" } else { "es" }),
        };
        let text = format!(" /{}▏{count} · Enter keeps · Esc clears", search.query);
        let line = Line::from(Span::styled(truncate(&text, width), theme.status_accent));
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let mut left: Vec<Span> = Vec::new();
    if app.options.demo {
        left.push(Span::styled(" DEMO ", theme.help_key.patch(theme.status)));
    }
    match &app.provider {
        Some(p) => {
            left.push(Span::styled(format!(" {} ", p.name), theme.status_accent));
            left.push(Span::styled(format!("{} ", p.model), theme.status));
        }
        None => left.push(Span::styled(" no provider ", theme.status_accent)),
    }
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let phase = match app.phase() {
        Some(TurnState::Connecting)
            if app
                .conversation
                .messages
                .last()
                .is_some_and(|m| m.retry.is_some()) =>
        {
            Some(format!("{spin} waiting to retry"))
        }
        Some(TurnState::Connecting) => Some(format!("{spin} connecting")),
        Some(TurnState::Streaming) => Some(format!("{spin} streaming")),
        Some(TurnState::Done) => Some("✓ done".to_string()),
        Some(TurnState::Cancelled) => Some("⊘ cancelled".to_string()),
        Some(TurnState::Failed(_)) => Some("✗ error".to_string()),
        None => None,
    };
    if let Some(p) = phase {
        left.push(Span::styled(format!("│ {p} "), theme.status));
    }
    if let Some(u) = app.conversation.messages.last().and_then(|m| m.usage) {
        left.push(Span::styled(
            format!("│ ↑{} ↓{} tok ", u.input_tokens, u.output_tokens),
            theme.status,
        ));
    }
    if let Some(search) = app.search.as_ref().filter(|s| !s.hits.is_empty()) {
        left.push(Span::styled(
            format!(
                "│ /{} {}/{} ",
                search.query,
                search.current + 1,
                search.hits.len()
            ),
            theme.status_accent,
        ));
    }
    if let Some(n) = &app.notice {
        let style = if n.is_error {
            theme.error.patch(theme.status)
        } else {
            theme.status_accent
        };
        left.push(Span::styled(format!("│ {} ", n.text), style));
    }
    // Notices first: what is cut at a narrow width is the spend, not the news.
    if let (Some(spend), Some(p)) = (&app.spend, &app.provider) {
        let month = spend.by_provider.get(&p.id).copied().unwrap_or(0.0);
        // Nothing to say for a provider with no known cost (a local server).
        let capped = app.options.budget.monthly_usd.is_some()
            || app.options.budget.providers.contains_key(&p.id);
        if month > 0.0 || spend.last_cost.is_some_and(|c| c > 0.0) || capped {
            let turn = spend
                .last_cost
                .map(|c| format!("${} · ", money(c)))
                .unwrap_or_default();
            left.push(Span::styled(
                format!("│ {turn}${} this month ", money(month)),
                theme.status,
            ));
            if let crate::usage::budget::Verdict::Warn(w) | crate::usage::budget::Verdict::Over(w) =
                app.budget_verdict()
            {
                let short = w.split(';').next().unwrap_or(&w).to_string();
                left.push(Span::styled(
                    format!("│ ⚠ {short} "),
                    theme.warning.patch(theme.status),
                ));
            }
        }
    }
    let right = format!(" {help_key} help ");
    let used: usize = left.iter().map(|s| str_width(&s.content)).sum();
    let line = if used + str_width(&right) <= width {
        let pad = width - used - str_width(&right);
        left.push(Span::styled(" ".repeat(pad), theme.status));
        left.push(Span::styled(right, theme.status));
        Line::from(left)
    } else {
        // Too narrow for everything: keep the most important text and cut the rest.
        let text: String = left.iter().map(|s| s.content.as_ref()).collect();
        Line::from(Span::styled(truncate(&text, width), theme.status))
    };
    buf.set_line(area.x, area.y, &line, area.width);
}

/// Dollars with the precision that matters: cents above a dollar, more below.
fn money(v: f64) -> String {
    if v >= 1.0 || v == 0.0 {
        format!("{v:.2}")
    } else if v >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}
