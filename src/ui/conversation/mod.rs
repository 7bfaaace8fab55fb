//! The conversation pane: role-labelled turns, word-wrapped, with folded reasoning, turn
//! state and errors. Only the visible lines are drawn; per-message lines come from the cache.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::layout_cache::wrap_all;
use super::theme::Theme;
use crate::app::browse::RevealTarget;
use crate::app::{App, Scroll};
use crate::markdown::highlight;

mod message;
mod rows;
use message::refresh;
pub use message::{Hints, MessageLines};

/// Per-message line caches for the current width, and where each message starts.
#[derive(Debug, Default)]
pub struct ConversationCache {
    width: usize,
    /// Syntax sets loaded when the entries were made (code is redone in colour once they are).
    generation: u8,
    entries: Vec<MessageLines>,
    /// `starts[i]`: first line of message i; `starts[n]`: the line count. Rebuilt only
    /// from the first message whose height changed, so a frame does not walk the history.
    starts: Vec<usize>,
    pub content_lines: usize,
    pub viewport: usize,
    /// The top line of the last frame (reported back so the reducer can scroll from it).
    pub top: usize,
    /// Where the pane was last drawn (with `top`, tells the frame writer how far it scrolled).
    pub area: Rect,
    /// Links on screen this frame, when OSC 8 hyperlinks are on.
    pub hyperlinks: Vec<Hyperlink>,
    /// Set by the frame writer: this frame may leave rows as the terminal shows them.
    pub keep_rows: bool,
    /// The rows (screen y) this frame left unpainted, for the frame writer.
    pub kept: Vec<u16>,
    rows: rows::PaintedRows,
}

impl ConversationCache {
    /// The pane was not drawn, or something was drawn over it: the next frame paints every
    /// row.
    pub fn forget_rows(&mut self) {
        self.rows.forget();
        self.kept.clear();
    }

    /// Updates every message's lines (cheap for unchanged ones) and returns the line count.
    pub fn layout(&mut self, app: &App, width: usize, theme: &Theme, hints: &Hints) -> usize {
        let generation = highlight::generation();
        if width != self.width || generation != self.generation {
            self.width = width;
            self.generation = generation;
            self.entries.clear();
            self.starts.clear();
        }
        let messages = &app.session.conversation.messages;
        let cut = app.session.conversation.sent_from;
        self.entries.truncate(messages.len());
        self.starts.truncate(self.entries.len() + 1);
        self.entries
            .resize_with(messages.len(), MessageLines::default);
        let mut first_changed = self.starts.len().saturating_sub(1).min(messages.len());
        for (i, (entry, msg)) in self.entries.iter_mut().zip(messages).enumerate() {
            if entry.id == msg.id && entry.version == msg.version && i < first_changed {
                continue;
            }
            let before = entry.len();
            let was_same = entry.id == msg.id;
            let left_out = (i == cut && cut > 0).then_some(cut);
            refresh(entry, msg, width, theme, hints, left_out);
            if (!was_same || entry.len() != before) && i < first_changed {
                first_changed = i;
            }
        }
        self.starts.truncate(first_changed + 1);
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        for i in first_changed..self.entries.len() {
            let next = self.starts[i] + self.entries[i].len();
            self.starts.push(next);
        }
        self.starts[self.entries.len()]
    }

    pub fn entry(&self, index: usize) -> Option<&MessageLines> {
        self.entries.get(index)
    }

    /// First line of message `index`.
    pub fn message_start(&self, index: usize) -> Option<usize> {
        (index < self.entries.len()).then(|| self.starts[index])
    }

