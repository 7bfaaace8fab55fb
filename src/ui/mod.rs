//! Drawing: state → frame. `draw` reads the model and writes only the render cache.
//! One file per pane or bar; colours come from `theme`.

pub mod composer;
pub mod conversation;
pub mod conversation_list;
pub mod hanging;
pub mod help;
pub mod kept;
pub mod key_manager;
pub mod layout_cache;
pub mod overflow;
pub mod paint;
pub mod picker;
pub mod presets;
pub mod shift;
pub mod status;
pub mod usage;
pub mod welcome;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{Action, App, Overlay, Screen};
pub use crate::theme::{self, Theme};
pub use conversation::ConversationCache;

/// Below this the full layout cannot fit; we show a notice instead.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;

/// Everything draw may write: caches, and layout facts for the runtime to report back.
#[derive(Debug, Default)]
pub struct RenderCache {
    pub conversation: ConversationCache,
    pub composer: composer::ComposerCache,
    pub status: status::StatusCache,
    pub theme: Theme,
}

impl RenderCache {
    pub fn new(theme: Theme) -> Self {
        Self {
            conversation: ConversationCache::default(),
            composer: Default::default(),
            status: Default::default(),
            theme,
        }
    }
}

/// What the last frame learned, for the reducer: line count, viewport height, top line.
pub fn layout_msg(cache: &RenderCache) -> crate::app::Msg {
    crate::app::Msg::Layout {
        content_lines: cache.conversation.content_lines,
        viewport: cache.conversation.viewport,
        top: cache.conversation.top,
    }
}

/// A pane's key hints on its last row, cut to the width.
fn hint_footer(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let line = Line::styled(
        crate::text::wrap::truncate(text, area.width as usize),
        theme.hint,
    );
    frame.render_widget(
        Paragraph::new(line),
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
    );
}

fn key_for(app: &App, action: Action) -> String {
    app.options.keymap.key_for(action)
}

pub fn draw(frame: &mut Frame, app: &App, cache: &mut RenderCache) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        cache.conversation.forget_rows();
        draw_too_small(frame, area);
        return;
    }
    let RenderCache {
        conversation: conversation_cache,
        composer: composer_cache,
        status: status_cache,
        theme,
    } = cache;
    let theme: &Theme = theme;
    let status_h = status::height(app, area.width, area.height);
    let composer_h = composer::height_for(app, area.width, area.height)
        .min(area.height.saturating_sub(2 + status_h));
    let [conv, comp, status_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(composer_h),
        Constraint::Length(status_h),
    ])
    .areas(area);
    let hints = conversation::Hints {
        retry: key_for(app, Action::Retry),
        reasoning: key_for(app, Action::ToggleReasoning),
    };
    let pane = Rect {
        height: conv.height + comp.height,
        ..conv
    };
    // Rows of the conversation can be left as they are only when nothing else draws there.
    let covered = app.overlay.is_some() || !matches!(app.screen, Screen::Chat);
    if covered {
        conversation_cache.keep_rows = false;
    }
    match &app.screen {
        Screen::Chat => {
            conversation::render(
                conv,
                frame.buffer_mut(),
                app,
                conversation_cache,
                theme,
                &hints,
            );
            composer::render(frame, comp, app, theme, composer_cache);
        }
        Screen::Keys { back } => {
            let pane = welcome_header(frame, pane, back, theme);
            key_manager::render(frame, pane, app, theme)
        }
        Screen::Picker { picker, back } => {
            let pane = welcome_header(frame, pane, back, theme);
            picker::render(frame, pane, app, picker, theme)
        }
        Screen::Welcome(w) => welcome::render(frame, pane, app, w, theme),
        Screen::Conversations(p) => conversation_list::render(frame, pane, app, p, theme),
        Screen::Usage(v) => {
            let credit = usage::credit_notes(app);
            usage::render(frame, pane, v, &app.options.keymap, &credit, theme)
        }
        Screen::Presets(p) => presets::render(frame, pane, app, p, theme),
    }
    status::render(
        status_area,
        frame.buffer_mut(),
        app,
        theme,
        &key_for(app, Action::Help),
        status_cache,
    );
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::render(frame, area, app, theme, *scroll),
        Some(Overlay::Overflow(offer)) => overflow::render(frame, area, offer, theme),
        None => {}
    }
    if covered {
        conversation_cache.forget_rows();
    }
}

/// A pane doing a step of the welcome keeps the welcome's header on its top line (when
/// there is room); returns the area left for the pane.
fn welcome_header(frame: &mut Frame, pane: Rect, back: &crate::app::Back, theme: &Theme) -> Rect {
    match back {
        crate::app::Back::Welcome(w) if pane.height > 8 => {
            frame.render_widget(
                Paragraph::new(welcome::header(w, theme)),
                Rect { height: 1, ..pane },
            );
            Rect {
                y: pane.y + 1,
                height: pane.height - 1,
                ..pane
            }
        }
        _ => pane,
    }
}

/// A box over the middle of `area` (help, the overflow offer): cleared, with a border when
/// `borders`, in `style`, under `title`.
pub fn dialog<'a>(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    borders: bool,
    style: ratatui::style::Style,
    title: &'a str,
) -> (Rect, ratatui::widgets::Block<'a>) {
    use ratatui::widgets::{Block, Borders, Clear};
    let x = area.x + (area.width.saturating_sub(width)) / 2;
    let y = area.y + (area.height.saturating_sub(height)) / 2;
    let rect = Rect::new(x, y, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(if borders { Borders::ALL } else { Borders::NONE })
        .border_style(style)
        .title(title);
    (rect, block)
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let lines: Vec<Line> = too_small_text(area.width as usize, area.height as usize)
        .into_iter()
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The longest "too small" notice that fits whole (a 15x4 window still reads one).
pub fn too_small_text(width: usize, height: usize) -> Vec<String> {
    const NOTICES: [&str; 4] = [
        "Window too small for keyturn: enlarge it (at least 20x5). Ctrl-C quits.",
        "Too small: enlarge to 20x5. Ctrl-C quits.",
        "Too small (20x5). Ctrl-C quits.",
        "Too small",
    ];
    for text in NOTICES {
        let rows = crate::text::wrap::wrap_paragraph(text, width);
        let fits = rows.len() <= height
            && rows
                .iter()
                .all(|r| crate::text::wrap::str_width(&text[r.clone()]) <= width);
        if fits {
            return rows.into_iter().map(|r| text[r].to_string()).collect();
        }
    }
    vec![crate::text::wrap::truncate("Too small", width)]
}
