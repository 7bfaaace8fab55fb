//! The key manager pane: keys grouped by provider (label, …last4, dates, last test), the
//! store's state, import offers, and the modal steps of adding, rotating and deleting.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::key_manager::{KeyMeta, StoreState};
use crate::app::{Action, App, Scope};
use crate::keystore::KeyCheck;
use crate::text::sanitize::sanitize_line;
use crate::text::wrap::truncate;
use crate::time::format_date;

mod bundle_views;
mod dialog;
mod views;

use dialog::render_dialog;

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

fn test_span(meta: &KeyMeta, testing: bool, theme: &Theme, spin: &str) -> Span<'static> {
    if testing {
        return Span::styled(format!("{spin} testing…"), theme.hint);
    }
    match &meta.last_test {
        None => Span::styled("not tested", theme.hint),
        Some(t) => {
            let style = if t.result == KeyCheck::Valid {
                theme.assistant_label
            } else {
                theme.error
            };
            Span::styled(format!("{} {}", t.result.label(), format_date(t.at)), style)
        }
    }
}

fn key_row(
    meta: &KeyMeta,
    selected: bool,
    testing: bool,
    width: usize,
    theme: &Theme,
    spin: &str,
) -> Line<'static> {
    let label = if meta.label.is_empty() {
        "(no label)".to_string()
    } else {
        sanitize_line(&meta.label)
    };
    let mut spans = vec![
        Span::styled(if selected { " ▸ " } else { "   " }, theme.border_focus),
        Span::styled(if meta.active { "● " } else { "  " }, theme.assistant_label),
        Span::styled(format!("{:<16} ", truncate(&label, 16)), theme.base),
        Span::styled(format!("{:<6} ", meta.masked), theme.help_key),
    ];
    if width >= 60 {
        let when = match meta.rotated {
            Some(r) => format!("rotated {} ", format_date(r)),
            None => format!("added {}   ", format_date(meta.created)),
        };
        spans.push(Span::styled(when, theme.meta));
    }
    spans.push(test_span(meta, testing, theme, spin));
    if let Some(c) = meta.cap {
        spans.push(Span::styled(format!(" · cap ${c}/mo"), theme.meta));
    }
    let mut line = Line::from(spans);
    if selected {
        line = line.patch_style(ratatui::style::Style::default().add_modifier(Modifier::BOLD));
    }
    line
}

fn body_lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let pane = &app.key_manager;
    let key = |action| app.options.keymap.key_in(Scope::Keys, action);
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let mut out = header_lines(app, spin, theme);
    out.push(Line::default());
    let hint = |text: String| Line::from(Span::styled(text, theme.hint));
    match pane.state {
        StoreState::Absent => out.push(hint(format!(
            " No keys yet. Press {} to add one: it is tested against the provider, then saved in keys.age, encrypted with age.",
            key(Action::KeyAdd)
        ))),
        StoreState::Locked => out.push(hint(format!(
            " Press any key command ({}, {}, …) to unlock.",
            key(Action::KeyAdd),
            key(Action::KeyTest)
        ))),
        StoreState::Unlocking => out.push(hint(
            " Deriving the key from the passphrase takes about a second…".into(),
        )),
        StoreState::Unlocked { .. } => out.extend(key_list_lines(app, width, spin, theme)),
    }
    out.push(Line::default());
    if let Some(n) = &pane.message {
        out.push(Line::from(Span::styled(
            format!(" {}", n.text),
            if n.is_error() {
                theme.error
            } else {
                theme.hint
            },
        )));
    }
    out
}

/// The store's state, permission warnings and keys found in the environment.
fn header_lines(app: &App, spin: &str, theme: &Theme) -> Vec<Line<'static>> {
    let pane = &app.key_manager;
    let key = |action| app.options.keymap.key_in(Scope::Keys, action);
    let state = match &pane.state {
        StoreState::Absent => "no key store yet".to_string(),
        StoreState::Locked => "keys.age is locked".to_string(),
        StoreState::Unlocking => format!("{spin} unlocking keys.age…"),
        StoreState::Unlocked { method } => format!("keys.age unlocked with {method}"),
    };
    let mut out = vec![Line::from(vec![
        Span::styled(" Key manager ", theme.status_accent),
        Span::styled(format!(" {state}"), theme.meta),
    ])];
    for w in &pane.warnings {
        out.push(Line::from(Span::styled(format!(" ⚠ {w}"), theme.warning)));
    }
    if !pane.warnings.is_empty() {
        out.push(Line::from(Span::styled(
            format!(
                " Press {} to fix the permissions.",
                key(Action::KeyFixPermissions)
            ),
            theme.warning,
        )));
    }
    for (var, provider) in &pane.env_candidates {
        out.push(Line::from(Span::styled(
            format!(
                " Found {var} in the environment ({provider}): press {} to import it.",
                key(Action::KeyImportEnv)
            ),
            theme.warning,
        )));
    }
    out
}

