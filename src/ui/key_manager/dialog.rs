//! The key manager's dialogs: what each one says (a flat match over the dialog kinds) and
//! the box they are drawn in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::SPINNER;
use crate::app::key_manager::KeyDialog;
use crate::app::{Action, App, Scope};
use crate::text::sanitize::sanitize_line;
use crate::theme::Theme;

pub(super) fn render_dialog(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    dialog: &KeyDialog,
    theme: &Theme,
) {
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
    draw_box(frame, area, title, text, input, error, theme);
}

/// The dialog's box: centred, sized to its text, with its field at the bottom.
fn draw_box(
    frame: &mut Frame,
    area: Rect,
    title: String,
    text: Vec<Line<'static>>,
    input: Option<&tui_textarea::TextArea<'static>>,
    error: Option<String>,
    theme: &Theme,
) {
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
