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
    // A queued message takes a row of its own under the text; attachments one above it.
    lines.clamp(1, cap)
        + 1
        + u16::from(app.chat.queued.is_some())
        + u16::from(!app.chat.attachments.is_empty())
}

/// The chips row: each attached file with its size and estimated tokens, and the key that
/// removes the last; cut at the width.
fn chips_line(chips: &[(String, String, u64)], key: &str, width: u16) -> String {
    let parts: Vec<String> = chips
        .iter()
        .map(|(name, size, tokens)| {
            format!(
                " ⎘ {name} {size} ≈{} tok",
                super::status::short_count(*tokens)
            )
        })
        .collect();
    let tail = format!(" · {key} removes the last");
    let body = parts.join(" ");
    let width = width as usize;
    if crate::text::wrap::str_width(&body) + crate::text::wrap::str_width(&tail) <= width {
        format!("{body}{tail}")
    } else {
        crate::text::wrap::truncate(&body, width)
    }
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
    queued: Option<String>,
    unqueue_key: String,
    /// Attached files: name, size, estimated tokens.
    chips: Vec<(String, String, u64)>,
    detach_key: String,
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
            queued: app.chat.queued.clone(),
            unqueue_key: app.options.keymap.key_for(crate::keymap::Action::Unqueue),
            chips: app
                .chat
                .attachments
                .iter()
                .map(|a| {
                    (
                        crate::text::sanitize::sanitize_line(&a.name),
                        a.size_label(),
                        a.estimated_tokens(),
                    )
                })
                .collect(),
            detach_key: app.options.keymap.key_for(crate::keymap::Action::Detach),
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
        " Message (reply streaming · Esc stops · Enter queues) "
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
    let mut area = buf.area;
    if !drawn.chips.is_empty() && area.height > 2 {
        let row = Rect { height: 1, ..area };
        ratatui::text::Line::from(chips_line(&drawn.chips, &drawn.detach_key, row.width))
            .style(theme.meta)
            .render(row, buf);
        area.y += 1;
        area.height -= 1;
    }
    if let Some(queued) = &drawn.queued {
        area.height = area.height.saturating_sub(1);
        let row = Rect {
            y: area.y + area.height,
            height: 1,
            ..area
        };
        queued_line(queued, &drawn.unqueue_key, row.width)
            .style(theme.hint)
            .render(row, buf);
    }
    (&composer).render(area, buf);
}

/// "⧗ queued: first line… · sent when the reply ends · Alt-Up edits"; narrower, the
/// explanation goes first, then the key, the message's start last.
fn queued_line(queued: &str, key: &str, width: u16) -> ratatui::text::Line<'static> {
    use crate::text::wrap::{str_width, truncate};
    let width = width as usize;
    let first = queued.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let more = if queued.trim().lines().count() > 1 {
        " …"
    } else {
        ""
    };
    let head = "⧗ queued: ";
    let short = format!(" · {key} edits");
    let long = format!(" · sent when the reply ends{short}");
    for tail in [long.as_str(), short.as_str()] {
        let room = width.saturating_sub(str_width(head) + str_width(tail));
        if room >= 8.min(str_width(first)) {
            // A cut first line says "…" itself; a whole one says there is more after it.
            let body = if str_width(first) + more.len() <= room {
                format!("{first}{more}")
            } else {
                truncate(first, room)
            };
            return ratatui::text::Line::from(format!("{head}{body}{tail}"));
        }
    }
    ratatui::text::Line::from(truncate(&format!("{head}{first}"), width))
}

#[cfg(test)]
mod tests {
    use super::queued_line;

    fn at(width: u16) -> String {
        queued_line("a follow-up question\nwith a second line", "Alt-Up", width).to_string()
    }

    #[test]
    fn the_queued_row_gives_up_its_explanation_before_the_key() {
        assert_eq!(
            at(80),
            "⧗ queued: a follow-up question … · sent when the reply ends · Alt-Up edits"
        );
        assert_eq!(at(40), "⧗ queued: a follow-up qu… · Alt-Up edits");
        assert_eq!(at(20), "⧗ queued: a follow-…");
        assert_eq!(
            queued_line("hi", "Alt-Up", 30).to_string(),
            "⧗ queued: hi · Alt-Up edits"
        );
    }
}
