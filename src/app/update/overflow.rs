//! The context meter in the reducer: counts arriving, a send waiting for the count of what
//! it sends, and a request that cannot fit its window held back with the ways out, each with
//! what it costs (`Overlay::Overflow`).

use crate::app::meter::{self, OverflowOffer, Reading, turns};
use crate::app::{App, Effect, Notice, Overlay};
use crate::estimate::Estimate;

/// A count arrived; a send waiting for it goes on.
pub(super) fn on_counted(app: &mut App, reading: Reading) -> Vec<Effect> {
    if app.meter.reading.as_ref().map(|r| &r.estimate) != Some(&reading.estimate) {
        app.dirty = true;
    }
    app.meter.reading = Some(reading);
    match app.meter.pending_submit {
        Some(budget_override) if app.meter.current(meter::request_key(app)).is_some() => {
            app.meter.pending_submit = None;
            app.session.budget_override = budget_override;
            super::turns::submit(app)
        }
        _ => Vec::new(),
    }
}

/// What a send must wait for or be stopped by, when the meter runs: Err(effects) when it
/// does not go now (it waits for the count, or it is over the window), Ok(the estimate).
pub(super) fn before_send(app: &mut App) -> Result<Option<Estimate>, Vec<Effect>> {
    if !app.meter.enabled {
        return Ok(None);
    }
    let key = meter::request_key(app);
    let Some(estimate) = app.meter.current(key).cloned() else {
        app.meter.pending_submit = Some(app.session.budget_override);
        return Err(Vec::new());
    };
    let sent = app
        .meter
        .reading
        .as_ref()
        .map(|r| r.sent.clone())
        .unwrap_or_else(|| std::sync::Arc::new([]));
    if let Some(effects) = auto_fit(app, &estimate, &sent) {
        return Err(effects);
    }
    if let Some(over) = estimate.over_by() {
        let drop = meter::plan_drop(&app.session.conversation, &sent, over);
        let summary = super::checkpoint::plan(app, &estimate, &sent, over);
        app.overlay = Some(Overlay::Overflow(Box::new(OverflowOffer {
            estimate,
            over,
            drop,
            summary,
        })));
        app.dirty = true;
        return Err(Vec::new());
    }
    Ok(Some(estimate))
}

/// `[context] auto`: past the threshold, the oldest turns are left out or summarized without
/// asking (said in a notice, marked in the transcript). None when it does nothing.
fn auto_fit(app: &mut App, estimate: &Estimate, sent: &[(u64, u64)]) -> Option<Vec<Effect>> {
    use crate::config::AutoFit;
    let window = estimate.context_window?;
    let limit = (window as f64 * app.options.fit_threshold) as u64;
    let excess = (estimate.input_tokens + estimate.reserved_output_tokens).checked_sub(limit)?;
    if excess == 0 {
        return None;
    }
    let at = (app.options.fit_threshold * 100.0).round();
    match app.options.auto_fit {
        AutoFit::Off => None,
        AutoFit::Drop => {
            let plan = meter::plan_drop(&app.session.conversation, sent, excess)?;
            leave_out(app, &plan);
            app.notice = Some(Notice::info(format!(
                "Past {at}% of the window ([context] auto = \"drop\"): left out the oldest {} ({} messages); they stay above the marker.",
                turns(plan.turns),
                plan.messages
            )));
            // Sent once the shorter request is counted.
            app.meter.pending_submit = Some(app.session.budget_override);
            Some(Vec::new())
        }
        AutoFit::Summarize => {
            let plan = super::checkpoint::plan(app, estimate, sent, excess)?;
            let effects = super::checkpoint::summarize(app, &plan.turns);
            if let Some(n) = app.notice.as_mut() {
                n.text = format!(
                    "Past {at}% of the window ([context] auto = \"summarize\"): {}",
                    n.text
                );
            }
            Some(effects)
        }
    }
}

/// Requests send from the plan's cut on; the marker moves there.
fn leave_out(app: &mut App, plan: &meter::DropPlan) {
    let conv = &mut app.session.conversation;
    // The marker moves: both messages are drawn again.
    for i in [conv.sent_from, plan.sent_from] {
        if let Some(m) = conv.messages.get_mut(i) {
            m.touch();
        }
    }
    conv.sent_from = plan.sent_from;
}

/// A key while the overflow offer is open: `d` drops the oldest turns and sends, `m` opens
/// the picker on the models that fit, anything else closes it (nothing is sent).
pub(super) fn on_key(
    app: &mut App,
    offer: OverflowOffer,
    code: crossterm::event::KeyCode,
) -> Vec<Effect> {
    use crossterm::event::KeyCode;
    app.overlay = None;
    app.dirty = true;
    match code {
        KeyCode::Char('d') => match offer.drop {
            Some(plan) => {
                leave_out(app, &plan);
                app.notice = Some(Notice::info(format!(
                    "Left out the oldest {} ({} message{}, ≈{} tokens): they stay above the marker and in the history file.",
                    turns(plan.turns),
                    plan.messages,
                    if plan.messages == 1 { "" } else { "s" },
                    plan.tokens
                )));
                super::turns::submit(app)
            }
            None => Vec::new(),
        },
        KeyCode::Char('s') => match offer.summary {
            Some(plan) => super::checkpoint::summarize(app, &plan.turns),
            None => Vec::new(),
        },
        KeyCode::Char('m') => {
            let needs = offer.estimate.input_tokens + offer.estimate.reserved_output_tokens;
            super::open_picker_fitting(app, needs)
        }
        _ => Vec::new(),
    }
}
