//! Checkpoints: the older turns summarized by the model so the conversation fits its window.
//! Offered (with its cost) when a request does not fit; asked for with `Effect::Summarize`;
//! put in place when the summary comes, and the waiting draft sent. The turns stay in the
//! transcript, the file and exports; requests send the checkpoint in their place.

use crate::app::meter::{DropPlan, Summarizing, SummaryPlan, plan_drop, turns};
use crate::app::{App, Effect, Notice};
use crate::chat::{Role, TurnState};
use crate::estimate::Estimate;
use crate::history::checkpoint::{self, SUMMARY_MAX_TOKENS};

/// What summarizing would take, for a request `over` its window by that much: enough of the
/// oldest turns that the summary in their place makes room, when their summary request
/// fits the window itself.
pub(super) fn plan(
    app: &App,
    estimate: &Estimate,
    sent: &[(u64, u64)],
    over: u64,
) -> Option<SummaryPlan> {
    let window = estimate.context_window?;
    let room = u64::from(SUMMARY_MAX_TOKENS);
    let turns = plan_drop(&app.session.conversation, sent, over + room)?;
    // The turns, the instruction and the chat format's overhead.
    let counter = crate::estimate::Counter::for_model(&estimate.model);
    let input_tokens = turns.tokens + counter.message(checkpoint::INSTRUCTION) + 64;
    if input_tokens + room > window {
        return None;
    }
    let cost = app
        .options
        .prices
        .find(&estimate.provider, &estimate.model)
        .map(|p| p.cost(input_tokens, 0, room));
    Some(SummaryPlan {
        turns,
        input_tokens,
        cost,
    })
}

/// `s` on the offer: asks for the summary of the planned turns.
pub(super) fn summarize(app: &mut App, plan: &DropPlan) -> Vec<Effect> {
    let Some(provider) = app.session.provider.clone() else {
        return Vec::new();
    };
    // A summary is a request like any other: not past a cap.
    if let crate::usage::budget::Verdict::Over(why) = app.budget_verdict() {
        app.notice = Some(Notice::error(format!(
            "No summary made: {why}. Nothing was sent; your draft is kept."
        )));
        return Vec::new();
    }
    let conv = &app.session.conversation;
    let start = conv.sent_from.min(plan.sent_from);
    let messages: Vec<&crate::chat::Message> = conv.messages[start..plan.sent_from]
        .iter()
        .filter(|m| !m.state.is_open() && (m.role == Role::User || !m.text.is_empty()))
        .collect();
    let request = checkpoint::request(&provider.model, &messages);
    let req = app.session.next_req;
    app.session.next_req += 1;
    app.meter.summarizing = Some(Summarizing {
        req,
        at: plan.sent_from,
        at_id: conv.messages.get(plan.sent_from).map(|m| m.id),
        messages: plan.messages,
        model: provider.model.clone(),
    });
    app.notice = Some(Notice::info(format!(
        "Summarizing the oldest {} with {}… your message is sent when the checkpoint is in place.",
        turns(plan.turns),
        provider.model
    )));
    vec![Effect::Summarize {
        req,
        provider_id: provider.id,
        request,
        conversation: Some(conv.id.clone()).filter(|id| !id.is_empty()),
    }]
}

/// The summary came (or did not): the checkpoint goes in and the draft is sent, or nothing
/// changes and the user is told why.
pub(super) fn on_summarized(
    app: &mut App,
    req: u64,
    summary: Result<String, String>,
) -> Vec<Effect> {
    let Some(job) = app.meter.summarizing.take_if(|j| j.req == req) else {
        return Vec::new();
    };
    app.dirty = true;
    let conv = &mut app.session.conversation;
    let unchanged =
        conv.messages.get(job.at).map(|m| m.id) == job.at_id && job.at <= conv.messages.len();
    let summary = match summary {
        Ok(text) if !text.trim().is_empty() && unchanged => text,
        Ok(_) if !unchanged => {
            app.notice = Some(Notice::error(
                "The conversation changed while it was being summarized: nothing was changed. Press Enter to try again.",
            ));
            return Vec::new();
        }
        Ok(_) => {
            app.notice = Some(Notice::error(
                "The model's summary was empty: nothing was changed and nothing was sent. Your draft is kept.",
            ));
            return Vec::new();
        }
        Err(why) => {
            app.notice = Some(Notice::error(format!(
                "Could not summarize the older turns: {why} Nothing was changed and nothing was sent; your draft is kept."
            )));
            return Vec::new();
        }
    };
    let id = app.session.fresh_msg_id();
    let conv = &mut app.session.conversation;
    conv.messages.insert(
        job.at,
        crate::chat::Message {
            checkpoint: true,
            ..crate::chat::Message::new(
                id,
                Role::User,
                checkpoint::text(&summary, job.messages, &job.model),
                TurnState::Done,
            )
        },
    );
    // The messages after it now follow it.
    conv.relink();
    if let Some(m) = conv.messages.get_mut(conv.sent_from) {
        m.touch();
    }
    conv.sent_from = job.at;
    app.notice = Some(Notice::info(format!(
        "The {} earlier messages are summarized in a checkpoint; they stay above it and in the history file.",
        job.messages
    )));
    if app.draft().trim().is_empty() {
        return Vec::new();
    }
    super::turns::submit(app)
}
