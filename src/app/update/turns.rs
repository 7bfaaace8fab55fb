//! Turns: submitting, starting, cancelling and retrying them, filling them from the stream,
//! and failing over to another key.

use super::notice;
use crate::app::{Action, App, Effect, Focus, Notice, Scroll, TurnState};
use crate::providers::{ChatRequest, Role, StreamEvent};

pub(super) fn submit(app: &mut App) -> Vec<Effect> {
    // A pasted block's trailing newline (and trailing blank lines) is not part of the
    // question; leading indentation is kept (it may be code).
    let draft = app.draft().trim_end().to_string();
    if draft.trim().is_empty() && app.chat.attachments.is_empty() {
        return Vec::new();
    }
    if app.session.provider.is_none() {
        app.notice = Some(Notice::error(
            "No provider is configured yet: add one to config.toml (see the hint above). Your draft is kept.",
        ));
        return Vec::new();
    }
    if app.is_busy() {
        super::queue::enqueue(app, draft);
        return Vec::new();
    }
    if let Some(effects) = super::attach::before_send(app, &draft) {
        return effects;
    }
    if app.meter.summarizing.is_some() {
        notice(
            app,
            "A checkpoint is being made: your message is sent when it is in place. Your draft is kept.",
        );
        return Vec::new();
    }
    let estimate = match super::overflow::before_send(app) {
        Ok(estimate) => estimate,
        Err(effects) => return effects,
    };
    if let Some(why) = super::attach::images_refused(app, estimate.as_ref()) {
        app.notice = Some(Notice::error(why));
        return Vec::new();
    }
    if !budget_allows_with(app, estimate.as_ref()) {
        return Vec::new();
    }
    app.session.failover_tried.clear();
    app.session.failover_offer = None;
    // An edited message goes in beside the one it edits; the old branch is kept.
    if let Some(at) = app.chat.editing.take() {
        app.session.conversation.park_from(at);
    }
    let id = app.session.fresh_msg_id();
    let index = app
        .session
        .conversation
        .push_with_id(id, Role::User, draft, TurnState::Done);
    app.session.conversation.messages[index].attachments =
        std::mem::take(&mut app.chat.attachments);
    app.chat.checked_words.clear();
    app.chat.composer = fresh_composer(&app.chat.composer);
    // The next message starts in insert mode, as a new line does in a vi-mode shell.
    app.chat.vi = Default::default();
    super::queue::restore_stash(app);
    start_turn(app)
}

/// Checks the monthly caps before a request. At a cap the first try is refused with the
/// reason; trying again right away sends this one request anyway.
pub(super) fn budget_allows(app: &mut App) -> bool {
    budget_allows_with(app, None)
}

/// As [`budget_allows`], and a request whose estimated cost would take a cap past its limit
/// is refused the same way, with the estimate in the reason.
fn budget_allows_with(app: &mut App, estimate: Option<&crate::estimate::Estimate>) -> bool {
    use crate::usage::budget::Verdict;
    let mut verdict = app.budget_verdict();
    if let (Verdict::Ok | Verdict::Warn(_), Some(next)) =
        (&verdict, estimate.and_then(|e| e.cost.or(e.input_cost)))
        && let Some(why) = app.session.budget_ahead(&app.key_manager, next)
    {
        verdict = Verdict::Over(why);
    }
    match verdict {
        crate::usage::budget::Verdict::Over(why) if !app.session.budget_override => {
            app.session.budget_override = true;
            // The action first: a narrow status bar cuts the details, not the way out.
            app.notice = Some(Notice::error(format!("Enter again sends anyway: {why}.")));
            false
        }
        _ => {
            app.session.budget_override = false;
            true
        }
    }
}

/// An empty composer with the same placeholder and wrapping.
pub(super) fn fresh_composer(
    old: &tui_textarea::TextArea<'static>,
) -> tui_textarea::TextArea<'static> {
    let mut fresh = tui_textarea::TextArea::default();
    fresh.set_placeholder_text(old.placeholder_text().to_string());
    fresh.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
    fresh
}

/// Opens an assistant turn for the conversation as it stands and asks for the stream.
pub(super) fn start_turn(app: &mut App) -> Vec<Effect> {
    start_turn_with(app, None)
}

