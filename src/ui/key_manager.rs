//! The key manager pane: keys grouped by provider (label, …last4, dates, last test), the
//! store's state, import offers, and the modal steps of adding, rotating and deleting.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::key_manager::{KeyDialog, KeyMeta, StoreState};
use crate::app::{Action, App, Scope};
use crate::keystore::KeyCheck;
use crate::text::sanitize::sanitize_line;
use crate::text::wrap::truncate;
use crate::time::format_date;

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
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let mut out = Vec::new();
    let state = match &pane.state {
        StoreState::Absent => "no key store yet".to_string(),
        StoreState::Locked => "keys.age is locked".to_string(),
        StoreState::Unlocking => format!("{spin} unlocking keys.age…"),
        StoreState::Unlocked { method } => format!("keys.age unlocked with {method}"),
    };
    out.push(Line::from(vec![
        Span::styled(" Key manager ", theme.status_accent),
        Span::styled(format!(" {state}"), theme.meta),
    ]));
    for w in &pane.warnings {
        out.push(Line::from(Span::styled(format!(" ⚠ {w}"), theme.warning)));
    }
    if !pane.warnings.is_empty() {
        out.push(Line::from(Span::styled(
            " Press p to fix the permissions.",
            theme.warning,
        )));
    }
    for (var, provider) in &pane.env_candidates {
        out.push(Line::from(Span::styled(
            format!(" Found {var} in the environment ({provider}): press i to import it."),
            theme.warning,
        )));
    }
    out.push(Line::default());
    match pane.state {
        StoreState::Absent => {
            out.push(Line::from(Span::styled(
                " No keys yet. Press a to add one: it is tested against the provider, then saved in keys.age, encrypted with age.",
                theme.hint,
            )));
        }
        StoreState::Locked => {
            out.push(Line::from(Span::styled(
                " Press any key command (a, t, …) to unlock.",
                theme.hint,
            )));
        }
        StoreState::Unlocking => {
            out.push(Line::from(Span::styled(
                " Deriving the key from the passphrase takes about a second…",
                theme.hint,
            )));
        }
        StoreState::Unlocked { .. } => {
            // Providers with keys, and the one the chat uses; the rest are named in one line.
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
            for (id, name) in providers {
                let title = if name == id {
                    sanitize_line(&id)
                } else {
                    format!("{} ({id})", sanitize_line(&name))
                };
                out.push(Line::from(Span::styled(
                    format!(" {title}"),
                    theme.user_label,
                )));
                let mut any = false;
                for (i, e) in pane
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.provider == id)
                {
                    any = true;
                    out.push(key_row(
                        e,
                        i == pane.selected,
                        pane.testing.contains(&e.id),
                        width,
                        theme,
                        spin,
                    ));
                }
                if !any {
                    out.push(Line::from(Span::styled(
                        "     (no keys: a adds one)",
                        theme.hint,
                    )));
                }
            }
            if !others.is_empty() {
                out.push(Line::from(Span::styled(
                    format!(" a also adds keys for {}.", others.join(", ")),
                    theme.hint,
                )));
            }
        }
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

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let footer = app.options.keymap.hint(
        Scope::Keys,
        &[
            (Action::KeyAdd, "add"),
            (Action::KeyTest, "test"),
            (Action::KeyTestAll, "test all"),
            (Action::KeyRotate, "rotate"),
            (Action::KeyUndo, "undo"),
            (Action::KeyDelete, "delete"),
            (Action::KeyEditLabel, "label"),
            (Action::KeyActivate, "activate"),
            (Action::KeyImportEnv, "import"),
            (Action::KeyBudget, "caps"),
            (Action::Close, "back"),
        ],
    );
    let lines = body_lines(app, area.width as usize, theme);
    let body_h = area.height.saturating_sub(1);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
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

