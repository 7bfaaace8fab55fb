//! A message written while a reply streams: Enter queues it (shown under the composer), it
//! is sent when the reply ends, and Alt-Up (`unqueue`) takes it back to edit. A reply that
//! fails or is stopped gives it back to the composer instead: nothing is sent on a
//! conversation the user is about to look at again.

use super::*;

/// Queues `draft` behind the streaming reply (joined to one already queued: they go as
/// one message, the next turn).
pub(super) fn enqueue(app: &mut App, draft: String) {
    let queued = match app.chat.queued.take() {
        Some(before) => format!("{before}\n\n{draft}"),
        None => draft,
    };
    app.chat.queued = Some(queued);
    app.chat.composer = super::turns::fresh_composer(&app.chat.composer);
    app.chat.vi = Default::default();
    let key = app.options.keymap.key_for(Action::Unqueue);
    app.notice = Some(Notice::info(format!(
        "Queued: it is sent when the reply ends ({key} takes it back)."
    )));
}

/// The reply ended well: the queued message goes out through the composer like any draft
/// (its count, its window, the caps); what the user was typing meanwhile waits and comes
/// back once it is sent.
pub(super) fn send_queued(app: &mut App) -> Vec<Effect> {
    let Some(queued) = app.chat.queued.take() else {
        return Vec::new();
    };
    let typing = app.chat.draft();
    if !typing.is_empty() {
        app.chat.stashed = Some(typing);
    }
    super::actions::put_draft(app, &queued);
    // "Queued: …" is old news now.
    app.notice = None;
    super::turns::submit(app)
}

/// After a send: what the user was typing while the queued message waited comes back.
pub(super) fn restore_stash(app: &mut App) {
    if let Some(typing) = app.chat.stashed.take() {
        super::actions::put_draft(app, &typing);
    }
}

/// The queued message back into the composer, before what is there, to edit.
pub(super) fn unqueue(app: &mut App) {
    let Some(queued) = app.chat.queued.take() else {
        app.notice = Some(Notice::info("Nothing is queued."));
        return;
    };
    let typing = app.chat.draft();
    let text = if typing.trim().is_empty() {
        queued
    } else {
        format!("{queued}\n\n{typing}")
    };
    super::actions::put_draft(app, &text);
}

/// The reply did not finish: the queued message is given back, not sent.
pub(super) fn give_back(app: &mut App) {
    if app.chat.queued.is_some() {
        unqueue(app);
        app.notice = Some(Notice::info(
            "The reply did not finish, so your queued message was not sent: it is back in the composer.",
        ));
    }
}
