//! Working in the conversation: selecting messages, jumping between code blocks, copying,
//! editing the last question, and searching.

use crossterm::event::{KeyCode, KeyEvent};

use super::notice;
use crate::app::browse::{RevealTarget, Search, code_blocks, find_hits, step_code};
use crate::app::{App, Effect, Focus, Scroll};
use crate::providers::Role;

fn reveal(app: &mut App, message: usize, target: RevealTarget) {
    app.chat.scroll = Scroll::Reveal { message, target };
}

pub(super) fn select(app: &mut App, delta: isize) {
    let n = app.session.conversation.messages.len();
    if n == 0 {
        notice(app, "No messages yet.");
        return;
    }
    let next = match app.chat.selected {
        None if delta < 0 => n - 1,
        None => 0,
        Some(i) => i.saturating_add_signed(delta).min(n - 1),
    };
    app.chat.selected = Some(next);
    app.chat.code_cursor = None;
    app.chat.focus = Focus::Conversation;
    reveal(app, next, RevealTarget::Start);
}

pub(super) fn jump_code(app: &mut App, back: bool) {
    let from = match (app.chat.code_cursor, app.chat.selected) {
        (Some((m, k)), _) => Some((m, Some(k))),
        (None, Some(m)) => Some((m, None)),
        (None, None) => None,
    };
    match step_code(&app.session.conversation, from, back) {
        Some((m, k)) => {
            app.chat.code_cursor = Some((m, k));
            app.chat.selected = Some(m);
            app.chat.focus = Focus::Conversation;
            reveal(app, m, RevealTarget::Code(k));
        }
        None => notice(
            app,
            if back {
                "No code block above."
            } else {
                "No code block below."
            },
        ),
    }
}

/// The selected message, else the newest reply.
fn target_message(app: &App) -> Option<usize> {
    app.chat.selected.or_else(|| {
        app.session
            .conversation
            .messages
            .iter()
            .rposition(|m| m.role == Role::Assistant && !m.text.is_empty())
    })
}

fn copy(app: &mut App, text: String, what: String) -> Vec<Effect> {
    let lines = text.lines().count().max(1);
    notice(
        app,
        format!(
            "Copied {what} ({lines} line{}) to the clipboard.",
            if lines == 1 { "" } else { "s" }
        ),
    );
    vec![Effect::Copy { text }]
}

pub(super) fn copy_message(app: &mut App) -> Vec<Effect> {
    let Some(i) = target_message(app) else {
        notice(app, "Nothing to copy yet.");
        return Vec::new();
    };
    let m = &app.session.conversation.messages[i];
    let what = match m.role {
        Role::User => "your message",
        _ => "the reply",
    };
    let text = m.text.clone();
    copy(app, text, what.to_string())
}

pub(super) fn copy_code(app: &mut App) -> Vec<Effect> {
    let found = match app.chat.code_cursor {
        Some((m, k)) => code_blocks(&app.session.conversation, m).into_iter().nth(k),
        None => {
            // The last block of the selected message, else of the newest reply with code.
            let candidates: Vec<usize> = match app.chat.selected {
                Some(m) => vec![m],
                None => (0..app.session.conversation.messages.len()).rev().collect(),
            };
            candidates
                .into_iter()
                .find_map(|m| code_blocks(&app.session.conversation, m).pop())
        }
    };
    match found {
        Some(block) => {
            let what = if block.lang.is_empty() {
                "the code block".to_string()
            } else {
                format!("the {} code block", block.lang)
            };
            copy(app, block.code, what)
        }
        None => {
            notice(app, "No code block to copy (press } to jump to one).");
            Vec::new()
        }
    }
}

