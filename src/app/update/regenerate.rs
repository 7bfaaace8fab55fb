//! Asking again: the selected (or last) answer regenerated as a sibling branch, a failed
//! answer replaced.

use super::notice;
use super::turns::{budget_allows, start_turn};
use crate::app::{App, Effect, TurnState};
use crate::providers::Role;

pub(super) fn retry(app: &mut App) -> Vec<Effect> {
    if app.chat.editing.is_some() {
        notice(app, "Send the edit (Enter) or cancel it (Esc) first.");
        return Vec::new();
    }
    if app.is_busy() {
        notice(
            app,
            "A reply is still streaming; press Esc first to stop it.",
        );
        return Vec::new();
    }
    if !app.session.conversation.messages.is_empty() && !budget_allows(app) {
        return Vec::new();
    }
    let conv = &mut app.session.conversation;
    // The selected answer (or the answer to the selected question), else the last one.
    let at = match app
        .chat
        .selected
        .and_then(|s| conv.messages.get(s).map(|m| (s, m.role)))
    {
        Some((s, Role::Assistant)) => Some(s),
        Some((s, _)) => Some(s + 1),
        None => conv
            .messages
            .last()
            .filter(|m| m.role == Role::Assistant)
            .map(|_| conv.messages.len() - 1),
    };
    match at.and_then(|a| conv.messages.get(a).map(|m| (a, m))) {
        // An answer with text is kept as a branch beside the new one.
        Some((a, m)) if !m.text.is_empty() && !matches!(m.state, TurnState::Failed(_)) => {
            conv.park_from(a);
            app.chat.selected = None;
        }
        Some((a, _)) if a + 1 == conv.messages.len() => {
            conv.messages.pop();
            conv.clamp_cut();
        }
        // A failed answer in the middle: the branch below it is kept.
        Some((a, _)) => {
            conv.park_from(a);
            app.chat.selected = None;
        }
        None if conv.messages.is_empty() => {
            notice(app, "Nothing to retry yet.");
            return Vec::new();
        }
        None => {}
    }
    if app.session.conversation.messages.last().map(|m| m.role) != Some(Role::User) {
        notice(app, "Nothing to retry yet.");
        return Vec::new();
    }
    start_turn(app)
}