    /// The message that line `line` belongs to (binary search over the starts).
    pub fn message_at(&self, line: usize) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let i = self.starts.partition_point(|s| *s <= line);
        i.checked_sub(1).filter(|i| *i < self.entries.len())
    }

    /// Lines `[top, top+count)` with the message each belongs to.
    fn visible(&self, top: usize, count: usize) -> Vec<(usize, usize, &Line<'static>)> {
        let mut out = Vec::with_capacity(count);
        let Some(mut m) = self.message_at(top) else {
            return out;
        };
        let mut i = top - self.starts[m];
        while out.len() < count && m < self.entries.len() {
            match self.entries[m].line(i) {
                Some(l) => {
                    out.push((m, i, l));
                    i += 1;
                }
                None => {
                    m += 1;
                    i = 0;
                }
            }
        }
        out
    }

    /// The line a reveal asks for, and the top line that shows it well.
    fn resolve(
        &self,
        message: usize,
        target: RevealTarget,
        query: &str,
        height: usize,
    ) -> Option<usize> {
        let start = self.message_start(message)?;
        let entry = &self.entries[message];
        let (line, context) = match target {
            RevealTarget::Start => (0, 0),
            RevealTarget::Code(k) => (entry.code_start(k).unwrap_or(0), 1),
            RevealTarget::Match(n) => {
                let hit = (0..entry.len())
                    .flat_map(|i| {
                        let text = entry.line(i).map(line_text).unwrap_or_default();
                        let count = match_columns(&text, query).len();
                        std::iter::repeat_n(i, count)
                    })
                    .nth(n);
                (hit.unwrap_or(0), height / 3)
            }
        };
        Some((start + line).saturating_sub(context))
    }
}

/// A line's text without its styles.
pub(crate) fn line_text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Columns (start, width) where `query` occurs in `text`, case-insensitively.
fn match_columns(text: &str, query: &str) -> Vec<(usize, usize)> {
    let q: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    if q.is_empty() {
        return Vec::new();
    }
    let chars: Vec<(char, usize)> = text
        .chars()
        .map(|c| {
            (
                c.to_lowercase().next().unwrap_or(c),
                crate::text::wrap::char_width(c),
            )
        })
        .collect();
    let mut out = Vec::new();
    let mut col = 0;
    let mut i = 0;
    while i < chars.len() {
        if i + q.len() <= chars.len()
            && chars[i..i + q.len()]
                .iter()
                .map(|c| c.0)
                .eq(q.iter().copied())
        {
            let w: usize = chars[i..i + q.len()].iter().map(|c| c.1).sum();
            out.push((col, w));
            col += w;
            i += q.len();
        } else {
            col += chars[i].1;
            i += 1;
        }
    }
    out
}

/// A link on screen, for the runtime to overwrite with an OSC 8 hyperlink after the frame
/// (escapes inside cells would break ratatui's width bookkeeping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub x: u16,
    pub y: u16,
    pub text: String,
    pub style: ratatui::style::Style,
    pub url: String,
}

fn hyperlink(
    buf: &Buffer,
    area: Rect,
    x: u16,
    y: u16,
    width: usize,
    url: &str,
) -> Option<Hyperlink> {
    if url.is_empty() || url.chars().any(char::is_control) {
        return None;
    }
    let end = (x as usize + width).min((area.x + area.width) as usize) as u16;
    let text: String = (x..end).map(|x| buf[(x, y)].symbol()).collect();
    (x < end).then(|| Hyperlink {
        x,
        y,
        text,
        style: buf[(x, y)].style(),
        url: url.to_string(),
    })
}

