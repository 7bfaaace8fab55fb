//! Reasoning effort as each API is asked for it, through `wire::chat` (the path every request
//! takes): the URL it goes to and the body it carries.

use keyturn::chat::{Carry, ChatRequest, Effort, Reasoning};
use keyturn::providers::wire::chat;
use keyturn::providers::{Api, ChatMessage, Endpoint, Protocol, Role};
use keyturn::text::redact::Redactor;
use serde_json::{Value, json};

fn endpoint(id: &str, protocol: Protocol, base_url: &str) -> Endpoint {
    super::endpoint(id, protocol, base_url, Api::Auto)
}

fn request(model: &str, effort: Option<Effort>) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        system: None,
        messages: vec![ChatMessage::new(Role::User, "27 * 453?")],
        temperature: Some(0.3),
        max_tokens: Some(1000),
        reasoning: effort.map(Reasoning::new),
    }
}

fn send(ep: &Endpoint, req: &ChatRequest) -> (String, Value) {
    let (wire, _) = chat(ep, req, None, &Redactor::new()).unwrap();
    (wire.url, wire.body)
}

#[test]
fn openai_reasoning_models_go_to_the_responses_api_with_effort_and_summaries() {
    let openai = endpoint("openai", Protocol::Openai, "https://api.openai.com/v1");
    let (url, body) = send(&openai, &request("o4-mini", Some(Effort::Medium)));
    assert_eq!(url, "https://api.openai.com/v1/responses");
    assert_eq!(
        body["reasoning"],
        json!({"effort": "medium", "summary": "auto"})
    );
    assert_eq!(body["store"], false);
    // Off: GPT-5 can nearly stop; the o-series has no off, so nothing is asked.
    let (_, body) = send(&openai, &request("gpt-5", Some(Effort::Off)));
    assert_eq!(body["reasoning"], json!({"effort": "minimal"}));
    let (_, body) = send(&openai, &request("o3", Some(Effort::Off)));
    assert!(body.get("reasoning").is_none());
    // Models that do not reason stay on Chat Completions, as do compatible servers.
    let (url, _) = send(&openai, &request("gpt-4.1", None));
    assert!(url.ends_with("/chat/completions"));
    let local = endpoint("vllm", Protocol::Openai, "http://127.0.0.1:8000/v1");
    let (url, body) = send(&local, &request("o4-mini", Some(Effort::High)));
    assert!(url.ends_with("/chat/completions"));
    assert_eq!(body["reasoning_effort"], "high");
    assert_eq!(body["max_completion_tokens"], 1000);
    assert!(body.get("max_tokens").is_none());
    // `api` in config decides when it is set.
    let mut chat_only = openai.clone();
    chat_only.api = Api::Chat;
    assert!(
        send(&chat_only, &request("o4-mini", None))
            .0
            .ends_with("/chat/completions")
    );
    let mut responses = local.clone();
    responses.api = Api::Responses;
    assert!(
        send(&responses, &request("llama", None))
            .0
            .ends_with("/responses")
    );
}

#[test]
fn openrouter_gets_its_reasoning_object_with_the_budget_when_one_is_set() {
    let or = endpoint(
        "openrouter",
        Protocol::Openai,
        "https://openrouter.ai/api/v1",
    );
    let (_, body) = send(
        &or,
        &request("anthropic/claude-sonnet-4.5", Some(Effort::Low)),
    );
    assert_eq!(body["reasoning"], json!({"effort": "low"}));
    assert!(body.get("reasoning_effort").is_none());
    assert_eq!(body["max_tokens"], 1000);
    let mut req = request("deepseek/deepseek-r1", Some(Effort::High));
    req.reasoning = Some(Reasoning {
        effort: Effort::High,
        budget: Some(3000),
    });
    assert_eq!(send(&or, &req).1["reasoning"], json!({"max_tokens": 3000}));
    let (_, body) = send(&or, &request("openai/o3", Some(Effort::Off)));
    assert_eq!(body["reasoning"], json!({"effort": "none"}));
    // Nothing asked: nothing sent.
    let (_, body) = send(&or, &request("openai/o3", None));
    assert!(body.get("reasoning").is_none());
}

#[test]
fn anthropic_thinking_raises_max_tokens_drops_temperature_and_returns_signed_blocks() {
    let anthropic = endpoint(
        "anthropic",
        Protocol::Anthropic,
        "https://api.anthropic.com/v1",
    );
    let (_, body) = send(&anthropic, &request("claude-sonnet-4-5", None));
    assert!(body.get("thinking").is_none());
    assert_eq!(body["temperature"], 0.3);
    assert_eq!(body["max_tokens"], 1000);
    let (_, body) = send(
        &anthropic,
        &request("claude-sonnet-4-5", Some(Effort::Medium)),
    );
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 8192})
    );
    assert_eq!(
        body["max_tokens"], 9192,
        "the answer keeps its 1,000 tokens"
    );
    assert!(
        body.get("temperature").is_none(),
        "thinking refuses a temperature"
    );
    // A budget under Anthropic's least is raised to it.
    let mut req = request("claude-sonnet-4-5", None);
    req.reasoning = Some(Reasoning {
        effort: Effort::Low,
        budget: Some(100),
    });
    assert_eq!(send(&anthropic, &req).1["thinking"]["budget_tokens"], 1024);
    // The signed thinking of an earlier answer goes back before its text, to the same
    // model, while thinking is on.
    let block = json!({"type": "thinking", "thinking": "27*453…", "signature": "EqQB"});
    let mut answer = ChatMessage::new(Role::Assistant, "12,231");
    answer.carry = Some(Carry {
        api: "anthropic".into(),
        model: "claude-sonnet-4-5".into(),
        items: vec![block.clone()],
    });
    let mut req = request("claude-sonnet-4-5", Some(Effort::Low));
    req.messages.push(answer);
    req.messages
        .push(ChatMessage::new(Role::User, "and 28 * 453?"));
    let (_, body) = send(&anthropic, &req);
    assert_eq!(
        body["messages"][1]["content"],
        json!([block, {"type": "text", "text": "12,231"}])
    );
    req.model = "claude-opus-4-1".into();
    assert_eq!(send(&anthropic, &req).1["messages"][1]["content"], "12,231");
    req.model = "claude-sonnet-4-5".into();
    req.reasoning = None;
    assert_eq!(send(&anthropic, &req).1["messages"][1]["content"], "12,231");
}

#[test]
fn gemini_thinking_config_carries_the_budget_and_off_where_the_model_allows_it() {
    let gemini = endpoint(
        "gemini",
        Protocol::Gemini,
        "https://generativelanguage.googleapis.com/v1beta",
    );
    let (_, body) = send(&gemini, &request("gemini-2.5-flash", Some(Effort::High)));
    assert_eq!(
        body["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 24576, "includeThoughts": true})
    );
    let (_, body) = send(&gemini, &request("gemini-2.5-flash", Some(Effort::Off)));
    assert_eq!(
        body["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 0})
    );
    // 2.5 Pro cannot stop thinking: nothing is asked.
    let (_, body) = send(&gemini, &request("gemini-2.5-pro", Some(Effort::Off)));
    assert!(body["generationConfig"].get("thinkingConfig").is_none());
    let (_, body) = send(&gemini, &request("gemini-2.5-flash", None));
    assert!(body["generationConfig"].get("thinkingConfig").is_none());
}