/// Opens an assistant turn, optionally with a specific stored key (failover).
pub(super) fn start_turn_with(app: &mut App, key_id: Option<String>) -> Vec<Effect> {
    let Some(provider) = app.session.provider.clone() else {
        return Vec::new();
    };
    // The conversation keeps the system prompt it was first sent with (saved with it).
    if app.session.conversation.system.is_none() {
        app.session.conversation.system = Some(app.system_prompt().unwrap_or_default().into());
        let preset = app.session.preset.as_ref().map(|p| p.name.clone());
        app.session.conversation.preset = preset;
    }
    let request = ChatRequest {
        model: provider.model.clone(),
        system: app.system_prompt().map(str::to_string),
        messages: app.session.conversation.history(),
        temperature: app.temperature(),
        max_tokens: app.max_tokens(),
        reasoning: super::reasoning::for_request(app, &provider.model),
    };
    let id = app.session.fresh_msg_id();
    let index = app.session.conversation.push_with_id(
        id,
        Role::Assistant,
        String::new(),
        TurnState::Connecting,
    );
    app.session.conversation.relabel();
    let msg = &mut app.session.conversation.messages[index];
    msg.model = provider.model.clone();
    msg.provider = provider.name.clone();
    msg.provider_id = provider.id.clone();
    msg.reasoning_open = app.options.show_reasoning;
    msg.preset = app.session.preset.as_ref().map(|p| p.name.clone());
    let req = app.session.next_req;
    app.session.next_req += 1;
    app.session.active = Some((req, index));
    app.chat.scroll = Scroll::Follow;
    app.chat.focus = Focus::Composer;
    vec![Effect::StartStream {
        req,
        provider_id: provider.id,
        request,
        key_id,
    }]
}

/// Another stored key of the current provider that this turn has not failed with yet;
/// a key whose last test passed is preferred.
pub(super) fn failover_candidate(app: &App) -> Option<(String, String)> {
    let provider = app.session.provider.as_ref()?;
    let entries = &app.key_manager.entries;
    entries
        .iter()
        .find(|e| e.provider == provider.id && e.active)?;
    entries
        .iter()
        .filter(|e| {
            e.provider == provider.id
                && !e.active
                && !app.session.failover_tried.contains(&e.id)
                && !last_tested_invalid(e)
        })
        .max_by_key(|e| {
            e.last_test
                .as_ref()
                .is_some_and(|t| t.result == crate::keystore::KeyCheck::Valid)
        })
        .map(|e| {
            let label = if e.label.is_empty() {
                String::new()
            } else {
                format!(" \"{}\"", e.label)
            };
            (e.id.clone(), format!("{}{label}", e.masked))
        })
}

fn last_tested_invalid(e: &crate::app::key_manager::KeyMeta) -> bool {
    e.last_test
        .as_ref()
        .is_some_and(|t| t.result == crate::keystore::KeyCheck::Invalid)
}

/// After a key-caused failure: offer the other key, or switch to it (failover = "auto").
/// A key whose last test said invalid is never offered, and the note says so.
fn offer_failover(app: &mut App) -> Vec<Effect> {
    let Some((id, who)) = failover_candidate(app) else {
        let skipped: Vec<String> = app
            .session
            .provider
            .as_ref()
            .map(|p| {
                app.key_manager
                    .entries
                    .iter()
                    .filter(|e| e.provider == p.id && !e.active && last_tested_invalid(e))
                    .map(|e| e.masked.clone())
                    .collect()
            })
            .unwrap_or_default();
        if !skipped.is_empty()
            && app.options.failover != crate::config::Failover::Off
            && let Some(m) = app.session.conversation.messages.last_mut()
        {
            m.notes.push(format!(
                "Not switching to {}: its last test said invalid. Test it again in the key manager (F3) if it was fixed.",
                skipped.join(", ")
            ));
            m.touch();
        }
        return Vec::new();
    };
    match app.options.failover {
        crate::config::Failover::Off => Vec::new(),
        crate::config::Failover::Auto => failover_to(app, id, &who),
        crate::config::Failover::Ask => {
            let key = app.options.keymap.key_for(Action::Failover);
            if let Some(m) = app.session.conversation.messages.last_mut() {
                m.notes.push(format!("Another key for this provider is stored ({who}): press {key} to switch to it and ask again."));
                m.touch();
            }
            app.session.failover_offer = Some(id);
            Vec::new()
        }
    }
}

