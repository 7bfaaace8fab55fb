//! The line scanner that cuts markdown into segments whose render can never change once a
//! later line has arrived. Pure and line-based, so streamed and whole text cut the same way.

/// An opening code fence: its character and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    pub ch: char,
    pub len: usize,
}

/// What a complete line means to the markdown segment it would join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Continue,
    /// The segment ends before this line; this line starts the next one. `gap`: a blank
    /// line separates them (a new item of a tight list follows without one).
    Boundary {
        gap: bool,
    },
    /// A top-level code fence opens on this line (with its info string).
    Fence(Fence, String),
}

/// State of the markdown segment being scanned.
#[derive(Debug, Clone)]
pub struct MarkdownScan {
    /// Byte offset where the segment starts.
    pub start: usize,
    /// A blank line separates this segment from the one before.
    pub gap: bool,
    has_content: bool,
    prev_blank: bool,
    in_list: bool,
}

/// A fence at column 0: ``` or ~~~ (three or more); a backtick fence's info has no backtick.
pub fn opening_fence(line: &str) -> Option<(Fence, String)> {
    let ch = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = line[len * ch.len_utf8()..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((Fence { ch, len }, info.to_string()))
}

/// Whether `line` closes a block opened with `fence`.
pub fn closes(line: &str, fence: Fence) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let run = rest.chars().take_while(|c| *c == fence.ch).count();
    run >= fence.len && rest[run * fence.ch.len_utf8()..].trim().is_empty()
}

/// Whether a partial line could still become a closing fence (so it is not drawn as code).
pub fn may_close(partial: &str, fence: Fence) -> bool {
    let t = partial.trim_start_matches(' ');
    !t.is_empty() && partial.len() - t.len() <= 3 && t.trim_end().chars().all(|c| c == fence.ch)
}

/// A list item marker at column 0: "- ", "* ", "+ ", "1. ", "1) " (or the marker alone).
fn is_list_item(line: &str) -> bool {
    let after = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return after(rest);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (1..=9).contains(&digits) && line[digits..].strip_prefix(['.', ')']).is_some_and(after)
}

impl MarkdownScan {
    pub fn new(start: usize) -> Self {
        Self {
            start,
            gap: true,
            has_content: false,
            prev_blank: false,
            in_list: false,
        }
    }

    /// Classifies the next complete line (without its newline).
    pub fn feed(&mut self, line: &str) -> LineKind {
        let blank = line.trim().is_empty();
        if !blank && let Some((fence, info)) = opening_fence(line) {
            return LineKind::Fence(fence, info);
        }
        let col0 = !blank && !line.starts_with([' ', '\t']);
        let item = col0 && is_list_item(line);
        if self.has_content && col0 && (self.prev_blank || (item && self.in_list)) {
            return LineKind::Boundary {
                gap: self.prev_blank,
            };
        }
        if !self.has_content && !blank {
            self.in_list = item;
        }
        self.has_content |= !blank;
        self.prev_blank = blank;
        LineKind::Continue
    }

    /// Starts the next segment at the line that made a boundary.
    pub fn restart(&mut self, start: usize, line: &str, gap: bool) {
        *self = Self::new(start);
        self.gap = gap;
        self.feed(line);
    }
}

/// A piece of a message: markdown text, or a top-level code block's info and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Markdown(String),
    Code { info: String, body: String },
}

/// The segments of a whole text (what a finished render is made of).
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut md = MarkdownScan::new(0);
    let mut code: Option<(Fence, String, Vec<&str>)> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        if let Some((fence, info, body)) = code.as_mut() {
            if closes(line, *fence) {
                out.push(Segment::Code {
                    info: std::mem::take(info),
                    body: body.join("\n"),
                });
                code = None;
                md = MarkdownScan::new(offset);
            } else {
                body.push(line);
            }
            continue;
        }
        match md.feed(line) {
            LineKind::Continue => {}
            LineKind::Boundary { .. } => {
                out.push(Segment::Markdown(text[md.start..start].to_string()));
                md.restart(start, line, true);
            }
            LineKind::Fence(fence, info) => {
                out.push(Segment::Markdown(text[md.start..start].to_string()));
                code = Some((fence, info, Vec::new()));
            }
        }
    }
    match code {
        Some((_, info, body)) => out.push(Segment::Code {
            info,
            body: body.join("\n"),
        }),
        None => out.push(Segment::Markdown(
            text[md.start.min(text.len())..].to_string(),
        )),
    }
    out.retain(|s| !matches!(s, Segment::Markdown(m) if m.trim().is_empty()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        segments(text)
            .into_iter()
            .map(|s| match s {
                Segment::Markdown(m) => format!("md:{}", m.trim_end()),
                Segment::Code { info, body } => format!("code[{info}]:{body}"),
            })
            .collect()
    }

    #[test]
    fn cuts_where_later_text_cannot_change_the_render() {
        assert_eq!(
            kinds("para one\nstill one\n\npara two\n```rust\nfn x() {}\n\n```\nafter"),
            [
                "md:para one\nstill one",
                "md:para two",
                "code[rust]:fn x() {}\n",
                "md:after"
            ]
        );
        // Indented lines after a blank belong to the list item above.
        assert_eq!(
            kinds("1. a\n\n   more of a\n2. b"),
            ["md:1. a\n\n   more of a", "md:2. b"]
        );
        // A paragraph's "2." line is not a list, so it is not cut.
        assert_eq!(kinds("text\n2. not a list"), ["md:text\n2. not a list"]);
        // An unclosed fence runs to the end; a fence inside a list item is not top-level.
        assert_eq!(kinds("~~~\nopen"), ["code[]:open"]);
        assert_eq!(
            kinds("- a\n  ```\n  x\n  ```"),
            ["md:- a\n  ```\n  x\n  ```"]
        );
    }

    #[test]
    fn fences_open_and_close_by_the_rules() {
        assert!(opening_fence("```rust").is_some());
        assert!(opening_fence("~~~~").is_some());
        assert!(opening_fence("``").is_none());
        assert!(opening_fence("``` a`b").is_none());
        assert!(opening_fence(" ```").is_none());
        let f = Fence { ch: '`', len: 4 };
        assert!(closes("````", f));
        assert!(closes("   `````  ", f));
        assert!(!closes("```", f));
        assert!(!closes("````x", f));
        assert!(may_close("``", f));
        assert!(!may_close("`x", f));
    }
}
