//! Exact counts for OpenAI's models: their public byte-pair tables (o200k, cl100k), carried
//! in the binary by tiktoken-rs. A table is built the first time a model that uses it is
//! counted (a few hundred milliseconds and tens of megabytes), never for other providers'
//! models, so keyturn's start-up and a session with another provider pay nothing for it.

use tiktoken_rs::tokenizer::{Tokenizer, get_tokenizer};

/// A public tokenizer keyturn counts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    O200k,
    O200kHarmony,
    Cl100k,
}

/// The encoding of an OpenAI model, by its name as OpenAI, OpenRouter (`openai/…`) or a
/// gateway spells it. Other models have none: their counts are estimates.
pub fn encoding_for(model: &str) -> Option<Encoding> {
    let name = model.rsplit('/').next().unwrap_or(model);
    match get_tokenizer(name)? {
        Tokenizer::O200kBase => Some(Encoding::O200k),
        Tokenizer::O200kHarmony => Some(Encoding::O200kHarmony),
        Tokenizer::Cl100kBase => Some(Encoding::Cl100k),
        // Older completion models: not chat models keyturn talks to.
        _ => None,
    }
}

/// The number of tokens `text` is in `encoding` (special tokens' names count as text, as the
/// API counts a user's text).
pub fn count(encoding: Encoding, text: &str) -> u64 {
    let bpe = match encoding {
        Encoding::O200k => tiktoken_rs::o200k_base_singleton(),
        Encoding::O200kHarmony => tiktoken_rs::o200k_harmony_singleton(),
        Encoding::Cl100k => tiktoken_rs::cl100k_base_singleton(),
    };
    bpe.count_ordinary(text) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_models_have_their_encodings_and_others_none() {
        assert_eq!(encoding_for("gpt-4o"), Some(Encoding::O200k));
        assert_eq!(encoding_for("gpt-5-mini"), Some(Encoding::O200k));
        assert_eq!(encoding_for("o3-mini"), Some(Encoding::O200k));
        assert_eq!(encoding_for("openai/gpt-4.1"), Some(Encoding::O200k));
        assert_eq!(encoding_for("gpt-4"), Some(Encoding::Cl100k));
        assert_eq!(encoding_for("gpt-3.5-turbo"), Some(Encoding::Cl100k));
        assert_eq!(encoding_for("claude-sonnet-4-5"), None);
        assert_eq!(encoding_for("mock-model"), None);
        assert_eq!(encoding_for("llama-3.3-70b-versatile"), None);
    }

    #[test]
    fn counts_are_the_tables() {
        // tiktoken's own examples.
        assert_eq!(count(Encoding::Cl100k, "tiktoken is great!"), 6);
        assert_eq!(count(Encoding::O200k, "hello world"), 2);
        assert_eq!(count(Encoding::O200k, ""), 0);
    }
}