/// Makes `id` the active key and asks the failed question again with it.
pub(super) fn failover_to(app: &mut App, id: String, who: &str) -> Vec<Effect> {
    if let Some(current) = app
        .key_manager
        .entries
        .iter()
        .find(|e| e.active && Some(&e.provider) == app.session.provider.as_ref().map(|p| &p.id))
    {
        app.session.failover_tried.push(current.id.clone());
    }
    app.session.failover_tried.push(id.clone());
    app.session.failover_offer = None;
    if app
        .session
        .conversation
        .messages
        .last()
        .is_some_and(|m| m.role == Role::Assistant)
    {
        app.session.conversation.messages.pop();
        app.session.conversation.clamp_cut();
    }
    app.notice = Some(Notice::info(format!(
        "Switched to the key {who} and asked again."
    )));
    let mut effects = vec![Effect::Keys(
        crate::app::key_manager::KeysEffect::Activate { id: id.clone() },
    )];
    effects.extend(start_turn_with(app, Some(id)));
    effects
}

pub(super) fn cancel(app: &mut App) -> Vec<Effect> {
    if let Some((req, index)) = app.session.active.take() {
        let msg = &mut app.session.conversation.messages[index];
        msg.state = TurnState::Cancelled;
        msg.touch();
        super::queue::give_back(app);
        return vec![Effect::AbortStream { req }];
    }
    if super::browse::abandon_edit(app) || super::browse::clear_browse(app) {
        return Vec::new();
    }
    if app.chat.focus == Focus::Conversation {
        app.chat.focus = Focus::Composer;
    }
    Vec::new()
}

pub(super) fn on_stream(app: &mut App, req: u64, event: StreamEvent) -> Vec<Effect> {
    let Some((active_req, index)) = app.session.active else {
        return Vec::new();
    };
    if req != active_req {
        return Vec::new(); // a late event of a cancelled request
    }
    app.dirty = true;
    let msg = &mut app.session.conversation.messages[index];
    msg.touch();
    if !matches!(event, StreamEvent::Retrying { .. } | StreamEvent::Usage(_)) {
        msg.retry = None;
    }
    msg.answered |= event.is_an_answer();
    match event {
        StreamEvent::Connected => msg.state = TurnState::Streaming,
        StreamEvent::Text(t) => {
            msg.state = TurnState::Streaming;
            msg.text.push_str(&t);
        }
        StreamEvent::Reasoning(r) => {
            msg.state = TurnState::Streaming;
            msg.reasoning.push_str(&r);
        }
        StreamEvent::Usage(u) => msg.usage = Some(u),
        StreamEvent::GatewayKey(spend) => {
            let provider = msg.provider_id.clone();
            app.key_manager.gateway.insert(provider, spend);
        }
        StreamEvent::Carry { api, item } => {
            let model = msg.model.clone();
            let carry = msg.carry.get_or_insert_with(|| crate::chat::Carry {
                api: api.to_string(),
                model,
                items: Vec::new(),
            });
            if carry.api == api {
                carry.items.push(item);
            }
        }
        StreamEvent::Finish(reason) => {
            if let Some(note) = reason.note() {
                msg.notes.push(note);
            }
        }
        StreamEvent::Malformed(snippet) => {
            msg.notes
                .push(format!("skipped a chunk keyturn could not read: {snippet}"));
        }
        StreamEvent::Retrying {
            attempt,
            of,
            in_secs,
            reason,
        } => {
            msg.retry = Some(format!(
                "{reason} Retrying in {in_secs}s (attempt {attempt} of {of}); Esc cancels."
            ));
        }
        StreamEvent::Done => {
            msg.state = TurnState::Done;
            app.session.active = None;
            let mut effects = super::titles::ask_title(app, index);
            effects.extend(credit_refresh(app, index));
            effects.extend(super::queue::send_queued(app));
            return effects;
        }
        StreamEvent::Error(e) => {
            let error = crate::chat::TurnError::from(&e);
            let key_problem = error.is_key_problem();
            msg.state = TurnState::Failed(error);
            app.session.active = None;
            super::queue::give_back(app);
            if key_problem {
                return offer_failover(app);
            }
        }
    }
    Vec::new()
}

/// OpenRouter's credit changes with every reply: its key is asked again (not saved), so the
/// key manager and F5 show what is left now.
fn credit_refresh(app: &App, index: usize) -> Option<Effect> {
    let m = &app.session.conversation.messages[index];
    let id = m.key_id.clone().filter(|_| m.provider_id == "openrouter")?;
    Some(Effect::Keys(crate::app::key_manager::KeysEffect::Refresh {
        id,
    }))
}
