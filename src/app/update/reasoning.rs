//! The reasoning effort for the next messages: cycled from the keyboard, and what a request
//! asks (nothing of a model that does not reason, which is said once).

use super::*;
use crate::chat::{Effort, Reasoning};

/// off → low → medium → high → off; from "nothing asked", low. The budget config gives for
/// the model goes with it.
pub(super) fn cycle(app: &mut App) {
    let Some(provider) = app.session.provider.clone() else {
        app.notice = Some(Notice::info("Choose a model first (Ctrl-P)."));
        return;
    };
    let effort = app
        .session
        .reasoning
        .map_or(Effort::Low, |r| r.effort.next());
    app.session.reasoning = Some(Reasoning {
        effort,
        budget: app.options.reasoning.budget(&provider.id, &provider.model),
    });
    let text = if app.options.reasoning.reasons(&provider.model) {
        format!("Reasoning for the next messages: {}.", effort.name())
    } else {
        format!(
            "Reasoning for the next messages: {}; {} does not reason, so nothing is asked of it.",
            effort.name(),
            provider.model
        )
    };
    app.notice = Some(Notice::info(text));
}

/// What a request to `model` asks: the session's effort, or nothing for a model that does
/// not reason (the first time, a notice says so and how to say that it does).
pub(super) fn for_request(app: &mut App, model: &str) -> Option<Reasoning> {
    let asked = app.next_reasoning();
    if asked.is_none()
        && let Some(r) = app.session.reasoning.filter(|r| r.is_on())
        && !app.session.told_no_reasoning.iter().any(|m| m == model)
    {
        app.session.told_no_reasoning.push(model.to_string());
        app.notice = Some(Notice::info(format!(
            "{model} does not reason: the {} effort is not sent (if it does, set reasoning = true under [models.\"{model}\"] in config).",
            r.effort.name()
        )));
    }
    asked
}
