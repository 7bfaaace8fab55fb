//! The local count against what OpenAI's API reported for the same messages: within 2 %
//! (the bar), and in practice exact.

use keyturn::chat::ChatRequest;
use keyturn::estimate::{Counter, request_tokens};
use keyturn::providers::{ChatMessage, Role};

#[test]
fn openai_counts_are_within_two_percent_of_the_reported_prompt_tokens() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tokens/openai_prompt_tokens.json"
    );
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let messages = fixture["messages"].as_array().unwrap();
    let reported = fixture["reported"].as_object().unwrap();
    assert!(!reported.is_empty());
    for (model, tokens) in reported {
        let tokens = tokens.as_u64().unwrap();
        let counter = Counter::for_model(model);
        assert!(counter.is_exact(), "{model} has a public tokenizer");
        // keyturn sends one system prompt and user/assistant turns; the fixture's first
        // message is the system prompt, the others are sent as turns.
        let request = ChatRequest {
            model: model.clone(),
            system: messages[0]["content"].as_str().map(String::from),
            messages: messages[1..]
                .iter()
                .map(|m| ChatMessage::new(Role::User, m["content"].as_str().unwrap().to_string()))
                .collect(),
            temperature: None,
            max_tokens: None,
            reasoning: None,
        };
        // The cookbook's messages carry a `name` the API counts too (its tokens and one
        // more); keyturn sends none, so they are added here as the API counts them.
        let names: u64 = messages
            .iter()
            .filter_map(|m| m["name"].as_str())
            .map(|n| counter.text(n) + 1)
            .sum();
        let counted = request_tokens(&request) + names;
        let off = counted.abs_diff(tokens) as f64 / tokens as f64;
        assert!(
            off <= 0.02,
            "{model}: counted {counted}, the API reported {tokens}"
        );
        assert_eq!(counted, tokens, "{model}: exact, in fact");
    }
}

#[test]
fn other_models_are_estimated_and_say_so() {
    let counter = Counter::for_model("claude-sonnet-4-5");
    assert!(!counter.is_exact());
    assert_eq!(
        counter.text("Hello world"),
        keyturn::estimate::tokens::estimate("Hello world")
    );
}
