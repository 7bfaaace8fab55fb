//! The model picker pane: a filter line, then providers (marked when they have no key, with
//! where their list came from) and their models with context window and price when known.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::picker::{ListSource, Picker, ProviderModels};
use crate::app::{Action, App, Scope};
use crate::text::sanitize::sanitize_line;
use crate::text::wrap::truncate;

fn tokens(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

fn header(app: &App, p: &ProviderModels, theme: &Theme) -> Line<'static> {
    let prov = &p.provider;
    let key = if !prov.needs_key {
        "no key needed".to_string()
    } else if let Some(e) = app
        .key_manager
        .entries
        .iter()
        .find(|e| e.provider == prov.id && e.active)
    {
        format!("key {}", e.masked)
    } else if prov.env_key {
        "key from environment".into()
    } else if app.key_manager.state == crate::app::key_manager::StoreState::Locked {
        "keys locked (F3)".into()
    } else {
        "no key · F3 adds one".into()
    };
    let source = match (p.loading, p.source) {
        (true, _) => "fetching…",
        (_, ListSource::Live) => "live list",
        (_, ListSource::Cache) => "cached list",
        (_, ListSource::Catalogue) => "catalogue list",
    };
    let style = if key.starts_with("no key ·") || key.starts_with("keys locked") {
        theme.meta
    } else {
        theme.user_label
    };
    Line::from(vec![
        Span::styled(format!(" {} ", sanitize_line(&prov.name)), style),
        Span::styled(format!("· {key} · {source}"), theme.meta),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, picker: &Picker, theme: &Theme) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let width = area.width as usize;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Models ", theme.status_accent),
            Span::styled(" filter: ", theme.meta),
        ])),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let mut field = picker.filter.clone();
    field.set_cursor_line_style(theme.base);
    field.set_placeholder_style(theme.hint);
    frame.render_widget(
        &field,
        Rect::new(
            area.x + 17.min(area.width - 1),
            area.y,
            area.width.saturating_sub(17).max(1),
            1,
        ),
    );

    // Lay out all lines, remembering where the selected row lands, then show a window of them.
    let (lines, selected_line) = list_lines(app, picker, width, theme);
    let list_h = area.height.saturating_sub(2) as usize;
    let top = selected_line
        .saturating_sub(list_h / 2)
        .min(lines.len().saturating_sub(list_h));
    let visible: Vec<Line> = lines.into_iter().skip(top).take(list_h).collect();
    frame.render_widget(
        Paragraph::new(visible),
        Rect::new(area.x, area.y + 1, area.width, list_h as u16),
    );
    let footer = app.options.keymap.hint(
        Scope::Picker,
        &[
            (Action::PickModel, "use for this chat"),
            (Action::PickDefault, "also make it the default"),
            (Action::Close, "close"),
        ],
    );
    super::hint_footer(frame, area, &format!(" ↑↓ choose ·{footer}"), theme);
}

/// Every row: a header per provider (and its error), then its models.
fn list_lines(
    app: &App,
    picker: &Picker,
    width: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, usize) {
    let rows = picker.rows();
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(fit) = &picker.fits {
        let what = if rows.is_empty() {
            format!(
                " No listed model is known to hold {} tokens: set [models.\"<id>\"] context_window in config.toml for one that does.",
                fit.needs
            )
        } else {
            format!(
                " Models whose window holds this request ({} tokens); unknown windows left out.",
                fit.needs
            )
        };
        lines.push(Line::from(Span::styled(
            truncate(&what, width),
            theme.warning,
        )));
    }
    let mut selected_line = 0;
    let mut last_provider = None;
    for (i, &(pi, mi)) in rows.iter().enumerate() {
        let p = &picker.providers[pi];
        if last_provider != Some(pi) {
            lines.push(header(app, p, theme));
            if let Some(err) = &p.error {
                lines.push(Line::from(Span::styled(
                    format!(
                        "   {}",
                        truncate(&sanitize_line(err), width.saturating_sub(4))
                    ),
                    theme.hint,
                )));
            }
            last_provider = Some(pi);
        }
        if i == picker.selected {
            selected_line = lines.len();
        }
        lines.push(model_line(app, p, mi, i == picker.selected, width, theme));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            " No model matches the filter.",
            theme.hint,
        )));
    }
    (lines, selected_line)
}

/// One model: marked when selected, "(in use)" when the chat uses it, with its context and
/// price when the list said.
fn model_line(
    app: &App,
    p: &ProviderModels,
    mi: usize,
    selected: bool,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let m = &p.models[mi];
    let current = app
        .session
        .provider
        .as_ref()
        .is_some_and(|c| c.id == p.provider.id && c.model == m.id);
    let mut extra = String::new();
    if let Some(c) = m.context {
        extra.push_str(&format!("  {} ctx", tokens(c)));
    }
    if let (Some(i), Some(o)) = (m.price_in, m.price_out) {
        // Money has one rule everywhere (Usd's): $0.075 stays $0.075, never "0.07".
        let usd = |v: f64| {
            crate::chat::money::Usd::from_dollars(v)
                .map_or_else(|| "?".to_string(), |u| u.to_string())
        };
        extra.push_str(&format!("  ${}/${} per M", usd(i), usd(o)));
    }
    let marker = if selected { " ▸ " } else { "   " };
    let style = if selected {
        theme.status_accent
    } else {
        theme.base
    };
    let name = format!(
        "{}{}",
        sanitize_line(&m.id),
        if current { " (in use)" } else { "" }
    );
    Line::from(vec![
        Span::styled(marker, theme.border_focus),
        Span::styled(
            truncate(&name, width.saturating_sub(4 + extra.len()).max(8)),
            style,
        ),
        Span::styled(extra, theme.meta),
    ])
}
