//! Checkpoints: the older turns of a conversation summarized by the model so the rest fits
//! its context window. The request that asks for the summary and the message that carries it.
//! Pure; the runtime sends the request, the reducer puts the checkpoint in place.

use crate::chat::Message;
use crate::providers::{ChatMessage, ChatRequest, Role};

/// The most a summary may be: its request's `max_tokens`, and what it is reckoned to take
/// of the window.
pub const SUMMARY_MAX_TOKENS: u32 = 1024;

/// How the summary request begins.
pub const INSTRUCTION: &str = "Summarize the conversation below so the summary can replace it as the context of the conversation that follows.";

/// The request for a summary of `messages` (in order) to `model`.
pub fn request(model: &str, messages: &[&Message]) -> ChatRequest {
    let mut transcript = String::new();
    for m in messages {
        let who = match m.role {
            Role::User => "User",
            Role::Assistant => "Assistant",
            Role::System => "System",
        };
        transcript.push_str(&format!("<{who}>\n{}\n</{who}>\n\n", m.text.trim()));
    }
    ChatRequest {
        model: model.to_string(),
        system: None,
        messages: vec![ChatMessage::new(
            Role::User,
            format!(
                "{INSTRUCTION} Keep every fact, decision, name, number, code identifier and \
                 open question; leave out pleasantries. Write it in the conversation's \
                 language, in at most 600 words.\n\n{transcript}"
            ),
        )],
        temperature: None,
        max_tokens: Some(SUMMARY_MAX_TOKENS),
        reasoning: None,
    }
}

/// The checkpoint's text: what it is, then the model's summary.
pub fn text(summary: &str, messages: usize, model: &str) -> String {
    format!(
        "Summary of the {messages} earlier messages of this conversation (by {model}; they are \
         above, and requests send this in their place):\n\n{}",
        summary.trim()
    )
}
