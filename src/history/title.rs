//! Titles asked of the model (`[history] titles = "model"`): the request that asks for one,
//! and the cleanup that turns whatever the model says into a one-line title. Pure; the
//! runtime sends the request.

use crate::providers::{ChatMessage, ChatRequest, Role};

/// How the request begins (the mock provider recognises it to answer with a title).
pub const INSTRUCTION: &str = "Write a short title, at most six words, for the conversation below.";

/// The most of the question and of the answer sent along: a title needs the gist, and the
/// request should cost little.
const EXCERPT_CHARS: usize = 1200;

/// The request for a title of a conversation that began with `question` and `answer`.
pub fn request(
    model: &str,
    question: &str,
    answer: &str,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
) -> ChatRequest {
    let content = format!(
        "{INSTRUCTION} Reply with the title only: no quotes, no label, no final full stop. \
         Use the language of the question.\n\n<question>\n{}\n</question>\n\n<answer>\n{}\n</answer>",
        excerpt(question),
        excerpt(answer)
    );
    ChatRequest {
        model: model.to_string(),
        system: None,
        messages: vec![ChatMessage::new(Role::User, content)],
        temperature,
        max_tokens,
        reasoning: None,
    }
}

fn excerpt(text: &str) -> &str {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The title in a model's reply: the first line with words in it, without thinking blocks,
/// a "Title:" label, Markdown marks, quotes or a final full stop. None when nothing is left.
pub fn clean(reply: &str) -> Option<String> {
    let reply = strip_thinking(reply);
    let line = reply.lines().map(str::trim).find(|l| has_words(l))?;
    let mut title = crate::text::sanitize::sanitize_line(line);
    title = title
        .trim_matches(|c: char| matches!(c, '#' | '*' | '_' | '`') || c.is_whitespace())
        .to_string();
    if let Some(rest) = strip_label(&title) {
        title = rest.to_string();
    }
    let quotes = |c: char| {
        matches!(
            c,
            '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '*' | '_' | '`'
        )
    };
    // Quotes and a full stop, in either order (`"Title".` and `"Title."`), until none is left.
    loop {
        let before = title.len();
        title = title
            .trim_matches(|c: char| quotes(c) || c.is_whitespace())
            .to_string();
        if title.ends_with('.') && !title.ends_with("..") {
            title.pop();
        }
        if title.len() == before {
            break;
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    has_words(&title).then(|| crate::text::wrap::truncate(&title, super::TITLE_COLUMNS))
}

/// Removes `<think>…</think>` blocks (local reasoning models put them in the text).
fn strip_thinking(reply: &str) -> String {
    let mut out = String::new();
    let mut rest = reply;
    while let Some(start) = rest.find("<think>") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</think>") {
            Some(end) => rest = &rest[start + end + "</think>".len()..],
            // Unclosed: the model never got past thinking.
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

fn strip_label(title: &str) -> Option<&str> {
    let (label, rest) = title.split_once(':')?;
    let label = label.trim_matches(|c: char| matches!(c, '*' | '_') || c.is_whitespace());
    label.eq_ignore_ascii_case("title").then(|| rest.trim())
}

fn has_words(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_titles_pass_through() {
        assert_eq!(
            clean("Rust lifetimes explained").as_deref(),
            Some("Rust lifetimes explained")
        );
    }

    #[test]
    fn labels_quotes_marks_and_full_stops_go() {
        for reply in [
            "Title: \"Rust lifetimes explained\".",
            "\"Rust lifetimes explained.\"",
            "**Title:** Rust lifetimes explained",
            "## Rust lifetimes explained",
            "“Rust lifetimes explained”",
            "  'Rust   lifetimes explained'  \n",
            "\n\n`Rust lifetimes explained`\nThis title sums it up.",
        ] {
            assert_eq!(
                clean(reply).as_deref(),
                Some("Rust lifetimes explained"),
                "{reply:?}"
            );
        }
    }

    #[test]
    fn thinking_blocks_are_skipped() {
        let reply = "<think>\nThe user asks about lifetimes. Title: Borrowing\n</think>\n\nRust lifetimes explained";
        assert_eq!(clean(reply).as_deref(), Some("Rust lifetimes explained"));
        assert_eq!(clean("<think>still thinking when the tokens ran out"), None);
    }

    #[test]
    fn empty_or_wordless_replies_give_no_title() {
        for reply in ["", "   \n ", "\"\"", "...", "**"] {
            assert_eq!(clean(reply), None, "{reply:?}");
        }
    }

    #[test]
    fn control_sequences_are_removed_and_long_titles_cut() {
        let reply = format!("Evil\x1b]0;pwned\x07 title {}", "word ".repeat(30));
        let title = clean(&reply).unwrap();
        assert!(
            !title.contains('\x1b') && !title.contains("pwned"),
            "{title:?}"
        );
        assert!(crate::text::wrap::str_width(&title) <= 60);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn an_ellipsis_stays() {
        assert_eq!(
            clean("Waiting for Godot...").as_deref(),
            Some("Waiting for Godot...")
        );
    }

    #[test]
    fn the_request_carries_both_sides_cut_short() {
        let long = "x".repeat(5000);
        let req = request("m1", "What is a lifetime?", &long, Some(0.2), Some(50));
        assert_eq!(req.model, "m1");
        assert_eq!(req.messages.len(), 1);
        let text = &req.messages[0].content;
        assert!(text.starts_with(INSTRUCTION));
        assert!(text.contains("<question>\nWhat is a lifetime?\n</question>"));
        assert!(text.contains(&"x".repeat(EXCERPT_CHARS)));
        assert!(!text.contains(&"x".repeat(EXCERPT_CHARS + 1)));
        assert_eq!((req.temperature, req.max_tokens), (Some(0.2), Some(50)));
    }
}
