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
    if let Some(over) = estimate.over_by() {
        let sent = app
            .meter
            .reading
            .as_ref()
            .map(|r| r.sent.clone())
            .unwrap_or_else(|| std::sync::Arc::new([]));
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
                let conv = &mut app.session.conversation;
                // The marker moves: both messages are drawn again.
                for i in [conv.sent_from, plan.sent_from] {
                    if let Some(m) = conv.messages.get_mut(i) {
                        m.touch();
                    }
                }
                conv.sent_from = plan.sent_from;
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
