//! The composer: the multi-line message editor at the bottom, with a focus-aware border.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;
use crate::app::{App, Focus};

/// Rows the composer wants: its wrapped text rows (capped at a third of the screen) plus
/// the border.
pub fn height_for(app: &App, screen_width: u16, screen_height: u16) -> u16 {
    let width = (screen_width as usize).saturating_sub(1).max(1);
    let rows: usize = app
        .chat
        .composer
        .lines()
        .iter()
        .map(|l| crate::text::wrap::str_width(l).div_ceil(width).max(1))
        .sum();
    let lines = rows.min(u16::MAX as usize) as u16;
    let cap = (screen_height / 3).max(1);
    lines.clamp(1, cap) + 1
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.chat.focus == Focus::Composer && app.overlay.is_none();
    let border = if focused {
        theme.border_focus
    } else {
        theme.border
    };
    let title = if app.is_busy() {
        " Message (reply streaming · Esc stops) "
    } else {
        " Message "
    };
    let mut composer = app.chat.composer.clone();
    composer.set_block(
        Block::default()
            .borders(Borders::TOP)
            .border_style(border)
            .title(title)
            .title_style(border),
    );
    if !focused {
        composer.set_cursor_style(theme.base);
    }
    composer.set_cursor_line_style(theme.base);
    composer.set_placeholder_style(theme.hint);
    frame.render_widget(&composer, area);
}
