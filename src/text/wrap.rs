//! Word wrapping by display width (wide characters, emoji, combining marks, tabs).
//! Pure: text in, line byte-ranges out, so callers can cache and style the pieces.

use unicode_width::UnicodeWidthChar;

pub const TAB_WIDTH: usize = 4;

/// Display width of one char as we draw it (tabs expanded elsewhere count as TAB_WIDTH).
pub fn char_width(c: char) -> usize {
    if c == '\t' {
        TAB_WIDTH
    } else {
        c.width().unwrap_or(0)
    }
}

pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Wraps one paragraph (no '\n') to `width` columns. Breaks after spaces when it can and
/// inside a word only when the word alone is wider than the line. Returns byte ranges into
/// `text`; trailing spaces at a break are dropped from the range. Always returns at least
/// one (possibly empty) range.
pub fn wrap_paragraph(text: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line_start = 0;
    let mut line_width = 0;
    // Last place we could break: (byte index after the space run, width up to the space).
    let mut last_break: Option<(usize, usize)> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let w = char_width(c);
        if line_width + w > width && line_width > 0 && c != ' ' {
            match last_break {
                Some((brk, brk_width)) if brk > line_start => {
                    lines.push(line_start..trim_end_spaces(text, line_start, brk));
                    line_start = brk;
                    line_width -= brk_width;
                }
                _ => {
                    lines.push(line_start..i);
                    line_start = i;
                    line_width = 0;
                }
            }
            last_break = None;
        }
        line_width += w;
        if c == ' ' {
            let next = iter.peek().map_or(text.len(), |(j, _)| *j);
            last_break = Some((next, line_width));
        }
    }
    lines.push(line_start..trim_end_spaces(text, line_start, text.len()));
    lines
}

fn trim_end_spaces(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end_matches(' ').len()
}

/// Cuts `s` to at most `width` columns, adding '…' when it was cut.
pub fn truncate(s: &str, width: usize) -> String {
    if str_width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(text: &str, width: usize) -> Vec<&str> {
        wrap_paragraph(text, width)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn splits_long_words() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_chars_never_overflow() {
        let text = "世界世界世界 hello 👋👋👋";
        for width in 1..12 {
            for line in wrap(text, width) {
                assert!(str_width(line) <= width.max(2), "{line:?} at {width}");
            }
        }
    }

    #[test]
    fn combining_marks_stay_with_base() {
        let text = "e\u{301}e\u{301}e\u{301}";
        assert_eq!(wrap(text, 2), ["e\u{301}e\u{301}", "e\u{301}"]);
    }

    #[test]
    fn truncate_adds_ellipsis() {
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("hi", 6), "hi");
    }
}
