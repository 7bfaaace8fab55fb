//! The help overlay, generated from the active key map so it can never drift from it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::{App, Keymap, Scope, View};

/// The key map scopes of the pane in view, in the order the help lists them.
pub fn scopes_of(view: View) -> &'static [Scope] {
    match view {
        View::Chat => &[Scope::Global, Scope::Composer, Scope::Conversation],
        View::Keys => &[Scope::Keys, Scope::Dialog],
        View::Picker => &[Scope::Picker],
        View::Conversations => &[Scope::Conversations, Scope::Dialog],
        View::Usage => &[Scope::Usage],
        View::Welcome => &[Scope::Global],
    }
}

/// The help text of the pane in view as lines: a heading per scope, then
/// "keys  description (action)".
pub fn help_lines(keymap: &Keymap, view: View, theme: &Theme) -> Vec<Line<'static>> {
    let scopes = scopes_of(view);
    let rows = keymap.help_rows_for(scopes);
    let key_width = rows
        .iter()
        .map(|(_, k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    let mut out = Vec::new();
    for &scope in scopes {
        out.push(Line::from(Span::styled(
            scope.title(),
            theme.assistant_label,
        )));
        for (_, keys, action) in rows.iter().filter(|(s, _, _)| *s == scope) {
            out.push(Line::from(vec![
                Span::styled(format!(" {keys:<key_width$} "), theme.help_key),
                Span::styled(action.describe().to_string(), theme.base),
                Span::styled(format!(" ({})", action.name()), theme.hint),
            ]));
        }
        out.push(Line::default());
    }
    let note = if view == View::Chat {
        "In the composer, ? opens this help when the message is empty. Any key closes it."
    } else {
        "Ctrl-C quits from every pane. Any key closes this help."
    };
    out.push(Line::from(Span::styled(note, theme.hint)));
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, scroll: u16) {
    let lines = help_lines(&app.options.keymap, app.view(), theme);
    let width = area.width.saturating_sub(4).clamp(1, 96);
    let height = area.height.saturating_sub(2).max(1);
    let x = area.x + (area.width.saturating_sub(width)) / 2;
    let y = area.y + (area.height.saturating_sub(height)) / 2;
    let rect = Rect::new(x, y, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(if height >= 3 && width >= 3 {
            Borders::ALL
        } else {
            Borders::NONE
        })
        .border_style(theme.border_focus)
        .title(" Keys · Esc closes · ↑↓ scroll ");
    let max_scroll = (lines.len() as u16).saturating_sub(height.saturating_sub(2));
    let para = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(max_scroll), 0));
    frame.render_widget(para, rect);
}
