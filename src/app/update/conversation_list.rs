//! The conversations pane in the reducer: what its decisions do to the open conversation.

use crate::app::conversation_list::{ConvEffect, ConvOutcome, ConversationsPane};
use crate::app::{App, Effect, Msg, Notice, Scope, Screen, Scroll};

fn wrap(effects: Vec<ConvEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Conversations).collect()
}

pub(super) fn open_pane(app: &mut App) -> Vec<Effect> {
    let (pane, effect) = ConversationsPane::open(&mut app.next_list_req);
    app.screen = Screen::Conversations(Box::new(pane));
    wrap(vec![effect])
}

/// Leaves the open conversation for another (or a new one); refused while a reply streams.
fn leave_current(app: &mut App) -> bool {
    if app.is_busy() {
        app.notice = Some(Notice::error(
            "A reply is streaming; press Esc to stop it before switching conversations.",
        ));
        return false;
    }
    app.chat.editing = None;
    super::browse::clear_browse(app);
    app.chat.scroll = Scroll::Follow;
    true
}

pub(super) fn on_key(
    app: &mut App,
    key: crossterm::event::KeyEvent,
    chord: crate::keymap::KeyChord,
) -> Vec<Effect> {
    let Screen::Conversations(pane) = &mut app.screen else {
        return Vec::new();
    };
    let scope = if pane.dialog.is_some() {
        Scope::Dialog
    } else {
        Scope::Conversations
    };
    let action = app.options.keymap.lookup_pane(scope, chord);
    let outcome = pane.on_key(action, key, &mut app.next_list_req);
    match outcome {
        ConvOutcome::Stay(effects) => wrap(effects),
        ConvOutcome::Close => {
            app.screen = Screen::Chat;
            Vec::new()
        }
        ConvOutcome::New => {
            if leave_current(app) {
                app.session.conversation = Default::default();
                app.screen = Screen::Chat;
            }
            Vec::new()
        }
        ConvOutcome::Open(id) => {
            if id == app.session.conversation.id {
                app.screen = Screen::Chat;
                return Vec::new();
            }
            if !leave_current(app) {
                return Vec::new();
            }
            wrap(vec![ConvEffect::Open { id }])
        }
        ConvOutcome::Renamed { id, title } => {
            if id == app.session.conversation.id {
                app.session.conversation.title = title.clone();
            }
            wrap(
                [ConvEffect::Rename { id, title }]
                    .into_iter()
                    .chain(refresh(app))
                    .collect(),
            )
        }
        ConvOutcome::Deleted(id) => {
            let refresh = refresh(app);
            if id == app.session.conversation.id {
                if app.is_busy() {
                    app.notice = Some(Notice::error(
                        "That conversation is streaming a reply; stop it (Esc) first.",
                    ));
                    return Vec::new();
                }
                app.session.conversation = Default::default();
            }
            wrap(
                [ConvEffect::Delete { id }]
                    .into_iter()
                    .chain(refresh)
                    .collect(),
            )
        }
    }
}

/// Lists again after a rename or delete (the pane is in view: it made the decision).
fn refresh(app: &mut App) -> Option<ConvEffect> {
    match &mut app.screen {
        Screen::Conversations(pane) => Some(pane.refresh(&mut app.next_list_req)),
        _ => None,
    }
}

pub(super) fn on_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    match msg {
        Msg::ConversationList { req, items } => {
            if let Screen::Conversations(p) = &mut app.screen {
                p.on_list(req, items, &app.session.conversation.id);
            }
        }
        Msg::Opened { conversation, note } => {
            if app.is_busy() {
                return effects;
            }
            let mut conversation = *conversation;
            conversation.renumber(&mut app.session.next_msg_id);
            app.session.conversation = conversation;
            // Saving goes on in the opened conversation's file, with the ids it has now.
            effects.push(Effect::ContinueSaving(Box::new(
                app.session.conversation.clone(),
            )));
            app.screen = Screen::Chat;
            app.chat.scroll = Scroll::Follow;
            app.notice = None;
            super::panes::continue_on_its_provider(app);
            super::presets::follow_conversation(app);
            if let Some(note) = note {
                app.notice = Some(Notice::error(note));
            }
        }
        _ => {}
    }
    app.dirty = true;
    effects
}
