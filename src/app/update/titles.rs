//! Titles asked of the model: after the first answer of an untitled conversation (when
//! `[history] titles = "model"`), and what to do with the title when it comes.

use crate::app::conversation_list::ConvEffect;
use crate::app::{App, Effect, Screen, TurnState};
use crate::config::TitleMode;
use crate::providers::Role;
use crate::usage::budget::Verdict;

/// The title request for the answer at `index`, when it is the conversation's first finished
/// answer, the conversation has no title and none was asked for yet. Never at a budget cap:
/// a title is not worth spending past one.
pub(super) fn ask_title(app: &mut App, index: usize) -> Vec<Effect> {
    let conv = &app.session.conversation;
    if app.options.titles != TitleMode::Model || conv.title_asked || !conv.title.trim().is_empty() {
        return Vec::new();
    }
    let answer = &conv.messages[index];
    let earlier_answer = conv.messages[..index].iter().any(|m| {
        m.role == Role::Assistant && m.state == TurnState::Done && !m.text.trim().is_empty()
    });
    let question = conv.messages[..index].iter().find(|m| m.role == Role::User);
    let (Some(question), Some(first)) = (question, conv.messages.first()) else {
        return Vec::new();
    };
    if earlier_answer || answer.text.trim().is_empty() || answer.provider_id.is_empty() {
        return Vec::new();
    }
    if matches!(app.budget_verdict(), Verdict::Over(_)) {
        return Vec::new();
    }
    let effect = Effect::AskTitle {
        first_msg: first.id,
        conversation: Some(app.session.conversation.id.clone()).filter(|id| !id.is_empty()),
        provider_id: answer.provider_id.clone(),
        request: crate::history::title::request(
            &answer.model,
            &question.text,
            &answer.text,
            app.options.temperature,
            app.options.max_tokens,
        ),
        key_id: answer.key_id.clone(),
    };
    app.session.conversation.title_asked = true;
    vec![effect]
}

/// The model's title arrived: it names the conversation unless that conversation is no longer
/// open or was titled meanwhile (a rename by hand wins).
pub(super) fn on_titled(app: &mut App, first_msg: u64, title: String) -> Vec<Effect> {
    let conv = &mut app.session.conversation;
    if conv.messages.first().map(|m| m.id) != Some(first_msg) || !conv.title.trim().is_empty() {
        return Vec::new();
    }
    conv.title = title.clone();
    app.dirty = true;
    if conv.id.is_empty() {
        return Vec::new(); // saved with the conversation's first write (see `on_saved`)
    }
    let mut effects = vec![Effect::Conversations(ConvEffect::Rename {
        id: conv.id.clone(),
        title,
    })];
    if let Screen::Conversations(pane) = &mut app.screen {
        effects.push(Effect::Conversations(pane.refresh(&mut app.next_list_req)));
    }
    effects
}

/// The conversation got its id: a title that came before it is written now.
pub(super) fn on_saved(app: &mut App, id: String) -> Vec<Effect> {
    if !app.session.conversation.id.is_empty() {
        return Vec::new();
    }
    app.session.conversation.id = id.clone();
    let title = app.session.conversation.title.trim();
    if title.is_empty() {
        return Vec::new();
    }
    vec![Effect::Conversations(ConvEffect::Rename {
        id,
        title: title.to_string(),
    })]
}