/// The keys by provider: those with keys and the one the chat uses, each key a row; the
/// other providers named in one line.
fn key_list_lines(app: &App, width: usize, spin: &str, theme: &Theme) -> Vec<Line<'static>> {
    let pane = &app.key_manager;
    let add = app.options.keymap.key_in(Scope::Keys, Action::KeyAdd);
    let shown = |id: &str| {
        pane.entries.iter().any(|e| e.provider == id)
            || pane.current_provider.as_deref() == Some(id)
    };
    let mut providers: Vec<(String, String)> = pane
        .providers
        .iter()
        .filter(|(id, _)| shown(id))
        .cloned()
        .collect();
    for e in &pane.entries {
        if !providers.iter().any(|(id, _)| *id == e.provider) {
            providers.push((e.provider.clone(), e.provider.clone()));
        }
    }
    providers.sort_by(|a, b| a.0.cmp(&b.0));
    let others: Vec<&str> = pane
        .providers
        .iter()
        .filter(|(id, _)| !shown(id))
        .map(|(_, name)| name.as_str())
        .collect();
    let mut out = Vec::new();
    for (id, name) in providers {
        let title = if name == id {
            sanitize_line(&id)
        } else {
            format!("{} ({id})", sanitize_line(&name))
        };
        let mut heading = vec![Span::styled(format!(" {title}"), theme.user_label)];
        if let Some(g) = pane.gateway.get(&id) {
            let of = g.max_budget.map_or(String::new(), |b| format!(" of ${b}"));
            heading.push(Span::styled(
                format!("  gateway: ${}{of} spent on this key", g.spend),
                theme.meta,
            ));
        }
        out.push(Line::from(heading));
        let rows: Vec<Line<'static>> = pane
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.provider == id)
            .map(|(i, e)| {
                key_row(
                    e,
                    i == pane.selected,
                    pane.testing.contains(&e.id),
                    width,
                    theme,
                    spin,
                )
            })
            .collect();
        if rows.is_empty() {
            out.push(Line::from(Span::styled(
                format!("     (no keys: {add} adds one)"),
                theme.hint,
            )));
        }
        out.extend(rows);
        // What the provider said at the selected key's last test (an OpenRouter key's credit).
        if let Some(t) = pane
            .entries
            .get(pane.selected)
            .filter(|e| e.provider == id)
            .and_then(|e| e.last_test.as_ref())
            .filter(|t| !t.detail.is_empty())
        {
            out.push(Line::from(Span::styled(
                format!("     {}", sanitize_line(&t.detail)),
                theme.meta,
            )));
        }
    }
    if !others.is_empty() {
        out.push(Line::from(Span::styled(
            format!(" {add} also adds keys for {}.", others.join(", ")),
            theme.hint,
        )));
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    // Most used first: a narrow window keeps those and points to F1 for the rest.
    let footer = app.options.keymap.hint_fitting(
        Scope::Keys,
        &[
            (Action::Close, "back"),
            (Action::KeyAdd, "add"),
            (Action::KeyTest, "test"),
            (Action::KeyRotate, "rotate"),
            (Action::KeyDelete, "delete"),
            (Action::KeyBudget, "caps"),
            (Action::KeyUndo, "undo"),
            (Action::KeyActivate, "activate"),
            (Action::KeyEditLabel, "label"),
            (Action::KeyTestAll, "test all"),
            (Action::KeyImportEnv, "import env"),
            (Action::KeyExport, "export"),
            (Action::KeyImportBundle, "import bundle"),
        ],
        area.width as usize,
    );
    // Wrapped here so a long line continues under its own indent.
    let lines: Vec<Line<'static>> = body_lines(app, area.width as usize, theme)
        .into_iter()
        .flat_map(|l| crate::ui::hanging::keep_indent(l, area.width as usize))
        .collect();
    let body_h = area.height.saturating_sub(1);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: body_h,
            ..area
        },
    );
    if area.height >= 2 {
        let y = area.y + area.height - 1;
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                truncate(&footer, area.width as usize),
                theme.hint,
            ))),
            Rect::new(area.x, y, area.width, 1),
        );
    }
    if let Some(d) = &app.key_manager.dialog {
        render_dialog(frame, area, app, d, theme);
    }
}
