//! Makes untrusted text (model output, provider errors, pasted text) safe to draw: no C0/C1
//! controls, no CSI/OSC/DCS/SOS/PM/APC sequences, no bidi overrides reach the terminal.
//! Streaming-safe: `Sanitizer` keeps state so an escape sequence split across chunks is
//! still removed whole.

/// Bidirectional formatting characters that can make text display in a different order
/// than it is stored ("Trojan Source"); we drop them all.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Text,
    /// Saw ESC, waiting for the byte that says which kind of sequence this is.
    Escape,
    /// Inside CSI parameters; ends at a final byte 0x40..=0x7E.
    Csi,
    /// Inside a string sequence (OSC, DCS, SOS, PM, APC); ends at BEL or ST (ESC \ or U+009C).
    Str,
    /// Inside a string sequence and just saw ESC (maybe the start of ST).
    StrEscape,
}

/// Incremental sanitizer: feed chunks in order, get safe text back.
#[derive(Debug, Clone, Default)]
pub struct Sanitizer {
    state: State,
}

impl Sanitizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the safe part of `chunk`. Newlines and tabs are kept; CR is dropped
    /// (CRLF becomes LF; a lone CR could overwrite a line on screen).
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::with_capacity(chunk.len());
        for c in chunk.chars() {
            self.state = match self.state {
                State::Text => match c {
                    '\u{1b}' => State::Escape,
                    '\u{9b}' => State::Csi,
                    '\u{90}' | '\u{9d}' | '\u{98}' | '\u{9e}' | '\u{9f}' => State::Str,
                    '\n' | '\t' => {
                        out.push(c);
                        State::Text
                    }
                    c if c.is_control() || is_bidi_control(c) => State::Text,
                    c => {
                        out.push(c);
                        State::Text
                    }
                },
                State::Escape => match c {
                    '[' => State::Csi,
                    ']' | 'P' | 'X' | '^' | '_' => State::Str,
                    // Two-byte sequences (ESC 7, ESC c, ...): the byte after ESC is swallowed.
                    _ => State::Text,
                },
                State::Csi => match c {
                    '\u{40}'..='\u{7e}' => State::Text,
                    // Parameter/intermediate bytes continue; anything else aborts the sequence.
                    '\u{20}'..='\u{3f}' => State::Csi,
                    _ => State::Text,
                },
                State::Str => match c {
                    '\u{07}' | '\u{9c}' => State::Text,
                    '\u{1b}' => State::StrEscape,
                    _ => State::Str,
                },
                State::StrEscape => match c {
                    '\\' => State::Text,
                    '\u{1b}' => State::StrEscape,
                    _ => State::Str,
                },
            };
        }
        out
    }
}

/// One-shot form for complete strings (titles, model names, error messages).
pub fn sanitize(text: &str) -> String {
    Sanitizer::new().push(text)
}

/// Zero-width characters that hide inside an id or a name (a look-alike `gpt‌-4o`).
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// An identifier or a name from outside (a model id from `/models`, a provider or conversation
/// title read back from a file): one line, no controls, escapes, bidi overrides or zero-width
/// characters. The one function for ids wherever they arrive and wherever they are printed.
pub fn sanitize_name(text: &str) -> String {
    sanitize_line(text)
        .chars()
        .filter(|&c| !is_zero_width(c))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Like [`sanitize`] but also folds newlines and tabs to spaces, for one-line fields.
pub fn sanitize_line(text: &str) -> String {
    sanitize(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_escapes_zero_width_and_bidi() {
        let hostile = "gpt\u{200B}-4o\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;owned\u{7}\u{202E}x\u{FEFF}";
        assert_eq!(sanitize_name(hostile), "gpt-4ox");
        assert_eq!(sanitize_name(" two\nlines "), "two lines");
    }

    #[test]
    fn strips_csi_osc_and_c1() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("x\x1b]52;c;aGk=\x07y"), "xy");
        assert_eq!(
            sanitize("x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\y"),
            "xlinky"
        );
        assert_eq!(sanitize("p\u{9b}2Jq"), "pq");
        assert_eq!(sanitize("d\x1bPqdata\x1b\\e"), "de");
        assert_eq!(sanitize("bell\x07 bs\x08 cr\r\n"), "bell bs cr\n");
    }

    #[test]
    fn strips_bidi_overrides() {
        assert_eq!(sanitize("a\u{202E}b\u{2066}c\u{2069}"), "abc");
    }

    #[test]
    fn sequence_split_across_chunks_is_removed() {
        let input = "hi \x1b]0;evil title\x07 there \x1b[1;31mX";
        for split in 0..=input.len() {
            if !input.is_char_boundary(split) {
                continue;
            }
            let mut s = Sanitizer::new();
            let out = s.push(&input[..split]) + &s.push(&input[split..]);
            assert_eq!(out, "hi  there X", "split at {split}");
        }
    }

    #[test]
    fn keeps_unicode() {
        assert_eq!(sanitize("héllo 世界 👋\tok"), "héllo 世界 👋\tok");
        assert_eq!(sanitize_line("a\nb\tc"), "a b c");
    }
}
