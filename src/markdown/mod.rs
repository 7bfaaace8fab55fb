//! Markdown → ratatui lines at a width, built for streaming. A message is cut into segments
//! at places later text can never change (a blank line before a line at column 0, a new
//! top-level list item, a top-level code fence); finished segments are rendered once and
//! kept, and only the open tail is redone per token. A top-level code block grows line by
//! line with syntect's state carried over, so even a huge block costs one line per line; its
//! unfinished last line is plain until it ends.

pub mod blocks;
pub mod code;
pub mod highlight;
pub mod inline;
pub mod scan;
pub mod table;

use ratatui::text::{Line, Span};

use crate::theme::Theme;
use highlight::LineHighlighter;
use scan::{Fence, LineKind};

/// A link's place on a rendered line (for OSC 8 hyperlinks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpan {
    pub line: usize,
    pub col: usize,
    pub width: usize,
    pub url: String,
}

/// Rendered lines with where code blocks start and where links are.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub code_starts: Vec<usize>,
    pub links: Vec<LinkSpan>,
}

impl Rendered {
    /// Appends `other`, after a blank line when `gap` (and both have lines).
    fn append(&mut self, other: Rendered, gap: bool) {
        if other.lines.is_empty() {
            return;
        }
        if gap && !self.lines.is_empty() {
            self.lines.push(Line::default());
        }
        let base = self.lines.len();
        self.code_starts
            .extend(other.code_starts.iter().map(|s| s + base));
        self.links.extend(other.links.into_iter().map(|mut l| {
            l.line += base;
            l
        }));
        self.lines.extend(other.lines);
    }
}

/// A top-level code block that is still receiving lines.
#[derive(Debug, Clone)]
struct OpenCode {
    fence: Fence,
    lang: String,
    hl: Option<LineHighlighter>,
}

#[derive(Debug, Clone)]
enum Open {
    Markdown(scan::MarkdownScan),
    Code(OpenCode),
}

/// The render of one message, kept up to date as its text grows.
#[derive(Debug, Clone)]
pub struct StreamRender {
    width: usize,
    indent: &'static str,
    /// Finished segments (and the finished lines of an open code block).
    pub done: Rendered,
    /// The open segment's lines, redone on each update.
    pub tail: Rendered,
    /// Bytes of text whose lines have been scanned (always at a line start).
    scanned: usize,
    open: Open,
    finished: bool,
    seen: usize,
    /// Lines laid out by the last update (tests and benches check streaming cost).
    pub relaid: usize,
}

impl StreamRender {
    pub fn new(width: usize, indent: &'static str) -> Self {
        Self {
            width,
            indent,
            done: Rendered::default(),
            tail: Rendered::default(),
            scanned: 0,
            open: Open::Markdown(scan::MarkdownScan::new(0)),
            finished: false,
            seen: 0,
            relaid: 0,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn len(&self) -> usize {
        self.done.lines.len() + self.tail.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn line(&self, i: usize) -> Option<&Line<'static>> {
        match i.checked_sub(self.done.lines.len()) {
            None => self.done.lines.get(i),
            Some(j) => self.tail.lines.get(j),
        }
    }

    /// Line indices where code blocks start, in order.
    pub fn code_starts(&self) -> impl Iterator<Item = usize> + '_ {
        let base = self.done.lines.len();
        self.done
            .code_starts
            .iter()
            .copied()
            .chain(self.tail.code_starts.iter().map(move |s| s + base))
    }

    pub fn links(&self) -> impl Iterator<Item = LinkSpan> + '_ {
        let base = self.done.lines.len();
        self.done
            .links
            .iter()
            .cloned()
            .chain(self.tail.links.iter().map(move |l| LinkSpan {
                line: l.line + base,
                ..l.clone()
            }))
    }

    /// Brings the render up to date with `text`, which extends the text seen before.
    /// `finished`: no more text will come (the last line counts as complete).
    pub fn update(&mut self, text: &str, finished: bool, theme: &Theme) {
        if text.len() < self.seen
            || (self.finished && !finished)
            || !text.is_char_boundary(self.scanned)
        {
            *self = Self::new(self.width, self.indent);
        }
        if text.len() == self.seen && finished == self.finished && self.seen > 0 {
            self.relaid = 0;
            return;
        }
        let before = self.done.lines.len();
        self.seen = text.len();
        self.finished = finished;
        while let Some(nl) = text[self.scanned..].find('\n') {
            let end = self.scanned + nl + 1;
            self.scan_line(text, self.scanned, end, theme);
            self.scanned = end;
        }
        if finished {
            if self.scanned < text.len() {
                self.scan_line(text, self.scanned, text.len(), theme);
                self.scanned = text.len();
            }
            self.close(text, theme);
        }
        self.tail = if finished {
            Rendered::default()
        } else {
            self.render_tail(text, theme)
        };
        self.relaid = self.done.lines.len() - before + self.tail.lines.len();
    }

