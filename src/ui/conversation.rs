//! The conversation pane: role-labelled turns, word-wrapped, with folded reasoning, turn
//! state and errors. Only the visible lines are drawn; per-message lines come from the cache.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::layout_cache::{IncrementalWrap, wrap_all};
use super::theme::Theme;
use crate::app::{App, Message, TurnState};
use crate::markdown::{StreamRender, highlight};
use crate::providers::Role;

const INDENT: &str = "  ";

/// A message body: assistant replies are markdown; what the user typed is shown as typed.
#[derive(Debug, Clone)]
enum Body {
    Plain(IncrementalWrap),
    Markdown(Box<StreamRender>),
}

impl Default for Body {
    fn default() -> Self {
        Body::Plain(IncrementalWrap::default())
    }
}

impl Body {
    fn parts(&self) -> [&[Line<'static>]; 2] {
        match self {
            Body::Plain(w) => [&w.lines, &[]],
            Body::Markdown(r) => [&r.done.lines, &r.tail.lines],
        }
    }
}

/// Cached lines of one message at one width.
#[derive(Debug, Clone, Default)]
pub struct MessageLines {
    id: u64,
    version: u64,
    head: Vec<Line<'static>>,
    reasoning: IncrementalWrap,
    reasoning_summary: Vec<Line<'static>>,
    body: Body,
    foot: Vec<Line<'static>>,
}

impl MessageLines {
    fn parts(&self) -> [&[Line<'static>]; 5] {
        let reasoning: &[Line<'static>] = if self.reasoning_summary.is_empty() {
            &self.reasoning.lines
        } else {
            &self.reasoning_summary
        };
        let [a, b] = self.body.parts();
        [&self.head, reasoning, a, b, &self.foot]
    }

    pub fn len(&self) -> usize {
        self.parts().iter().map(|p| p.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn line(&self, mut i: usize) -> Option<&Line<'static>> {
        for part in self.parts() {
            if i < part.len() {
                return part.get(i);
            }
            i -= part.len();
        }
        None
    }

    /// Lines before the body (label, reasoning).
    fn body_offset(&self) -> usize {
        let p = self.parts();
        p[0].len() + p[1].len()
    }

    /// Line (within this message) where its code block `k` starts.
    pub fn code_start(&self, k: usize) -> Option<usize> {
        match &self.body {
            Body::Markdown(r) => r.code_starts().nth(k).map(|l| l + self.body_offset()),
            Body::Plain(_) => None,
        }
    }

    /// Lines laid out by the last body update (tests and benches check streaming cost).
    pub fn body_relaid(&self) -> usize {
        match &self.body {
            Body::Plain(w) => w.last_relaid,
            Body::Markdown(r) => r.relaid,
        }
    }

    /// Links on the body's lines, as (line within the message, column, width, url).
    pub fn links(&self) -> Vec<crate::markdown::LinkSpan> {
        match &self.body {
            Body::Markdown(r) => {
                let off = self.body_offset();
                r.links()
                    .map(|mut l| {
                        l.line += off;
                        l
                    })
                    .collect()
            }
            Body::Plain(_) => Vec::new(),
        }
    }
}

/// The keys a message's hint lines mention (from the active key map).
#[derive(Debug, Clone, Default)]
pub struct Hints {
    pub retry: String,
    pub reasoning: String,
}

fn refresh(entry: &mut MessageLines, msg: &Message, width: usize, theme: &Theme, hints: &Hints) {
    let text_width = width.saturating_sub(INDENT.len()).max(1);
    if entry.id != msg.id
        || matches!(&entry.body, Body::Markdown(r) if r.highlight_generation != highlight::generation())
    {
        *entry = MessageLines {
            id: msg.id,
            version: u64::MAX,
            ..Default::default()
        };
    }
    if entry.version == msg.version {
        return;
    }
    entry.version = msg.version;
    entry.head = vec![head_line(msg, theme)];
    entry.reasoning_summary.clear();
    if !msg.reasoning.is_empty() {
        if msg.reasoning_open {
            entry.head.push(Line::from(vec![
                Span::raw(INDENT),
                Span::styled(
                    format!("▾ reasoning · {} to fold", hints.reasoning),
                    theme.meta,
                ),
            ]));
            entry
                .reasoning
                .update(&msg.reasoning, text_width, INDENT, theme.reasoning);
        } else {
            let chars = msg.reasoning.chars().count();
            entry.reasoning_summary = vec![Line::from(vec![
                Span::raw(INDENT),
                Span::styled(
                    format!(
                        "▸ reasoning · {chars} chars · {} to unfold",
                        hints.reasoning
                    ),
                    theme.reasoning,
                ),
            ])];
        }
    }
    match (&mut entry.body, msg.role) {
        (Body::Markdown(r), Role::Assistant) => r.update(&msg.text, !msg.state.is_open(), theme),
        (_, Role::Assistant) => {
            let mut r = StreamRender::new(width, INDENT);
            r.update(&msg.text, !msg.state.is_open(), theme);
            entry.body = Body::Markdown(Box::new(r));
        }
        (Body::Plain(w), _) => {
            if msg.text.is_empty() {
                w.reset();
            } else {
                w.update(&msg.text, text_width, INDENT, theme.base);
            }
        }
        (body, _) => {
            *body = Body::default();
            if let Body::Plain(w) = body {
                w.update(&msg.text, text_width, INDENT, theme.base);
            }
        }
    }
    entry.foot = foot_lines(msg, text_width, theme, hints);
}

fn head_line(msg: &Message, theme: &Theme) -> Line<'static> {
    match msg.role {
        Role::User => Line::from(Span::styled("You", theme.user_label)),
        Role::System => Line::from(Span::styled("System", theme.meta)),
        Role::Assistant => {
            let mut spans = vec![Span::styled("Assistant", theme.assistant_label)];
            if !msg.model.is_empty() {
                spans.push(Span::styled(format!(" · {}", msg.model), theme.meta));
            }
            Line::from(spans)
        }
    }
}

fn foot_lines(msg: &Message, width: usize, theme: &Theme, hints: &Hints) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &msg.state {
        TurnState::Connecting => {
            out.push(Line::from(vec![
                Span::raw(INDENT),
                Span::styled(format!("connecting to {}…", msg.provider), theme.meta),
            ]));
        }
        TurnState::Cancelled => {
            out.push(Line::from(vec![
                Span::raw(INDENT),
                Span::styled(
                    format!("⊘ cancelled · {} to retry", hints.retry),
                    theme.warning,
                ),
            ]));
        }
        TurnState::Failed(err) => {
            out.extend(wrap_all(&format!("✗ {err}"), width, INDENT, theme.error));
            out.push(Line::from(vec![
                Span::raw(INDENT),
                Span::styled(format!("{} to retry", hints.retry), theme.hint),
            ]));
        }
        TurnState::Streaming | TurnState::Done => {}
    }
    if let Some(retry) = &msg.retry {
        out.extend(wrap_all(
            &format!("↻ {retry}"),
            width,
            INDENT,
            theme.warning,
        ));
    }
    for note in &msg.notes {
        out.extend(wrap_all(
            &format!("note: {note}"),
            width,
            INDENT,
            theme.warning,
        ));
    }
    out.push(Line::default());
    out
}

/// Per-message line caches for the current width.
#[derive(Debug, Default)]
pub struct ConversationCache {
    width: usize,
    entries: Vec<MessageLines>,
    pub content_lines: usize,
    pub viewport: usize,
}

impl ConversationCache {
    /// Updates every message's lines (cheap for unchanged ones) and returns the line count.
    pub fn layout(&mut self, app: &App, width: usize, theme: &Theme, hints: &Hints) -> usize {
        if width != self.width {
            self.width = width;
            self.entries.clear();
        }
        let messages = &app.conversation.messages;
        self.entries.truncate(messages.len());
        self.entries
            .resize_with(messages.len(), MessageLines::default);
        let mut total = 0;
        for (entry, msg) in self.entries.iter_mut().zip(messages) {
            refresh(entry, msg, width, theme, hints);
            total += entry.len();
        }
        total
    }

