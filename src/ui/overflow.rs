//! The offer shown when the next request cannot fit its model's context window: how far over
//! it is, and each way out with what it does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::hanging::hanging;
use super::theme::Theme;
use crate::app::meter::OverflowOffer;
use crate::app::meter::turns;

/// The offer's lines at `width` (pure: tests read them).
pub fn lines(offer: &OverflowOffer, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let e = &offer.estimate;
    let approx = if e.exact { "" } else { "≈" };
    let window = e.context_window.unwrap_or_default();
    let reserved = match e.reserved_output_tokens {
        0 => String::new(),
        n => format!(" and {n} reserved for the reply"),
    };
    let mut out = hanging(
        vec![Span::raw(" ")],
        vec![Span::styled(
            format!(
                "{}'s context window is {window} tokens; this request is {approx}{} tokens of input{reserved}: {} over. Nothing was sent.",
                e.model, e.input_tokens, offer.over
            ),
            theme.base,
        )],
        width,
    );
    out.push(Line::default());
    let key = |k: &str| vec![Span::styled(format!(" {k:<4} "), theme.help_key)];
    let drop = match &offer.drop {
        Some(plan) => format!(
            "Leave out the oldest {} ({} message{}, {approx}{} tokens) and send. They stay in the transcript above a marker, in the history file and in exports.",
            turns(plan.turns),
            plan.messages,
            if plan.messages == 1 { "" } else { "s" },
            plan.tokens
        ),
        None => "Leaving out every earlier turn would not be enough: the draft alone is over. Shorten it, or choose a larger model.".to_string(),
    };
    let drop_style = if offer.drop.is_some() {
        theme.base
    } else {
        theme.hint
    };
    out.extend(hanging(
        key("d"),
        vec![Span::styled(drop, drop_style)],
        width,
    ));
    if let Some(plan) = &offer.summary {
        let cost = plan
            .cost
            .map_or("its cost unknown (no price)".to_string(), |c| {
                format!("≈ ${c}")
            });
        out.extend(hanging(
            key("s"),
            vec![Span::styled(
                format!(
                    "Summarize the oldest {} into a checkpoint and send: one request to {} of {approx}{} tokens and up to {} out, {cost}. The turns stay above it, in the history file and in exports.",
                    turns(plan.turns.turns),
                    e.model,
                    plan.input_tokens,
                    crate::history::checkpoint::SUMMARY_MAX_TOKENS,
                ),
                theme.base,
            )],
            width,
        ));
    }
    out.extend(hanging(
        key("m"),
        vec![Span::styled(
            format!(
                "Choose a model whose window holds {} tokens: the picker lists only those.",
                e.input_tokens + e.reserved_output_tokens
            ),
            theme.base,
        )],
        width,
    ));
    out.extend(hanging(
        key("Esc"),
        vec![Span::styled(
            "Keep editing; nothing is sent.".to_string(),
            theme.base,
        )],
        width,
    ));
    out
}

/// The offer in as few rows as it can be said, for a small window.
pub fn short_lines(offer: &OverflowOffer, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let e = &offer.estimate;
    let mut text = vec![format!(
        " {} over {}'s window: not sent.",
        offer.over, e.model
    )];
    if let Some(plan) = &offer.drop {
        text.push(format!(" d  leave out {}", turns(plan.turns)));
    }
    if let Some(plan) = &offer.summary {
        text.push(format!(" s  summarize {}", turns(plan.turns.turns)));
    }
    text.push(" m  a model that fits".into());
    text.push(" Esc  keep editing".into());
    text.into_iter()
        .map(|t| {
            Line::from(Span::styled(
                crate::text::wrap::truncate(&t, width),
                theme.base,
            ))
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, offer: &OverflowOffer, theme: &Theme) {
    let width = area.width.saturating_sub(4).clamp(1, 76);
    let borders = area.height >= 8 && width >= 10;
    let inner = if borders { width - 2 } else { width };
    // A column of margin on the right as on the left.
    let mut lines = lines(offer, theme, inner.saturating_sub(1) as usize);
    if lines.len() + 2 * usize::from(borders) > area.height as usize {
        lines = short_lines(offer, theme, inner as usize);
    }
    let height = (lines.len() as u16 + if borders { 2 } else { 0 }).min(area.height);
    let (rect, block) = super::dialog(
        frame,
        area,
        (width, height),
        borders,
        theme.warning,
        " This request does not fit ",
    );
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
