//! The help overlay, generated from the active key map so it can never drift from it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
        View::Presets => &[Scope::Presets],
        // The welcome's keys are fixed; its section is written out below.
        View::Welcome => &[],
    }
}

/// The help text of the pane in view as lines: a heading per scope, then
/// "keys  description (action)".
pub fn help_lines(keymap: &Keymap, view: View, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let scopes = scopes_of(view);
    let rows = keymap.help_rows_for(scopes);
    let key_width = rows
        .iter()
        .map(|(_, k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    let mut out = Vec::new();
    if view == View::Welcome {
        out.push(Line::from(Span::styled(
            "The welcome",
            theme.assistant_label,
        )));
        for (keys, what) in [
            ("1 2 3 a i m", "choose the option shown beside that key"),
            ("Enter", "choose the first option"),
            (
                "s, Esc",
                "skip this step (Esc in the path field goes back a step)",
            ),
            ("F1", "show or hide this help"),
            ("Ctrl-C", "quit (what is set up already is kept)"),
        ] {
            out.extend(super::hanging::hanging(
                vec![Span::styled(format!(" {keys:<12} "), theme.help_key)],
                vec![Span::styled(what, theme.base)],
                width,
            ));
        }
        out.push(Line::default());
    }
    for &scope in scopes {
        out.push(Line::from(Span::styled(
            scope.title(),
            theme.assistant_label,
        )));
        for (_, keys, action) in rows.iter().filter(|(s, _, _)| *s == scope) {
            // A long key list or description wraps under the description, not the keys.
            out.extend(super::hanging::hanging(
                vec![Span::styled(
                    format!(" {keys:<key_width$} "),
                    theme.help_key,
                )],
                vec![
                    Span::styled(action.describe().to_string(), theme.base),
                    Span::styled(format!(" ({})", action.name()), theme.hint),
                ],
                width,
            ));
        }
        out.push(Line::default());
    }
    let note = if view == View::Chat {
        "In the composer, ? opens this help when the message is empty. Any key closes it."
    } else if view == View::Welcome {
        "Every step can be done later: F3 for keys, Ctrl-P for the model. Any key closes this help."
    } else {
        "Ctrl-C quits from every pane. Any key closes this help."
    };
    out.extend(super::hanging::hanging(
        Vec::new(),
        vec![Span::styled(note, theme.hint)],
        width,
    ));
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, scroll: u16) {
    let width = area.width.saturating_sub(4).clamp(1, 96);
    let height = area.height.saturating_sub(2).max(1);
    let borders = height >= 3 && width >= 3;
    let inner = if borders { width - 2 } else { width };
    let lines = help_lines(&app.options.keymap, app.view(), theme, inner as usize);
    let (rect, block) = super::dialog(
        frame,
        area,
        (width, height),
        borders,
        theme.border_focus,
        " Keys · Esc closes · ↑↓ scroll ",
    );
    let max_scroll = (lines.len() as u16).saturating_sub(height.saturating_sub(2));
    let para = Paragraph::new(lines)
        .block(block)
        .scroll((scroll.min(max_scroll), 0));
    frame.render_widget(para, rect);
}
