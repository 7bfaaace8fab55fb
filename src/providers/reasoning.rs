//! Which models reason, and how each API is asked for reasoning: OpenAI's
//! `reasoning_effort` (Chat Completions) and `reasoning` object (Responses), OpenRouter's
//! `reasoning`, Anthropic's `thinking`, Gemini's `thinkingConfig`. Pure.

use serde_json::{Value, json};

use super::{ChatRequest, Effort, Reasoning};

/// The model's own name, without a gateway's `vendor/` prefix, in lower case.
fn bare(model: &str) -> String {
    model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase()
}

/// Whether `model` is known to reason (by its name; config's `[models."<id>"] reasoning`
/// overrides this). OpenAI o-series, GPT-5 and gpt-oss; Claude 3.7 Sonnet and Claude 4;
/// Gemini 2.5 and later; DeepSeek R1; Grok 3 Mini and Grok 4; Qwen3, QwQ, Magistral.
pub fn reasons(model: &str) -> bool {
    let m = bare(model);
    if m.contains("non-reasoning") || m.contains("chat-latest") || m.starts_with("gpt-5-chat") {
        return false;
    }
    let o_series = ["o1", "o3", "o4"]
        .iter()
        .any(|p| m == *p || m.starts_with(&format!("{p}-")));
    o_series
        || m.starts_with("gpt-5")
        || m.starts_with("gpt-oss")
        || m.contains("claude-3-7")
        || m.contains("claude-opus-4")
        || m.contains("claude-sonnet-4")
        || m.contains("claude-haiku-4")
        || m.contains("claude-4")
        || m.starts_with("gemini-2.5")
        || m.starts_with("gemini-3")
        || m.contains("thinking")
        || m.contains("deepseek-reasoner")
        || m.contains("deepseek-r1")
        || m.starts_with("grok-3-mini")
        || m.starts_with("grok-4")
        || m.starts_with("qwq")
        || m.starts_with("qwen3")
        || m.starts_with("magistral")
        || m.contains("reasoning")
}

/// OpenAI's own reasoning models, which take `reasoning_effort` and refuse `max_tokens`.
pub fn is_openai_reasoning(model: &str) -> bool {
    let m = bare(model);
    reasons(&m) && (m.starts_with('o') || m.starts_with("gpt-5"))
}

/// GPT-5 can nearly stop reasoning ("minimal"); the o-series cannot.
fn openai_least_effort(model: &str) -> Option<&'static str> {
    bare(model).starts_with("gpt-5").then_some("minimal")
}

/// Gemini 2.5 Pro cannot turn thinking off (its least budget is 128); Flash can (0).
fn gemini_can_turn_off(model: &str) -> bool {
    !bare(model).contains("pro")
}

/// Chat Completions: `reasoning_effort` for OpenAI-style servers, OpenRouter's `reasoning`
/// object (with the explicit budget when there is one) for OpenRouter.
pub fn apply_chat(body: &mut Value, req: &ChatRequest, openrouter: bool) {
    let Some(r) = req.reasoning else { return };
    if openrouter {
        body["reasoning"] = match (r.effort, r.budget) {
            (Effort::Off, _) => json!({"effort": "none"}),
            (_, Some(n)) => json!({"max_tokens": n}),
            (e, None) => json!({"effort": e.name()}),
        };
        return;
    }
    let effort = match r.effort {
        Effort::Off => openai_least_effort(&req.model),
        e => Some(e.name()),
    };
    if let Some(e) = effort {
        body["reasoning_effort"] = json!(e);
    }
}

/// Responses: `reasoning: {effort, summary: "auto"}` (summaries are the only reasoning the
/// API shows), and the encrypted reasoning items asked back so later turns can carry them.
pub fn apply_responses(body: &mut Value, req: &ChatRequest) {
    if reasons(&req.model) {
        body["include"] = json!(["reasoning.encrypted_content"]);
    }
    let Some(r) = req.reasoning else { return };
    match r.effort {
        Effort::Off => {
            if let Some(e) = openai_least_effort(&req.model) {
                body["reasoning"] = json!({"effort": e});
            }
        }
        e => body["reasoning"] = json!({"effort": e.name(), "summary": "auto"}),
    }
}

/// Anthropic: `thinking` with its budget (at least Anthropic's 1,024), `max_tokens` raised
/// so the answer still has the room it had, and no `temperature` (thinking refuses one).
pub fn apply_anthropic(body: &mut Value, req: &ChatRequest) {
    let Some(r) = req.reasoning.filter(|r| r.is_on()) else {
        return;
    };
    body["thinking"] = json!({"type": "enabled", "budget_tokens": anthropic_budget(r)});
    body["max_tokens"] = json!(super::anthropic::sent_max_tokens(req.max_tokens, Some(r)));
    if let Some(map) = body.as_object_mut() {
        map.remove("temperature");
    }
}

/// Anthropic's thinking budget: at least its least, 1,024.
pub fn anthropic_budget(r: Reasoning) -> u32 {
    r.budget_tokens().max(1024)
}

/// Gemini: `thinkingConfig` with the budget and the thoughts included; off is a budget of
/// 0 where the model allows it.
pub fn gemini_thinking(req: &ChatRequest) -> Option<Value> {
    let r: Reasoning = req.reasoning?;
    if r.is_on() {
        Some(json!({"thinkingBudget": r.budget_tokens(), "includeThoughts": true}))
    } else if gemini_can_turn_off(&req.model) {
        Some(json!({"thinkingBudget": 0}))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_models_are_told_from_the_others_by_name() {
        for m in [
            "o3",
            "o4-mini",
            "gpt-5",
            "gpt-5-mini",
            "openai/gpt-oss-120b",
            "claude-sonnet-4-5",
            "claude-3-7-sonnet-latest",
            "anthropic/claude-opus-4.1",
            "gemini-2.5-flash",
            "models/gemini-2.5-pro",
            "deepseek-reasoner",
            "deepseek/deepseek-r1",
            "grok-3-mini",
            "grok-4",
            "qwen/qwen3-32b",
            "magistral-medium-latest",
        ] {
            assert!(reasons(m), "{m} reasons");
        }
        for m in [
            "gpt-4o",
            "gpt-4.1-mini",
            "gpt-5-chat-latest",
            "claude-3-5-haiku",
            "gemini-2.0-flash",
            "deepseek-chat",
            "grok-4-fast-non-reasoning",
            "llama-3.3-70b-versatile",
            "mistral-small-latest",
            "mock-model",
        ] {
            assert!(!reasons(m), "{m} does not reason");
        }
        assert!(is_openai_reasoning("o4-mini") && is_openai_reasoning("gpt-5"));
        assert!(!is_openai_reasoning("deepseek-reasoner") && !is_openai_reasoning("gpt-4o"));
    }
}