pub fn render(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    cache: &mut ConversationCache,
    theme: &Theme,
    hints: &Hints,
) {
    let width = area.width as usize;
    let height = area.height as usize;
    if width == 0 || height == 0 {
        return;
    }
    let total = cache.layout(app, width, theme, hints);
    cache.hyperlinks.clear();
    cache.area = area;
    cache.content_lines = total;
    cache.viewport = height;
    if app.session.conversation.messages.is_empty() {
        // The setup hint says no provider is chosen: only while that is true.
        let setup = app
            .options
            .setup_hint
            .clone()
            .filter(|_| app.session.provider.is_none());
        let hint = setup.unwrap_or_else(|| {
            "Ask anything. Enter sends, Alt-Enter (or Ctrl-J) adds a line, F1 lists every key."
                .into()
        });
        let lines = wrap_all(&hint, width.saturating_sub(2).max(1), " ", theme.hint);
        for (y, line) in lines.iter().take(height).enumerate() {
            buf.set_line(area.x, area.y + y as u16, line, area.width);
        }
        cache.top = 0;
        cache.forget_rows();
        return;
    }
    let max_top = total.saturating_sub(height);
    let query = app.chat.search.as_ref().map_or("", |s| s.query.text());
    let top = match app.chat.scroll {
        Scroll::Follow => max_top,
        Scroll::Top(t) => t.min(max_top),
        Scroll::Reveal { message, target } => cache
            .resolve(message, target, query, height)
            .unwrap_or(app.chat.top)
            .min(max_top),
    };
    cache.top = top;
    let current = app.chat.search.as_ref().and_then(|s| s.current_hit());
    let mut seen_in_current = 0;
    if let Some((m, _)) = current
        && let Some(start) = cache.message_start(m)
    {
        // Matches of the current message above the view count towards its index.
        let entry = &cache.entries[m];
        for i in (0..top.saturating_sub(start).min(entry.len())).filter(|&i| entry.is_body(i)) {
            let text = entry.line(i).map(line_text).unwrap_or_default();
            seen_in_current += match_columns(&text, query).len();
        }
    }
    let mut links: Option<(usize, Vec<crate::markdown::LinkSpan>)> = None;
    let mut on_screen = Vec::new();
    // Scrolled up: the last row is the marker's own, so it never covers text.
    let marker = top < max_top && height >= 3;
    let rows = if marker { height - 1 } else { height };
    let mut painted = std::mem::take(&mut cache.rows);
    let mut kept = std::mem::take(&mut cache.kept);
    kept.clear();
    painted.begin(area, top, cache.keep_rows);
    for (row, (m, i, line)) in cache.visible(top, rows).into_iter().enumerate() {
        let y = area.y + row as u16;
        if app.options.hyperlinks && links.as_ref().is_none_or(|(lm, _)| *lm != m) {
            links = Some((m, cache.entries[m].links()));
        }
        let linked = links
            .iter()
            .flat_map(|(_, ls)| ls)
            .any(|l| l.line == i && app.options.hyperlinks);
        // Marks and links go over the line, so such a row is always painted.
        let plain = !linked && app.chat.selected != Some(m) && query.is_empty();
        if painted.keep(row, plain.then_some(line)) {
            kept.push(y);
            continue;
        }
        super::paint::set_line(buf, area.x, y, line, area.width);
        if app.options.hyperlinks {
            for l in links.iter().flat_map(|(_, ls)| ls).filter(|l| l.line == i) {
                let x = area.x.saturating_add(l.col as u16);
                on_screen.extend(hyperlink(buf, area, x, y, l.width, &l.url));
            }
        }
        if app.chat.selected == Some(m) {
            mark_selected(buf, area, y, i == 0, line.width(), theme);
        }
        // Only the text is searched: "you" does not light up the "You" label.
        if !query.is_empty() && cache.entries[m].is_body(i) {
            let cursor = SearchCursor {
                query,
                current,
                seen: &mut seen_in_current,
            };
            mark_matches(buf, area, y, m, &line_text(line), cursor, theme);
        }
    }
    cache.hyperlinks = on_screen;
    cache.rows = painted;
    cache.kept = kept;
    if marker {
        // How much is below, on a row of its own at the right edge.
        let label = format!(" ↓ {} more ", total - top - rows);
        let w = crate::text::wrap::str_width(&label);
        if area.width as usize > w + 2 {
            let x = area.x + area.width - w as u16;
            buf.set_string(x, area.y + area.height - 1, label, theme.status_accent);
        }
    }
}

/// The selected message: its first row reversed, a bar beside the rest.
fn mark_selected(buf: &mut Buffer, area: Rect, y: u16, first: bool, width: usize, theme: &Theme) {
    if first {
        for x in area.x..area.x + (width as u16).min(area.width) {
            buf[(x, y)]
                .modifier
                .insert(ratatui::style::Modifier::REVERSED);
        }
    } else {
        buf[(area.x, y)].set_symbol("▌").set_style(theme.selection);
    }
}

/// Where the search is: its query, the current hit (message, index) and how many matches of
/// the current message were painted so far.
struct SearchCursor<'a> {
    query: &'a str,
    current: Option<(usize, usize)>,
    seen: &'a mut usize,
}

/// Paints the search's matches on one row of message `m`; the current one stands out.
fn mark_matches(
    buf: &mut Buffer,
    area: Rect,
    y: u16,
    m: usize,
    text: &str,
    cursor: SearchCursor,
    theme: &Theme,
) {
    for (col, w) in match_columns(text, cursor.query) {
        let is_current = cursor
            .current
            .is_some_and(|(cm, ck)| cm == m && ck == *cursor.seen);
        if cursor.current.is_some_and(|(cm, _)| cm == m) {
            *cursor.seen += 1;
        }
        let style = if is_current {
            theme.search_current
        } else {
            theme.search_match
        };
        let x0 = area.x as usize + col;
        for x in x0..(x0 + w).min(area.x as usize + area.width as usize) {
            buf[(x as u16, y)].set_style(style);
        }
    }
}
