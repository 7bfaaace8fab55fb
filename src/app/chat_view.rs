//! The chat view: the composer and how the conversation is shown (scroll, selection,
//! search, an edit in progress), with the layout facts the renderer reports back.

use tui_textarea::TextArea;

use super::browse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Composer,
    Conversation,
}

/// Where the conversation view is: following the tail, pinned at a line from the top, or
/// about to show part of a message (the renderer finds its line and reports it back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    Follow,
    Top(usize),
    Reveal {
        message: usize,
        target: browse::RevealTarget,
    },
}

#[derive(Debug, Clone)]
pub struct ChatView {
    pub composer: TextArea<'static>,
    pub focus: Focus,
    pub scroll: Scroll,
    /// Layout facts of the last frame: line count at its width, viewport height, top line.
    pub content_lines: usize,
    pub viewport: usize,
    pub top: usize,
    /// The selected message (for copying, and where code jumps start from).
    pub selected: Option<usize>,
    /// The code block last jumped to: (message, block).
    pub code_cursor: Option<(usize, usize)>,
    pub search: Option<browse::Search>,
    /// The message being edited (its place): sending makes a sibling branch of it.
    pub editing: Option<usize>,
    /// A message written while a reply streamed, sent when it ends.
    pub queued: Option<String>,
    /// The composer's vi state (used when `ui.vi_mode` is on).
    pub vi: super::vi::Vi,
    /// What the user was typing when the queued message went out; back after it is sent.
    pub stashed: Option<String>,
    /// Files attached to the next message (chips above the composer).
    pub attachments: Vec<crate::chat::Attachment>,
    /// `@words` of the draft already looked at (not paths, or attached): not read again.
    pub checked_words: Vec<String>,
}

impl Default for ChatView {
    fn default() -> Self {
        let mut composer = TextArea::default();
        composer.set_placeholder_text("Type a message · Enter sends · Alt-Enter newline · F1 help");
        composer.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
        Self {
            composer,
            focus: Focus::Composer,
            scroll: Scroll::Follow,
            content_lines: 0,
            viewport: 0,
            top: 0,
            selected: None,
            code_cursor: None,
            search: None,
            editing: None,
            queued: None,
            vi: Default::default(),
            stashed: None,
            attachments: Vec::new(),
            checked_words: Vec::new(),
        }
    }
}

impl ChatView {
    pub fn draft(&self) -> String {
        self.composer.lines().join("\n")
    }

    /// Line offset of the top of the view.
    pub fn scroll_top(&self) -> usize {
        let max = self.content_lines.saturating_sub(self.viewport);
        match self.scroll {
            Scroll::Follow => max,
            Scroll::Reveal { .. } => self.top.min(max),
            Scroll::Top(t) => t.min(max),
        }
    }
}
