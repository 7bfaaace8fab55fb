//! Branches in the chat: switching a message to its sibling (and the branch below it),
//! and forking the branch shown into a new conversation.

use super::notice;
use crate::app::{App, Effect, Scroll};

/// The message whose siblings `branch_prev`/`branch_next` step through: the selected one
/// when it has any, else the deepest one that has.
fn branch_point(app: &App) -> Option<usize> {
    let conv = &app.session.conversation;
    app.chat
        .selected
        .filter(|&s| conv.messages.get(s).is_some_and(|m| m.branch.is_some()))
        .or_else(|| conv.last_branch_point())
}

/// Shows the sibling `by` steps away.
pub(super) fn step(app: &mut App, by: isize) {
    if app.is_busy() || app.chat.editing.is_some() {
        notice(
            app,
            "Finish the reply or the edit first (Esc), then switch branches.",
        );
        return;
    }
    let Some(at) = branch_point(app) else {
        notice(
            app,
            "No message here has another branch yet: regenerate an answer (Ctrl-R) or edit a message (e) to make one.",
        );
        return;
    };
    let conv = &mut app.session.conversation;
    if !conv.switch(at, by) {
        let edge = if by < 0 { "first" } else { "last" };
        notice(app, format!("This is the {edge} branch here."));
        return;
    }
    let (pos, count) = conv.messages[at].branch.unwrap_or((1, 1));
    if app.chat.selected.is_some() {
        app.chat.selected = Some(at);
    } else {
        app.chat.scroll = Scroll::Follow;
    }
    notice(app, format!("Branch {pos} of {count}."));
}

/// Starts a new conversation with the branch shown up to the selected message (else all of
/// it); the original stays as it is.
pub(super) fn fork(app: &mut App) -> Vec<Effect> {
    if app.is_busy() {
        notice(
            app,
            "A reply is streaming; press Esc to stop it before forking.",
        );
        return Vec::new();
    }
    let conv = &app.session.conversation;
    if conv.messages.is_empty() {
        notice(app, "Nothing to fork yet.");
        return Vec::new();
    }
    let upto = app.chat.selected.unwrap_or(conv.messages.len() - 1);
    let mut fork = conv.fork(upto);
    fork.renumber(&mut app.session.next_msg_id);
    let n = fork.messages.len();
    app.session.conversation = fork;
    app.chat.selected = None;
    app.chat.editing = None;
    app.chat.scroll = Scroll::Follow;
    super::browse::clear_browse(app);
    notice(
        app,
        format!(
            "Forked: a new conversation with the {} up to here; the original is kept (F4).",
            crate::text::count(n, "message")
        ),
    );
    Vec::new()
}

/// The file numbered these messages: kept, so a branch's replies are found in the ledger.
pub(super) fn numbered(app: &mut App, numbers: &[(u64, usize)]) {
    let conv = &mut app.session.conversation;
    for m in conv.messages.iter_mut().chain(conv.parked.iter_mut()) {
        if let Some((_, n)) = numbers.iter().find(|(id, _)| *id == m.id) {
            m.file_n = Some(*n);
        }
    }
}
