//! Moving around a conversation without a mouse: the selected message, code blocks, and
//! search matches. Pure functions over the conversation; the reducer keeps the state.

use crate::chat::Conversation;
use crate::providers::Role;

/// What the view should bring on screen; the renderer turns it into a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealTarget {
    /// The message's first line.
    Start,
    /// The message's code block `k` (in render order).
    Code(usize),
    /// The `n`th occurrence of the search query in the message.
    Match(usize),
}

/// A search over the conversation: the query, whether it is being typed, and its matches
/// as (message index, occurrence within the message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: super::line_edit::LineEdit,
    pub editing: bool,
    pub hits: Vec<(usize, usize)>,
    pub current: usize,
}

impl Search {
    pub fn current_hit(&self) -> Option<(usize, usize)> {
        self.hits.get(self.current).copied()
    }
}

/// Case-insensitive occurrences of `query` in every message, in order.
pub fn find_hits(conversation: &Conversation, query: &str) -> Vec<(usize, usize)> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (i, m) in conversation.messages.iter().enumerate() {
        let n = m.text.to_lowercase().matches(&needle).count();
        hits.extend((0..n).map(|k| (i, k)));
    }
    hits
}

/// The code blocks of a message (assistant replies are markdown; what users type is not
/// rendered, so its fences are not blocks).
pub fn code_blocks(conversation: &Conversation, index: usize) -> Vec<crate::markdown::CodeBlock> {
    match conversation.messages.get(index) {
        Some(m) if m.role == Role::Assistant => crate::markdown::code_blocks(&m.text),
        _ => Vec::new(),
    }
}

/// The next code block after (`from` message, block `k`) — or before it when `back` —
/// searching outward one message at a time, so a jump costs what it passes over.
pub fn step_code(
    conversation: &Conversation,
    from: Option<(usize, Option<usize>)>,
    back: bool,
) -> Option<(usize, usize)> {
    let n = conversation.messages.len();
    if n == 0 {
        return None;
    }
    // Without a position, forward starts at the top and back at the bottom.
    let (start, k) = from.unwrap_or(if back { (n - 1, None) } else { (0, None) });
    let here = code_blocks(conversation, start).len();
    if back {
        let first_before = match k {
            Some(k) => k.checked_sub(1),
            None if from.is_none() => here.checked_sub(1),
            None => None,
        };
        if let Some(b) = first_before.filter(|b| *b < here) {
            return Some((start, b));
        }
        (0..start).rev().find_map(|i| {
            let c = code_blocks(conversation, i).len();
            c.checked_sub(1).map(|b| (i, b))
        })
    } else {
        let next = match k {
            Some(k) => k + 1,
            None => 0,
        };
        if next < here {
            return Some((start, next));
        }
        (start + 1..n).find_map(|i| (!code_blocks(conversation, i).is_empty()).then_some((i, 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::TurnState;

    fn conv() -> Conversation {
        let mut c = Conversation::default();
        c.push(
            Role::User,
            "show me ```code``` and Rust".into(),
            TurnState::Done,
        );
        c.push(
            Role::Assistant,
            "Rust:\n```rust\nfn a() {}\n```\nand rust again\n```sh\nls\n```".into(),
            TurnState::Done,
        );
        c.push(Role::User, "thanks".into(), TurnState::Done);
        c.push(
            Role::Assistant,
            "no code, just rust".into(),
            TurnState::Done,
        );
        c.push(Role::Assistant, "```py\nx = 1\n```".into(), TurnState::Done);
        c
    }

    #[test]
    fn search_is_case_insensitive_and_counts_each_occurrence() {
        let c = conv();
        assert_eq!(
            find_hits(&c, "RUST"),
            [(0, 0), (1, 0), (1, 1), (1, 2), (3, 0)]
        );
        assert!(find_hits(&c, "").is_empty());
        assert!(find_hits(&c, "absent").is_empty());
    }

    #[test]
    fn code_jumps_walk_blocks_in_order_and_skip_user_text() {
        let c = conv();
        let mut pos = None;
        let mut seen = Vec::new();
        while let Some(p) = step_code(&c, pos.map(|(m, k)| (m, Some(k))), false) {
            seen.push(p);
            pos = Some(p);
        }
        assert_eq!(seen, [(1, 0), (1, 1), (4, 0)]);
        let mut back = Vec::new();
        let mut pos: Option<(usize, usize)> = None;
        while let Some(p) = step_code(&c, pos.map(|(m, k)| (m, Some(k))), true) {
            back.push(p);
            pos = Some(p);
        }
        assert_eq!(back, [(4, 0), (1, 1), (1, 0)]);
        // From a selected message without a block chosen: its first block, or the next one.
        assert_eq!(step_code(&c, Some((1, None)), false), Some((1, 0)));
        assert_eq!(step_code(&c, Some((2, None)), false), Some((4, 0)));
        assert_eq!(step_code(&c, Some((2, None)), true), Some((1, 1)));
    }
}