    /// One complete line, `text[start..end]` (with its newline).
    fn scan_line(&mut self, text: &str, start: usize, end: usize, theme: &Theme) {
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        match &mut self.open {
            Open::Code(code) => {
                if scan::closes(line, code.fence) {
                    let footer = code::footer(self.indent_spans(), self.avail(), theme);
                    self.done.lines.push(footer);
                    self.open = Open::Markdown(scan::MarkdownScan::new(end));
                } else {
                    let pieces = code::pieces(code.hl.as_mut(), line, theme);
                    let indent = self.indent;
                    let avail = self.width.saturating_sub(indent.len()).max(1);
                    let mut prefix = || indent_spans(indent);
                    let lines = code::body_lines(pieces, &mut prefix, avail, theme);
                    self.done.lines.extend(lines);
                }
            }
            Open::Markdown(md) => match md.feed(line) {
                LineKind::Continue => {}
                LineKind::Boundary { gap } => {
                    let (from, seg_gap) = (md.start, md.gap);
                    let seg = blocks::render(&text[from..start], self.width, self.indent, theme);
                    self.done.append(seg, seg_gap);
                    md.restart(start, line, gap);
                }
                LineKind::Fence(fence, info) => {
                    let (from, seg_gap) = (md.start, md.gap);
                    let seg = blocks::render(&text[from..start], self.width, self.indent, theme);
                    self.done.append(seg, seg_gap);
                    let lang = code::language(&info).to_string();
                    let header = code::header(&lang, self.indent_spans(), self.avail(), theme);
                    if !self.done.lines.is_empty() {
                        self.done.lines.push(Line::default());
                    }
                    self.done.code_starts.push(self.done.lines.len());
                    self.done.lines.push(header);
                    self.open = Open::Code(OpenCode {
                        fence,
                        hl: LineHighlighter::new(&lang, theme),
                        lang,
                    });
                }
            },
        }
    }

    /// The end of the text: an open code block gets its bottom frame, open markdown is final.
    fn close(&mut self, text: &str, theme: &Theme) {
        match &self.open {
            Open::Code(_) => {
                let footer = code::footer(self.indent_spans(), self.avail(), theme);
                self.done.lines.push(footer);
            }
            Open::Markdown(md) => {
                let seg = blocks::render(&text[md.start..], self.width, self.indent, theme);
                self.done.append(seg, md.gap);
            }
        }
        self.open = Open::Markdown(scan::MarkdownScan::new(text.len()));
    }

    fn render_tail(&self, text: &str, theme: &Theme) -> Rendered {
        match &self.open {
            Open::Markdown(md) => {
                let seg = blocks::render(&text[md.start..], self.width, self.indent, theme);
                let mut out = Rendered::default();
                if md.gap && !self.done.lines.is_empty() && !seg.lines.is_empty() {
                    // The separator is part of the tail so `done` never needs undoing.
                    out.lines.push(Line::default());
                }
                let base = out.lines.len();
                out.code_starts = seg.code_starts.iter().map(|s| s + base).collect();
                out.links = seg
                    .links
                    .into_iter()
                    .map(|mut l| {
                        l.line += base;
                        l
                    })
                    .collect();
                out.lines.extend(seg.lines);
                out
            }
            Open::Code(code) => {
                let partial = &text[self.scanned..];
                // A closing fence being typed is not code.
                if partial.is_empty() || scan::may_close(partial, code.fence) {
                    return Rendered::default();
                }
                // The unfinished line is drawn plain and coloured once, when it ends: each
                // frame would otherwise highlight it again (and clone the highlighter).
                let pieces = code::pieces(None, partial, theme);
                let indent = self.indent;
                let mut prefix = || indent_spans(indent);
                Rendered {
                    lines: code::body_lines(pieces, &mut prefix, self.avail(), theme),
                    ..Default::default()
                }
            }
        }
    }

    fn avail(&self) -> usize {
        self.width.saturating_sub(self.indent.len()).max(1)
    }

    fn indent_spans(&self) -> Vec<Span<'static>> {
        indent_spans(self.indent)
    }

    /// The language of the open code block, if one is streaming.
    pub fn open_code_language(&self) -> Option<&str> {
        match &self.open {
            Open::Code(c) => Some(&c.lang),
            Open::Markdown(_) => None,
        }
    }
}

fn indent_spans(indent: &'static str) -> Vec<Span<'static>> {
    if indent.is_empty() {
        Vec::new()
    } else {
        vec![Span::raw(indent)]
    }
}

/// The whole of `text`, rendered at once (the same lines streaming ends with).
pub fn render(text: &str, width: usize, indent: &'static str, theme: &Theme) -> StreamRender {
    let mut r = StreamRender::new(width, indent);
    r.update(text, true, theme);
    r
}

/// A code block's language and contents (for copying and jumping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub lang: String,
    pub code: String,
}

/// Every code block of `text`, in the order the render shows them.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    scan::segments(text)
        .into_iter()
        .flat_map(|seg| match seg {
            scan::Segment::Code { info, body } => vec![CodeBlock {
                lang: code::language(&info).to_string(),
                code: body,
            }],
            scan::Segment::Markdown(md) => nested_code_blocks(&md),
        })
        .collect()
}

fn nested_code_blocks(md: &str) -> Vec<CodeBlock> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<CodeBlock> = None;
    for event in Parser::new_ext(md, blocks::options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => code::language(&info).to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                current = Some(CodeBlock {
                    lang,
                    code: String::new(),
                });
            }
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(mut c) = current.take() {
                    if c.code.ends_with('\n') {
                        c.code.pop();
                    }
                    out.push(c);
                }
            }
            _ => {}
        }
    }
    out
}
