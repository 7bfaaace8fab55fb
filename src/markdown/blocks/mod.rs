//! One markdown segment (pulldown-cmark events) → styled lines at a width: headings,
//! emphasis, strikethrough, nested lists and task lists, block quotes, tables, links with
//! their URL, inline code, rules and code blocks.

use pulldown_cmark::{Alignment, Event, Options, Parser};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::inline::{Prefix, Runs, blank_line, line_prefix, prefix_width};
use super::{LinkSpan, Rendered};
use crate::text::wrap::str_width;
use crate::theme::Theme;

mod tags;

pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

struct ListState {
    next: Option<u64>,
    /// An item of this list held a paragraph: the list is loose (gaps between items).
    loose: bool,
}

struct TableState {
    align: Vec<Alignment>,
    rows: Vec<Vec<Runs>>,
    head_rows: usize,
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    indent: &'static str,
    out: Rendered,
    stack: Vec<Prefix>,
    lists: Vec<ListState>,
    styles: Vec<Style>,
    runs: Option<Runs>,
    links: Vec<(usize, String)>,
    code: Option<(String, String)>,
    table: Option<TableState>,
    need_gap: bool,
}

/// Renders one segment of markdown (see `super::StreamRender` for how text is segmented).
pub fn render(text: &str, width: usize, indent: &'static str, theme: &Theme) -> Rendered {
    let mut r = Renderer {
        theme,
        width,
        indent,
        out: Rendered::default(),
        stack: Vec::new(),
        lists: Vec::new(),
        styles: vec![theme.base],
        runs: None,
        links: Vec::new(),
        code: None,
        table: None,
        need_gap: false,
    };
    for event in Parser::new_ext(text, options()) {
        r.event(event);
    }
    r.flush();
    while r.out.lines.last().is_some_and(|l| l.width() == 0) {
        r.out.lines.pop();
    }
    // Deep nesting in a narrow pane: prefixes alone can overflow; cut those lines.
    for line in &mut r.out.lines {
        if line.width() > width {
            clip(line, width);
        }
    }
    r.out
}

/// Cuts a line to `width` columns.
fn clip(line: &mut Line<'static>, width: usize) {
    let mut used = 0;
    let mut keep = Vec::new();
    for span in line.spans.drain(..) {
        let w = str_width(&span.content);
        if used + w <= width {
            used += w;
            keep.push(span);
            continue;
        }
        let cut = crate::text::wrap::truncate(&span.content, width - used);
        if !cut.is_empty() {
            keep.push(Span::styled(cut, span.style));
        }
        break;
    }
    line.spans = keep;
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        *self.styles.last().unwrap_or(&self.theme.base)
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let s = f(self.style());
        self.styles.push(s);
    }

    fn avail(&self) -> usize {
        self.width
            .saturating_sub(prefix_width(&self.stack, self.indent))
            .max(1)
    }

    /// Starts a block: a blank line first if a block came before it.
    fn block_start(&mut self) {
        self.flush();
        if self.need_gap && !self.out.lines.is_empty() {
            let line = blank_line(&self.stack, self.indent);
            self.out.lines.push(line);
        }
        self.need_gap = false;
    }

    fn text(&mut self, s: &str) {
        if let Some(t) = self.table.as_mut() {
            let style = *self.styles.last().unwrap_or(&self.theme.base);
            if let Some(cell) = t.rows.last_mut().and_then(|r| r.last_mut()) {
                cell.push(s, style);
            }
            return;
        }
        if let Some((_, code)) = self.code.as_mut() {
            code.push_str(s);
            return;
        }
        let style = self.style();
        self.runs.get_or_insert_with(Runs::default).push(s, style);
    }

    /// Wraps and emits the paragraph being collected, if any.
    fn flush(&mut self) {
        let Some(runs) = self.runs.take() else { return };
        if runs.text.is_empty() {
            return;
        }
        let avail = self.avail();
        for (range, spans) in runs.wrap(avail) {
            let mut line = line_prefix(&mut self.stack, self.indent);
            let col = str_width(&line.iter().map(|s| s.content.as_ref()).collect::<String>());
            for (lr, url) in &runs.links {
                let (a, b) = (lr.start.max(range.start), lr.end.min(range.end));
                if a < b {
                    self.out.links.push(LinkSpan {
                        line: self.out.lines.len(),
                        col: col + str_width(&runs.text[range.start..a]),
                        width: str_width(&runs.text[a..b]),
                        url: url.clone(),
                    });
                }
            }
            line.extend(spans);
            self.out.lines.push(Line::from(line));
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let s = self.style().patch(self.theme.inline_code);
                self.styles.push(s);
                self.text(&t);
                self.styles.pop();
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if self.runs.is_none() && self.code.is_none() && self.table.is_none() {
                    self.block_start();
                }
                let t = t.trim_end_matches('\n');
                self.text(t);
                if self.runs.as_ref().is_some_and(|_| t.contains('\n')) {
                    self.need_gap = true;
                }
            }
            // A chat reply's line breaks are meant (poems, addresses, step lists), as in
            // GitHub comments: keep them rather than joining lines.
            Event::SoftBreak => self.text("\n"),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.block_start();
                let avail = self.avail();
                let mut line = line_prefix(&mut self.stack, self.indent);
                line.push(Span::styled("─".repeat(avail), self.theme.rule));
                self.out.lines.push(Line::from(line));
                self.need_gap = true;
            }
            Event::TaskListMarker(done) => {
                let style = self.theme.bullet;
                let (box_mark, text_mark) = if done {
                    ("☑ ", "[x] ")
                } else {
                    ("☐ ", "[ ] ")
                };
                // A task item shows a checkbox in place of its bullet.
                match self.stack.last_mut().filter(|p| !p.first_used) {
                    Some(item) => item.first = vec![Span::styled(box_mark, style)],
                    None => self
                        .runs
                        .get_or_insert_with(Runs::default)
                        .push(text_mark, style),
                }
            }
            Event::FootnoteReference(name) => self.text(&format!("[^{name}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }
}
