//! The composer: the multi-line message editor at the bottom, with a focus-aware border.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};

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

/// Everything the composer's cells depend on besides their area (the theme is fixed for a
/// cache's life).
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    focused: bool,
    busy: bool,
    lines: Vec<String>,
    cursor: tui_textarea::DataCursor,
    selection: Option<((usize, usize), (usize, usize))>,
    placeholder: String,
}

/// The composer's cells, kept while nothing in it changes (every frame of a streaming reply).
pub type ComposerCache = super::kept::Kept<Drawn>;

impl Drawn {
    fn of(app: &App) -> Self {
        let c = &app.chat.composer;
        Self {
            focused: app.chat.focus == Focus::Composer && app.overlay.is_none(),
            busy: app.is_busy(),
            lines: c.lines().to_vec(),
            cursor: c.cursor(),
            selection: c.selection_range(),
            placeholder: c.placeholder_text().to_string(),
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, cache: &mut ComposerCache) {
    cache.draw(Drawn::of(app), area, frame.buffer_mut(), |drawn, buf| {
        draw(buf, drawn, app, theme)
    });
}

fn draw(buf: &mut Buffer, drawn: &Drawn, app: &App, theme: &Theme) {
    let border = if drawn.focused {
        theme.border_focus
    } else {
        theme.border
    };
    let title = if drawn.busy {
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
    if !drawn.focused {
        composer.set_cursor_style(theme.base);
    }
    composer.set_cursor_line_style(theme.base);
    composer.set_placeholder_style(theme.hint);
    (&composer).render(buf.area, buf);
}
