//! What each markdown tag does when it opens and closes: a flat match per direction.

use pulldown_cmark::{CodeBlockKind, HeadingLevel, Tag, TagEnd};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::super::inline::{Prefix, Runs, blank_line, line_prefix};
use super::super::{code, table};
use super::{ListState, Renderer, TableState};
use crate::text::wrap::str_width;

impl Renderer<'_> {
    pub(super) fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                if let Some(l) = self.lists.last_mut()
                    && self.stack.last().is_some_and(|p| !p.first_used)
                {
                    l.loose = true;
                }
                self.block_start();
            }
            Tag::Heading { level, .. } => {
                self.block_start();
                let i = match level {
                    HeadingLevel::H1 => 0,
                    HeadingLevel::H2 => 1,
                    _ => 2,
                };
                let style = self.theme.heading[i];
                self.styles.push(style);
                if i == 2 {
                    let marks = "#".repeat(level as usize);
                    self.text(&format!("{marks} "));
                }
            }
            Tag::BlockQuote(_) => {
                self.block_start();
                self.stack
                    .push(Prefix::same(vec![Span::styled("│ ", self.theme.quote)]));
                let quote = self.theme.quote;
                self.push_style(|s| s.patch(quote));
            }
            Tag::CodeBlock(kind) => {
                self.block_start();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Tag::List(start) => {
                // A nested list starts right under its item's text, without a gap.
                if self.lists.is_empty() {
                    self.block_start();
                } else {
                    self.flush();
                }
                self.lists.push(ListState {
                    next: start,
                    loose: false,
                });
            }
            Tag::Item => {
                self.flush();
                let loose = self.lists.last().is_some_and(|l| l.loose);
                if self.need_gap && loose && !self.out.lines.is_empty() {
                    let line = blank_line(&self.stack, self.indent);
                    self.out.lines.push(line);
                }
                self.need_gap = false;
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut().and_then(|l| l.next.as_mut()) {
                    Some(n) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    None => ["• ", "◦ ", "▪ "][depth % 3].to_string(),
                };
                let pad = " ".repeat(str_width(&marker));
                self.stack.push(Prefix {
                    first: vec![Span::styled(marker, self.theme.bullet)],
                    rest: vec![Span::raw(pad)],
                    first_used: false,
                });
            }
            Tag::Table(align) => {
                self.block_start();
                self.table = Some(TableState {
                    align,
                    rows: Vec::new(),
                    head_rows: 0,
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut()
                    && let Some(row) = t.rows.last_mut()
                {
                    row.push(Runs::default());
                }
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                let link = self.theme.link;
                self.push_style(|s| s.patch(link));
                let start = self.runs.as_ref().map_or(0, |r| r.text.len());
                self.links.push((start, dest_url.to_string()));
            }
            Tag::Image { dest_url, .. } => {
                let link = self.theme.link;
                self.push_style(|s| s.patch(link));
                self.text("[image: ");
                self.links.push((usize::MAX, dest_url.to_string()));
            }
            Tag::FootnoteDefinition(name) => {
                self.block_start();
                self.text(&format!("[^{name}]: "));
            }
            _ => {}
        }
    }

    pub(super) fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.need_gap = true;
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.styles.pop();
                self.need_gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.stack.pop();
                self.styles.pop();
                self.need_gap = true;
            }
            TagEnd::CodeBlock => {
                if let Some((info, text)) = self.code.take() {
                    self.out.code_starts.push(self.out.lines.len());
                    let avail = self.avail();
                    let indent = self.indent;
                    let stack = &mut self.stack;
                    let mut prefix = || line_prefix(stack, indent);
                    let lines = code::render_block(&info, &text, &mut prefix, avail, self.theme);
                    self.out.lines.extend(lines);
                }
                self.need_gap = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.need_gap = true;
            }
            TagEnd::Item => {
                self.flush();
                // An empty item still shows its marker.
                if self.stack.last().is_some_and(|p| !p.first_used) {
                    let line = line_prefix(&mut self.stack, self.indent);
                    self.out.lines.push(Line::from(line));
                }
                self.stack.pop();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let avail = self.avail();
                    let indent = self.indent;
                    let stack = &mut self.stack;
                    let mut prefix = || line_prefix(stack, indent);
                    let lines = table::render(
                        &t.rows,
                        t.head_rows,
                        &t.align,
                        avail,
                        &mut prefix,
                        self.theme,
                    );
                    self.out.lines.extend(lines);
                }
                self.need_gap = true;
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.head_rows = t.rows.len();
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some((start, url)) = self.links.pop() {
                    self.link_end(start, url);
                }
            }
            TagEnd::Image => {
                self.text("]");
                self.styles.pop();
                if let Some((_, url)) = self.links.pop() {
                    let style = self.theme.link_url;
                    self.runs
                        .get_or_insert_with(Runs::default)
                        .push(&format!(" ({url})"), style);
                }
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.need_gap = true;
            }
            _ => {}
        }
    }

    /// After a link's text: the URL in brackets (unless the text is the URL) and, for OSC 8,
    /// the text's range.
    fn link_end(&mut self, start: usize, url: String) {
        if self.table.is_some() {
            return;
        }
        let runs = self.runs.get_or_insert_with(Runs::default);
        let text = &runs.text[start.min(runs.text.len())..];
        let shown = text.trim_start_matches("mailto:");
        let same = shown == url || url.trim_start_matches("mailto:") == shown;
        let range = start..runs.text.len();
        if !same && !url.is_empty() && !url.starts_with('#') {
            let style = self.theme.link_url;
            runs.push(&format!(" ({url})"), style);
        }
        runs.links.push((range, url));
    }
}
