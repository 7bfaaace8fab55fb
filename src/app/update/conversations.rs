//! The conversations pane in the reducer: what its decisions do to the open conversation.

use crate::app::conversations::{ConvEffect, ConvOutcome, ConversationsPane};
use crate::app::{App, Effect, Msg, Notice, Scroll, View};

fn wrap(effects: Vec<ConvEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Conversations).collect()
}

pub(super) fn open_pane(app: &mut App) -> Vec<Effect> {
    let (pane, effect) = ConversationsPane::open(&mut app.next_list_req);
    app.conversations = Some(pane);
    app.view = View::Conversations;
    wrap(vec![effect])
}

/// Leaves the open conversation for another (or a new one); refused while a reply streams.
fn leave_current(app: &mut App) -> bool {
    if app.is_busy() {
        app.notice = Some(Notice {
            text: "A reply is streaming; press Esc to stop it before switching conversations."
                .into(),
            is_error: true,
        });
        return false;
    }
    app.editing = None;
    super::browse::clear_browse(app);
    app.scroll = Scroll::Follow;
    true
}

pub(super) fn on_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let Some(pane) = app.conversations.as_mut() else {
        app.view = View::Chat;
        return Vec::new();
    };
    match pane.on_key(key, &mut app.next_list_req) {
        ConvOutcome::Stay(effects) => wrap(effects),
        ConvOutcome::Close => {
            app.view = View::Chat;
            app.conversations = None;
            Vec::new()
        }
        ConvOutcome::New => {
            if leave_current(app) {
                app.conversation = Default::default();
                app.view = View::Chat;
                app.conversations = None;
            }
            Vec::new()
        }
        ConvOutcome::Open(id) => {
            if id == app.conversation.id {
                app.view = View::Chat;
                app.conversations = None;
                return Vec::new();
            }
            if !leave_current(app) {
                return Vec::new();
            }
            wrap(vec![ConvEffect::Open { id }])
        }
        ConvOutcome::Renamed { id, title } => {
            if id == app.conversation.id {
                app.conversation.title = title.clone();
            }
            let refresh = pane.refresh(&mut app.next_list_req);
            wrap(vec![ConvEffect::Rename { id, title }, refresh])
        }
        ConvOutcome::Deleted(id) => {
            let refresh = pane.refresh(&mut app.next_list_req);
            if id == app.conversation.id {
                if app.is_busy() {
                    app.notice = Some(Notice {
                        text: "That conversation is streaming a reply; stop it (Esc) first.".into(),
                        is_error: true,
                    });
                    return Vec::new();
                }
                app.conversation = Default::default();
            }
            wrap(vec![ConvEffect::Delete { id }, refresh])
        }
    }
}

pub(super) fn on_msg(app: &mut App, msg: Msg) {
    match msg {
        Msg::ConversationList { req, items } => {
            if let Some(p) = app.conversations.as_mut() {
                p.on_list(req, items, &app.conversation.id);
            }
        }
        Msg::Opened { conversation, note } => {
            if app.is_busy() {
                return;
            }
            app.conversation = *conversation;
            app.view = View::Chat;
            app.conversations = None;
            app.scroll = Scroll::Follow;
            app.notice = note.map(|text| Notice {
                text,
                is_error: true,
            });
        }
        _ => {}
    }
    app.dirty = true;
}