    pub fn entry(&self, index: usize) -> Option<&MessageLines> {
        self.entries.get(index)
    }

    /// Lines `[top, top+count)` without walking more messages than needed.
    fn visible(&self, top: usize, count: usize) -> Vec<&Line<'static>> {
        let mut out = Vec::with_capacity(count);
        let mut skip = top;
        for e in &self.entries {
            let n = e.len();
            if skip >= n {
                skip -= n;
                continue;
            }
            for i in skip..n {
                if out.len() == count {
                    return out;
                }
                if let Some(l) = e.line(i) {
                    out.push(l);
                }
            }
            skip = 0;
        }
        out
    }
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
    cache.content_lines = total;
    cache.viewport = height;
    if app.conversation.messages.is_empty() {
        let hint = app.options.setup_hint.clone().unwrap_or_else(|| {
            "Ask anything. Enter sends, Alt-Enter (or Ctrl-J) adds a line, F1 lists every key."
                .into()
        });
        let lines = wrap_all(&hint, width.saturating_sub(2).max(1), " ", theme.hint);
        for (y, line) in lines.iter().take(height).enumerate() {
            buf.set_line(area.x, area.y + y as u16, line, area.width);
        }
        return;
    }
    let max_top = total.saturating_sub(height);
    let top = match app.scroll {
        crate::app::Scroll::Follow => max_top,
        crate::app::Scroll::Top(t) => t.min(max_top),
    };
    for (y, line) in cache.visible(top, height).into_iter().enumerate() {
        buf.set_line(area.x, area.y + y as u16, line, area.width);
    }
    if top > 0 || top < max_top {
        // A scroll position marker on the right edge.
        let label = if top < max_top {
            format!(" ↓ {} more ", max_top - top)
        } else {
            String::new()
        };
        if !label.is_empty() && area.width as usize > label.chars().count() + 2 {
            let x = area.x + area.width - label.chars().count() as u16;
            buf.set_string(x, area.y + area.height - 1, label, theme.status_accent);
        }
    }
}
