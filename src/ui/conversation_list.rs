//! The conversations pane: a filter line, the list by last activity (title, when, how many
//! messages, and where a search matched), and the keys or the open dialog at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::conversation_list::{ConversationsPane, Dialog};
use crate::app::{Action, App, Scope};
use crate::text::wrap::truncate;

pub fn render(frame: &mut Frame, area: Rect, app: &App, pane: &ConversationsPane, theme: &Theme) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let width = area.width as usize;
    let head = Line::from(vec![
        Span::styled(" Conversations ", theme.status_accent),
        Span::styled(" search: ", theme.meta),
        Span::styled(
            {
                let (before, after) = pane.query.split();
                format!("{before}▏{after}")
            },
            theme.base,
        ),
    ]);
    frame.render_widget(
        Paragraph::new(head),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let list_h = area.height.saturating_sub(2) as usize;
    let (lines, selected_line) = list_lines(app, pane, width, theme);
    let top = selected_line.saturating_sub(list_h.saturating_sub(2));
    let shown: Vec<Line> = lines.into_iter().skip(top).take(list_h).collect();
    frame.render_widget(
        Paragraph::new(shown),
        Rect::new(area.x, area.y + 1, area.width, list_h as u16),
    );
    let foot = foot_line(app, pane, width, theme);
    frame.render_widget(
        Paragraph::new(foot),
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
    );
}

/// The conversations as rows (with where a search matched), and the row of the selected one.
fn list_lines(
    app: &App,
    pane: &ConversationsPane,
    width: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, usize) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut selected_line = 0;
    if pane.items.is_empty() {
        let text = if pane.loading {
            "Loading…".to_string()
        } else if pane.query.text().is_empty() {
            "No saved conversations yet.".to_string()
        } else {
            format!("Nothing matches {:?}.", pane.query.text())
        };
        lines.push(Line::from(Span::styled(format!("  {text}"), theme.hint)));
    }
    for (i, item) in pane.items.iter().enumerate() {
        let s = &item.summary;
        let current = s.id == app.session.conversation.id;
        let mark = if current { "● " } else { "  " };
        let meta = format!(
            "  {} · {}",
            crate::time::format_local(s.modified),
            crate::text::count(s.messages, "msg")
        );
        let room = width.saturating_sub(meta.chars().count() + 2);
        let style = if i == pane.selected {
            theme.status_accent
        } else {
            theme.base
        };
        if i == pane.selected {
            selected_line = lines.len();
        }
        lines.push(Line::from(vec![
            Span::styled(mark, theme.bullet),
            Span::styled(truncate(&s.title, room), style),
            Span::styled(meta, theme.meta),
        ]));
        if let Some(ex) = &item.excerpt {
            lines.push(Line::from(Span::styled(
                truncate(&format!("    …{ex}…"), width),
                theme.hint,
            )));
        }
    }
    (lines, selected_line)
}

/// The bottom row: the keys, or the open dialog.
fn foot_line(app: &App, pane: &ConversationsPane, width: usize, theme: &Theme) -> Line<'static> {
    let keymap = &app.options.keymap;
    match &pane.dialog {
        Some(Dialog::Rename { title, .. }) => Line::from(vec![
            Span::styled(" New title: ", theme.status_accent),
            // The old title is shown selected: typing replaces it.
            if title.is_selected() {
                Span::styled(format!("{}▏", title.text()), theme.status_accent)
            } else {
                let (before, after) = title.split();
                Span::styled(format!("{before}▏{after}"), theme.base)
            },
            Span::styled(
                format!(
                    " {}",
                    keymap.hint(
                        Scope::Dialog,
                        &[(Action::Confirm, "saves"), (Action::Cancel, "cancels")]
                    )
                ),
                theme.hint,
            ),
        ]),
        Some(Dialog::Delete { title, .. }) => Line::from(Span::styled(
            truncate(
                &format!(
                    " Delete \"{title}\"? {} deletes · any other key keeps it",
                    keymap.key_in(Scope::Dialog, Action::Yes)
                ),
                width,
            ),
            theme.error,
        )),
        None => Line::from(Span::styled(
            truncate(
                &format!(
                    "{} · type to search ·{}",
                    keymap.hint(Scope::Conversations, &[(Action::OpenConversation, "open")]),
                    keymap.hint(
                        Scope::Conversations,
                        &[
                            (Action::NewConversation, "new"),
                            (Action::RenameConversation, "rename"),
                            (Action::DeleteConversation, "delete"),
                            (Action::Close, "back"),
                        ],
                    )
                ),
                width,
            ),
            theme.hint,
        )),
    }
}