/// Takes the last question (and its answer) off the conversation and into the composer.
pub(super) fn edit_last(app: &mut App) {
    if app.is_busy() {
        notice(
            app,
            "A reply is still streaming; press Esc first to stop it.",
        );
        return;
    }
    let messages = &app.session.conversation.messages;
    // The selected message of yours, else your last one.
    let chosen = app.chat.selected.filter(|&s| {
        messages
            .get(s)
            .is_some_and(|m| m.role == Role::User && !m.checkpoint)
    });
    let Some(u) = chosen.or_else(|| {
        messages
            .iter()
            .rposition(|m| m.role == Role::User && !m.checkpoint)
    }) else {
        notice(app, "No message of yours to edit yet.");
        return;
    };
    if !app.chat.composer.is_empty() {
        notice(
            app,
            "The composer has a draft; send or clear it before editing.",
        );
        return;
    }
    let m = &app.session.conversation.messages[u];
    app.chat.composer.insert_str(&m.text);
    app.chat.attachments = m.attachments.clone();
    app.chat.editing = Some(u);
    app.chat.selected = None;
    app.chat.code_cursor = None;
    app.chat.focus = Focus::Composer;
    let last = u + 2 >= app.session.conversation.messages.len();
    if last {
        app.chat.scroll = Scroll::Follow;
    }
    notice(
        app,
        "Editing: Enter sends it as a new branch (the old one is kept: < and > switch), Esc cancels.",
    );
}

/// Esc while editing: the composer is cleared; the conversation was never changed.
pub(super) fn abandon_edit(app: &mut App) -> bool {
    if app.chat.editing.take().is_none() {
        return false;
    }
    app.chat.composer = super::turns::fresh_composer(&app.chat.composer);
    app.chat.attachments.clear();
    notice(app, "Edit abandoned; the conversation is as it was.");
    true
}

pub(super) fn open_search(app: &mut App) {
    let query = app.chat.search.take().map(|s| s.query).unwrap_or_default();
    app.chat.search = Some(Search {
        editing: true,
        hits: find_hits(&app.session.conversation, query.text()),
        query,
        current: 0,
    });
}

/// A key while the search query is being typed.
pub(super) fn search_key(app: &mut App, key: KeyEvent) {
    let Some(search) = app.chat.search.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Esc => {
            app.chat.search = None;
            return;
        }
        KeyCode::Enter => {
            search.editing = false;
            if search.hits.is_empty() && !search.query.text().is_empty() {
                let q = search.query.text().to_string();
                notice(app, format!("No match for {q:?}."));
                return;
            }
        }
        _ => {
            // Shell editing keys; moving the cursor changes no match.
            if !search.query.key(key) {
                return;
            }
        }
    }
    let Some(search) = app.chat.search.as_mut() else {
        return;
    };
    search.hits = find_hits(&app.session.conversation, search.query.text());
    // Searching from the bottom: the newest match first, as in a pager reading backwards.
    search.current = search.hits.len().saturating_sub(1);
    if let Some((m, k)) = search.current_hit() {
        app.chat.focus = Focus::Conversation;
        reveal(app, m, RevealTarget::Match(k));
    }
}

pub(super) fn search_step(app: &mut App, back: bool) {
    let Some(search) = app.chat.search.as_mut().filter(|s| !s.hits.is_empty()) else {
        notice(app, "No search yet: press / to search.");
        return;
    };
    let n = search.hits.len();
    search.current = if back {
        (search.current + n - 1) % n
    } else {
        (search.current + 1) % n
    };
    if let Some((m, k)) = search.current_hit() {
        reveal(app, m, RevealTarget::Match(k));
    }
}

/// Esc in the conversation with nothing streaming: drop the selection and the search.
pub(super) fn clear_browse(app: &mut App) -> bool {
    let had =
        app.chat.selected.is_some() || app.chat.search.is_some() || app.chat.code_cursor.is_some();
    app.chat.selected = None;
    app.chat.search = None;
    app.chat.code_cursor = None;
    had
}

/// Selection and code positions point into the message list; keep them valid.
pub(super) fn clamp(app: &mut App) {
    let n = app.session.conversation.messages.len();
    if app.chat.selected.is_some_and(|s| s >= n) {
        app.chat.selected = None;
    }
    if app.chat.code_cursor.is_some_and(|(m, _)| m >= n) {
        app.chat.code_cursor = None;
    }
}
