//! The context meter, the core's side: which next request a count is of (a fingerprint of
//! everything that request would carry), the latest count, and a send that waits for the
//! count of exactly what is being sent. The counting itself runs off the loop
//! (`runtime::meter`), which sends back `Msg::Counted`.

use std::hash::{BuildHasher, Hash, Hasher};

use super::App;
use crate::estimate::Estimate;

/// A count of the next request, with the fingerprint of what was counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub key: u64,
    pub estimate: Estimate,
    /// Each message the request sends (by id, in order) with the tokens it costs (shared
    /// between the counts of one conversation: typing does not copy it).
    pub sent: std::sync::Arc<[(u64, u64)]>,
}

/// A request over its model's window, held back, with the ways out (`Overlay::Overflow`).
#[derive(Debug, Clone, PartialEq)]
pub struct OverflowOffer {
    pub estimate: Estimate,
    pub over: u64,
    /// Dropping the oldest turns; None when even dropping all of them would not fit.
    pub drop: Option<DropPlan>,
    /// Summarizing the oldest turns into a checkpoint; None when no summary would make room
    /// (or the turns to summarize would not fit the window themselves).
    pub summary: Option<SummaryPlan>,
}

/// The turns a checkpoint would stand for, and what asking for it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryPlan {
    pub turns: DropPlan,
    /// The summary request's input, and its cost at the most output it may have (None when
    /// the model is not priced).
    pub input_tokens: u64,
    pub cost: Option<crate::chat::money::Usd>,
}

/// A checkpoint being made: the summary request, and where it goes when it comes.
#[derive(Debug, Clone, PartialEq)]
pub struct Summarizing {
    pub req: u64,
    /// The index the checkpoint goes in at, and the id of the message there now (None: the
    /// end): a conversation changed meanwhile does not get it.
    pub at: usize,
    pub at_id: Option<u64>,
    pub messages: usize,
    pub model: String,
}

/// The fewest oldest turns whose leaving out makes the request fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropPlan {
    /// Requests would send messages from this index on.
    pub sent_from: usize,
    pub messages: usize,
    pub turns: usize,
    pub tokens: u64,
}

/// The smallest cut at a turn's start (a user message, or the end: the draft alone) that
/// frees `over` tokens, by the counts of `sent`.
pub fn plan_drop(
    conversation: &crate::chat::Conversation,
    sent: &[(u64, u64)],
    over: u64,
) -> Option<DropPlan> {
    let counts: std::collections::HashMap<u64, u64> = sent.iter().copied().collect();
    let tokens_of = |id: u64| counts.get(&id).copied().unwrap_or(0);
    let mut freed = 0;
    let mut messages = 0;
    let mut turns = 0;
    let start = conversation.sent_from.min(conversation.messages.len());
    for (i, m) in conversation.messages.iter().enumerate().skip(start) {
        if m.role == crate::chat::Role::User && i > start && freed >= over {
            return Some(DropPlan {
                sent_from: i,
                messages,
                turns,
                tokens: freed,
            });
        }
        freed += tokens_of(m.id);
        messages += 1;
        turns += usize::from(m.role == crate::chat::Role::User);
    }
    (freed >= over && messages > 0).then_some(DropPlan {
        sent_from: conversation.messages.len(),
        messages,
        turns,
        tokens: freed,
    })
}

#[derive(Debug, Clone, Default)]
pub struct Meter {
    /// Counting runs (the runtime started its worker); without it sends are not held.
    pub enabled: bool,
    pub reading: Option<Reading>,
    /// Enter was pressed before the count of this draft came: the send waits for it (with
    /// the budget override it was pressed with).
    pub pending_submit: Option<bool>,
    /// A checkpoint is being made; sends wait for it.
    pub summarizing: Option<Summarizing>,
}

impl Meter {
    /// The reading, when it is of the request `key` describes.
    pub fn current(&self, key: u64) -> Option<&Estimate> {
        self.reading
            .as_ref()
            .filter(|r| r.key == key)
            .map(|r| &r.estimate)
    }
}

/// A fixed hasher: the fingerprint is compared within one process only.
fn hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(0x6b65_7974).build_hasher()
}

/// The fingerprint of the next request: provider, model, system prompt, the reply's limit,
/// every message it sends (by id and version: a message's text changes only with its
/// version) and the draft. Cheap: the texts of sent messages are not hashed.
pub fn request_key(app: &App) -> u64 {
    with_draft(context_key(app), app)
}

/// The fingerprint of everything the next request sends but the draft: while it stays the
/// same, typing changes the draft alone.
pub fn context_key(app: &App) -> u64 {
    let mut h = hasher();
    if let Some(p) = &app.session.provider {
        p.id.hash(&mut h);
        p.model.hash(&mut h);
    }
    app.system_prompt().hash(&mut h);
    app.max_tokens().hash(&mut h);
    app.next_reasoning().hash(&mut h);
    for m in app.session.conversation.sent_before(app.next_request_end()) {
        (m.id, m.version).hash(&mut h);
    }
    h.finish()
}

/// The request's fingerprint from its context's and the draft.
pub fn with_draft(context: u64, app: &App) -> u64 {
    let mut h = hasher();
    context.hash(&mut h);
    for line in app.chat.composer.lines() {
        line.hash(&mut h);
    }
    for a in &app.chat.attachments {
        a.sha256.hash(&mut h);
    }
    h.finish()
}

/// How full the window is, in per cent of it (input and the reserved output), when known.
pub fn fill_percent(e: &Estimate) -> Option<u64> {
    let window = e.context_window.filter(|&w| w > 0)?;
    Some((e.input_tokens + e.reserved_output_tokens).saturating_mul(100) / window)
}

/// "1 turn", "3 turns".
pub fn turns(n: usize) -> String {
    format!("{n} turn{}", if n == 1 { "" } else { "s" })
}
