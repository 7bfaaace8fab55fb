//! Counting the tokens of a request without the provider's tokenizer: an estimate, always
//! shown as one ("≈"). Byte-pair tokenizers of today's models (OpenAI's o200k, Claude's,
//! Gemini's) take a common English word with its leading space as one token, split long words
//! and numbers (digits in threes), give most punctuation a token of its own, and spend about a
//! token per CJK character. The count follows those rules over runs of characters; it is a
//! pure function of the text, so a message's count is cached with the message.

/// Tokens every message costs beyond its text: three for the chat format's separators and
/// one for its role (every role is one token in OpenAI's tables; the cookbook's count).
pub const PER_MESSAGE: u64 = 4;
/// Tokens that prime the reply.
pub const PER_REPLY: u64 = 3;

/// Letters a word-piece token covers on average once a word is longer than one token.
const LETTERS_PER_PIECE: usize = 4;
/// Words up to this long are one token.
const SHORT_WORD: usize = 6;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Newline,
    Wide,
    OtherNonAscii,
    Punct,
}

fn class(c: char) -> Class {
    match c {
        'a'..='z' | 'A'..='Z' | '\'' => Class::Letter,
        '0'..='9' => Class::Digit,
        ' ' | '\t' => Class::Space,
        '\n' | '\r' => Class::Newline,
        c if c.is_ascii() => Class::Punct,
        c if is_wide(c) => Class::Wide,
        c if c.is_alphabetic() => Class::Letter,
        _ => Class::OtherNonAscii,
    }
}

/// CJK ideographs, kana and Hangul: about a token each.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x2FFFF)
}

/// The estimated token count of `text`.
pub fn estimate(text: &str) -> u64 {
    let mut tokens = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let kind = class(c);
        let mut len = 1;
        let mut bytes = c.len_utf8();
        while let Some(&n) = chars.peek() {
            if class(n) != kind || matches!(kind, Class::Punct | Class::Wide) {
                break;
            }
            len += 1;
            bytes += n.len_utf8();
            chars.next();
        }
        tokens += match kind {
            // A space or two before a word goes with the word; longer runs (indentation)
            // are a token of their own.
            Class::Space if len <= 1 => 0,
            Class::Space | Class::Newline => 1,
            Class::Letter if len <= SHORT_WORD => 1,
            Class::Letter => 1 + (len - SHORT_WORD).div_ceil(LETTERS_PER_PIECE),
            Class::Digit => len.div_ceil(3),
            Class::Wide | Class::Punct => 1,
            // Emoji and symbols: a token for every few bytes.
            Class::OtherNonAscii => bytes.div_ceil(3),
        };
    }
    tokens as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_numbers_punctuation_and_wide_characters_count_as_tokenizers_split_them() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("Hello world"), 2);
        assert_eq!(estimate("Hello, world!"), 4);
        // A long word is split into pieces.
        assert_eq!(estimate("internationalization"), 5);
        // Digits go in threes.
        assert_eq!(estimate("1234567"), 3);
        // Indentation is a token; a newline is one.
        assert_eq!(estimate("fn main() {\n    x\n}"), 10);
        assert_eq!(estimate("日本語"), 3);
        assert_eq!(estimate("déjà vu"), 2);
    }

    #[test]
    fn the_count_of_a_text_is_the_sum_of_its_lines() {
        let a = "The quick brown fox\n";
        let b = "jumps over 12 lazy dogs.\n";
        assert_eq!(estimate(&format!("{a}{b}")), estimate(a) + estimate(b));
    }
}
