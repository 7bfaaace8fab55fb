//! One message's lines at a width: its head (role, model), body (markdown, reasoning) and
//! foot (state, notes, errors), rebuilt only when the message or the width changed.

use ratatui::text::{Line, Span};

use crate::app::{Message, TurnState};
use crate::markdown::StreamRender;
use crate::providers::Role;
use crate::theme::Theme;
use crate::ui::layout_cache::{IncrementalWrap, wrap_all};

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
    pub(super) id: u64,
    pub(super) version: u64,
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

    /// Line `i` is the message's text (not its label, reasoning or notes): what a search
    /// matches in.
    pub fn is_body(&self, i: usize) -> bool {
        let start = self.body_offset();
        let [a, b] = self.body.parts();
        i >= start && i < start + a.len() + b.len()
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

pub(super) fn refresh(
    entry: &mut MessageLines,
    msg: &Message,
    width: usize,
    theme: &Theme,
    hints: &Hints,
    left_out: Option<usize>,
) {
    let text_width = width.saturating_sub(INDENT.len()).max(1);
    if entry.id != msg.id {
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
    entry.head = left_out
        .map(|n| {
            let s = if n == 1 { "" } else { "s" };
            let text = if msg.checkpoint {
                format!("── {n} earlier message{s} summarized below: requests send the summary ──")
            } else {
                format!(
                    "── {n} earlier message{s} left out of requests to fit the context window ──"
                )
            };
            let mut lines = wrap_all(&text, width, "", theme.warning);
            lines.push(Line::default());
            lines
        })
        .unwrap_or_default();
    entry.head.push(head_line(msg, theme));
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
        Role::User if msg.checkpoint => Line::from(Span::styled("Checkpoint", theme.meta)),
        Role::User => {
            let mut spans = vec![Span::styled("You", theme.user_label)];
            spans.extend(branch_span(msg, theme));
            Line::from(spans)
        }
        Role::System => Line::from(Span::styled("System", theme.meta)),
        Role::Assistant => {
            let mut spans = vec![Span::styled("Assistant", theme.assistant_label)];
            if !msg.model.is_empty() {
                spans.push(Span::styled(format!(" · {}", msg.model), theme.meta));
            }
            spans.extend(branch_span(msg, theme));
            Line::from(spans)
        }
    }
}

/// "‹2/3›" for a message with siblings.
fn branch_span(msg: &Message, theme: &Theme) -> Option<Span<'static>> {
    msg.branch
        .map(|(at, of)| Span::styled(format!(" ‹{at}/{of}›"), theme.status_accent))
}

fn foot_lines(msg: &Message, width: usize, theme: &Theme, hints: &Hints) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for a in &msg.attachments {
        let line = format!(
            "⎘ {} · {} · ≈{} tok",
            crate::text::sanitize::sanitize_line(&a.name),
            a.size_label(),
            crate::ui::status::short_count(a.estimated_tokens())
        );
        out.push(Line::from(vec![
            Span::raw(INDENT),
            Span::styled(
                crate::text::wrap::truncate(&line, width.saturating_sub(INDENT.len())),
                theme.meta,
            ),
        ]));
    }
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