fn render_dialog(frame: &mut Frame, area: Rect, app: &App, dialog: &KeyDialog, theme: &Theme) {
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let (title, text, input, error): (
        String,
        Vec<Line<'static>>,
        Option<&tui_textarea::TextArea<'static>>,
        Option<String>,
    ) = match dialog {
        KeyDialog::Passphrase {
            input,
            creating,
            first,
            error,
        } => {
            let (title, hint) = match (creating, first.is_some()) {
                (true, false) => (
                    " New passphrase ",
                    "Choose a passphrase for keys.age. It is asked once per session; `age -d` opens the file with it too.",
                ),
                (true, true) => (" Repeat passphrase ", "Type the same passphrase again."),
                _ => (
                    " Unlock keys.age ",
                    "Passphrase for your key store (or the passphrase of its SSH key).",
                ),
            };
            (
                title.into(),
                vec![Line::from(Span::styled(hint, theme.hint))],
                Some(input),
                error.clone(),
            )
        }
        KeyDialog::ChooseProvider { selected, .. } => {
            let mut lines = vec![Line::from(Span::styled(
                "Add a key for which provider? (↑↓, Enter)",
                theme.hint,
            ))];
            // A window of the list that keeps the selection visible.
            let room = (area.height as usize).saturating_sub(6).max(1);
            let first = selected
                .saturating_sub(room / 2)
                .min(app.key_manager.providers.len().saturating_sub(room));
            for (i, (id, name)) in app
                .key_manager
                .providers
                .iter()
                .enumerate()
                .skip(first)
                .take(room)
            {
                let style = if i == *selected {
                    theme.status_accent
                } else {
                    theme.base
                };
                lines.push(Line::from(Span::styled(
                    format!(
                        " {} {} ({id}) ",
                        if i == *selected { "▸" } else { " " },
                        sanitize_line(name)
                    ),
                    style,
                )));
            }
            (" Add a key ".into(), lines, None, None)
        }
        KeyDialog::Label { provider, input } => (
            " Label ".into(),
            vec![Line::from(Span::styled(
                format!(
                    "A label for the new {provider} key, e.g. work or personal (Enter to skip)."
                ),
                theme.hint,
            ))],
            Some(input),
            None,
        ),
        KeyDialog::Secret {
            provider,
            rotate,
            input,
            ..
        } => (
            if rotate.is_some() {
                " Rotate key ".into()
            } else {
                " Paste the key ".into()
            },
            {
                let mut lines = vec![Line::from(Span::styled(
                    format!(
                        "Paste the {provider} API key. It is hidden, tested against {provider} (no tokens spent), then saved."
                    ),
                    theme.hint,
                ))];
                if let Some(b) =
                    crate::providers::catalog::builtin(provider).filter(|b| !b.key_url.is_empty())
                {
                    lines.push(Line::from(Span::styled(
                        format!("Get one at {}", b.key_url),
                        theme.meta,
                    )));
                }
                lines
            },
            Some(input),
            None,
        ),
        KeyDialog::Testing { provider, .. } => (
            " Testing ".into(),
            vec![Line::from(Span::styled(
                format!("{spin} Asking {provider} whether it accepts the key… (Esc cancels)"),
                theme.hint,
            ))],
            None,
            None,
        ),
        KeyDialog::ConfirmUnverified { outcome, .. } => (
            " Not verified ".into(),
            vec![
                Line::from(Span::styled(
                    format!("{}: {}", outcome.check.label(), outcome.detail),
                    theme.error,
                )),
                Line::default(),
                Line::from(Span::styled(
                    format!(
                        "Save it anyway?{}",
                        app.options.keymap.hint(
                            Scope::Dialog,
                            &[(Action::Yes, "saves"), (Action::No, "discards")]
                        )
                    ),
                    theme.help_key,
                )),
            ],
            None,
            None,
        ),
        KeyDialog::ConfirmDelete { id } => {
            let who = app
                .key_manager
                .entries
                .iter()
                .find(|e| e.id == *id)
                .map_or(id.clone(), |e| {
                    format!("{} {} ({})", e.provider, e.masked, sanitize_line(&e.label))
                });
            (
                " Delete key ".into(),
                vec![Line::from(Span::styled(
                    format!(
                        "Delete {who}?{}",
                        app.options.keymap.hint(
                            Scope::Dialog,
                            &[(Action::Yes, "deletes"), (Action::No, "keeps it")]
                        )
                    ),
                    theme.help_key,
                ))],
                None,
                None,
            )
        }
        KeyDialog::OfferPurge { .. } => (
            " Purge backup? ".into(),
            vec![
                Line::from(Span::styled(
                    "The encrypted backup (keys.age.bak) still holds the deleted key, so u can bring it back.",
                    theme.hint,
                )),
                Line::from(Span::styled(
                    format!(
                        "Delete the backup too?{}",
                        app.options.keymap.hint(
                            Scope::Dialog,
                            &[(Action::Yes, "deletes it"), (Action::No, "keeps it")]
                        )
                    ),
                    theme.help_key,
                )),
            ],
            None,
            None,
        ),
        KeyDialog::EditLabel { input, .. } => (
            " Edit label ".into(),
            vec![Line::from(Span::styled("New label:", theme.hint))],
            Some(input),
            None,
        ),
        KeyDialog::EditCap {
            id,
            provider,
            scope,
            input,
        } => {
            use crate::app::key_manager::CapScope;
            let key = app
                .key_manager
                .entries
                .iter()
                .find(|e| &e.id == id)
                .map_or_else(String::new, |e| e.masked.clone());
            let (title, kept) = match scope {
                CapScope::Key => (
                    format!(" Monthly budget for the key {key} "),
                    "in the key store",
                ),
                CapScope::Provider => {
                    (format!(" Monthly budget for {provider} "), "in config.toml")
                }
                CapScope::Global => (
                    " Monthly budget for everything ".to_string(),
                    "in config.toml",
                ),
            };
            let tabs = [
                (CapScope::Key, "this key".to_string()),
                (CapScope::Provider, provider.clone()),
                (CapScope::Global, "everything".to_string()),
            ];
            let mut choice = vec![Span::styled("Tab: ", theme.hint)];
            for (i, (s, name)) in tabs.into_iter().enumerate() {
                if i > 0 {
                    choice.push(Span::styled(" · ", theme.hint));
                }
                let style = if s == *scope {
                    theme.status_accent
                } else {
                    theme.hint
                };
                choice.push(Span::styled(name, style));
            }
            (
                title,
                vec![
                    Line::from(choice),
                    Line::from(Span::styled(
                        format!(
                            "USD a month, kept {kept} (empty: no cap). At a cap keyturn refuses to send."
                        ),
                        theme.hint,
                    )),
                ],
                Some(input),
                None,
            )
        }
    };
    let width = area.width.saturating_sub(4).clamp(1, 76);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let rows = |l: &Line| (l.width().max(1)).div_ceil(inner_w) as u16;
    let error_rows = error
        .as_ref()
        .map_or(0, |e| (e.chars().count().max(1)).div_ceil(inner_w) as u16);
    let text_rows: u16 = text.iter().map(rows).sum::<u16>() + error_rows;
    let height = (text_rows + 2 + u16::from(input.is_some()) * 2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = text;
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(e, theme.error)));
    }
    let text_h = inner
        .height
        .saturating_sub(if input.is_some() { 2 } else { 0 });
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect {
            height: text_h,
            ..inner
        },
    );
    if let Some(input) = input
        && inner.height >= 2
    {
        let r = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
        let mut field = input.clone();
        field.set_cursor_line_style(theme.base);
        field.set_placeholder_style(theme.hint);
        frame.render_widget(&field, r);
    }
}
