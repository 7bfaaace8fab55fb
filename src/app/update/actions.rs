//! What each chat-view [`Action`] does to the model.

use super::*;

pub(crate) fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.chat.viewport.saturating_sub(2).max(1);
    match action {
        Action::Quit => return quit(app),
        Action::Submit => return submit(app),
        Action::Newline => {
            app.chat.focus = Focus::Composer;
            app.chat.composer.insert_newline();
        }
        Action::Cancel => return cancel(app),
        Action::Retry => return retry(app),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::FocusNext => {
            app.chat.focus = match app.chat.focus {
                Focus::Composer => Focus::Conversation,
                Focus::Conversation => Focus::Composer,
            }
        }
        Action::ScrollUp => scroll_by(app, -1),
        Action::ScrollDown => scroll_by(app, 1),
        Action::PageUp => scroll_by(app, -(page as isize)),
        Action::PageDown => scroll_by(app, page as isize),
        Action::ScrollTop => app.chat.scroll = Scroll::Top(0),
        Action::ScrollBottom => app.chat.scroll = Scroll::Follow,
        Action::ToggleReasoning => toggle_reasoning(app),
        Action::CycleReasoning => super::reasoning::cycle(app),
        Action::Unqueue => super::queue::unqueue(app),
        Action::EditInEditor => {
            return vec![Effect::EditInEditor {
                draft: app.chat.draft(),
                target: crate::app::EditTarget::Draft,
            }];
        }
        Action::Failover => match app.session.failover_offer.clone() {
            Some(id) if !app.is_busy() => {
                let who = failover_candidate(app)
                    .filter(|(c, _)| *c == id)
                    .map_or_else(|| id.clone(), |(_, w)| w);
                return failover_to(app, id, &who);
            }
            _ => notice(app, "There is no other stored key to switch to."),
        },
        Action::OpenPicker => return open_picker(app, Back::Chat),
        Action::OpenPresets => super::presets::open(app),
        Action::Detach => super::attach::detach(app),
        Action::BranchPrev => super::branches::step(app, -1),
        Action::BranchNext => super::branches::step(app, 1),
        Action::Fork => return super::branches::fork(app),
        Action::EditSystemPrompt => return super::presets::edit_system_prompt(app),
        Action::OpenKeys => {
            app.open_keys();
            if app.key_manager.state == crate::app::key_manager::StoreState::Locked
                && app.key_manager.dialog.is_none()
            {
                app.key_manager.ask_passphrase(false);
            }
        }
        Action::KeyAdd
        | Action::KeyTest
        | Action::KeyTestAll
        | Action::KeyRotate
        | Action::KeyUndo
        | Action::KeyDelete
        | Action::KeyActivate
        | Action::KeyEditLabel
        | Action::KeyImportEnv
        | Action::KeyFixPermissions
        | Action::KeyBudget
        | Action::KeyExport
        | Action::KeyImportBundle
        // Actions of the other panes and of dialogs mean nothing in the chat.
        | Action::ListUp
        | Action::ListDown
        | Action::ListPageUp
        | Action::ListPageDown
        | Action::Close
        | Action::PickModel
        | Action::PickDefault
        | Action::OpenConversation
        | Action::RenameConversation
        | Action::DeleteConversation
        | Action::UsageGroup
        | Action::UsageMonthPrev
        | Action::UsageMonthNext
        | Action::Confirm
        | Action::Yes
        | Action::No
        | Action::DialogNext
        | Action::UsePreset => {}
        Action::NewConversation => {
            if app.is_busy() {
                notice(
                    app,
                    "A reply is streaming; press Esc to stop it before starting anew.",
                );
            } else {
                app.session.conversation = Default::default();
                app.chat.scroll = Scroll::Follow;
                app.chat.editing = None;
                browse::clear_browse(app);
            }
        }
        Action::SelectPrev => browse::select(app, -1),
        Action::SelectNext => browse::select(app, 1),
        Action::CodePrev => browse::jump_code(app, true),
        Action::CodeNext => browse::jump_code(app, false),
        Action::CopyMessage => return browse::copy_message(app),
        Action::CopyCode => return browse::copy_code(app),
        Action::EditLast => browse::edit_last(app),
        Action::Search => browse::open_search(app),
        Action::SearchNext => browse::search_step(app, false),
        Action::SearchPrev => browse::search_step(app, true),
        Action::OpenConversations => return conversation_list::open_pane(app),
        Action::OpenUsage => {
            let (view, req) = crate::app::usage_view::UsageView::open(&mut app.next_list_req);
            app.screen = Screen::Usage(Box::new(view));
            return vec![Effect::LoadUsage(req)];
        }
        Action::ExportConversation => {
            if app.session.conversation.messages.is_empty() {
                notice(app, "Nothing to export yet.");
            } else {
                return vec![Effect::Export(Box::new(app.session.conversation.clone()))];
            }
        }
    }
    browse::clamp(app);
    Vec::new()
}

pub(super) fn scroll_by(app: &mut App, delta: isize) {
    let max = app.chat.content_lines.saturating_sub(app.chat.viewport);
    let top = app.chat.scroll_top().saturating_add_signed(delta).min(max);
    app.chat.scroll = if top >= max {
        Scroll::Follow
    } else {
        Scroll::Top(top)
    };
}

fn toggle_reasoning(app: &mut App) {
    // The newest message that has reasoning.
    match app
        .session
        .conversation
        .messages
        .iter_mut()
        .rev()
        .find(|m| !m.reasoning.is_empty())
    {
        Some(m) => {
            m.reasoning_open = !m.reasoning_open;
            m.touch();
        }
        None => notice(app, "No reasoning to show in this conversation."),
    }
}

/// Opens the model picker; `back` is where it returns when a model is chosen or it is closed.
pub(super) fn open_picker(app: &mut App, back: Back) -> Vec<Effect> {
    let current = app
        .session
        .provider
        .as_ref()
        .map(|p| (p.id.as_str(), p.model.as_str()));
    let (picker, effects) =
        crate::app::picker::Picker::open(&app.session.catalogue, current, &mut app.next_list_req);
    app.screen = Screen::Picker {
        picker: Box::new(picker),
        back,
    };
    effects.into_iter().map(Effect::Picker).collect()
}

/// Opens the model picker on the models whose known window holds `needs` tokens (a request
/// that did not fit its model's).
pub(super) fn open_picker_fitting(app: &mut App, needs: u64) -> Vec<Effect> {
    let effects = open_picker(app, Back::Chat);
    if let Screen::Picker { picker, .. } = &mut app.screen {
        picker.fits = Some(crate::app::picker::Fit {
            needs,
            windows: app.options.windows.clone(),
        });
        picker.selected = 0;
    }
    effects
}

/// The composer holds `text` (what the editor wrote, without the newline editors end a
/// file with), the cursor at its end.
pub(super) fn put_draft(app: &mut App, text: &str) {
    let text = text.trim_end_matches(['\n', '\r']);
    let mut fresh = super::turns::fresh_composer(&app.chat.composer);
    fresh.insert_str(text);
    app.chat.composer = fresh;
    app.chat.focus = Focus::Composer;
}
