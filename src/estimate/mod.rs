//! Know before you send: how many tokens the next request is, whether it fits the model's
//! context window beside the output it reserves, and what it may cost (its input, plus its
//! output up to the most it may be), priced by the same table and the same function as the
//! usage ledger.

pub mod exact;
pub mod windows;

pub use crate::text::tokens;

use serde::Serialize;

use crate::chat::ChatRequest;
use crate::chat::money::Usd;
use crate::providers::Protocol;
use crate::usage::prices::Price;
use windows::{LimitSource, Limits};

/// The next request, counted before it is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub provider: String,
    pub model: String,
    /// The system prompt, every message sent and the chat format's overhead.
    pub input_tokens: u64,
    /// Whether `input_tokens` is the provider's tokenizer's count (false: an estimate).
    pub exact: bool,
    pub context_window: Option<u64>,
    pub max_output_tokens: Option<u64>,
    /// Where the context window came from.
    pub window_source: LimitSource,
    /// The output the request reserves (its `max_tokens`), which must fit beside the input.
    pub reserved_output_tokens: u64,
    /// The input's cost plus the output's at the most it may be; None when the model is not
    /// priced or no output limit is known.
    #[serde(rename = "estimated_cost_usd")]
    pub cost: Option<Usd>,
    /// The input's cost alone; None when the model is not priced.
    #[serde(rename = "estimated_input_cost_usd")]
    pub input_cost: Option<Usd>,
    /// Whether the model takes images (config, the provider's list, its name); null when
    /// nothing says.
    pub takes_images: Option<bool>,
}

impl Estimate {
    /// How many tokens the request is over its window (input plus reserved output), when
    /// the window is known and it is over.
    pub fn over_by(&self) -> Option<u64> {
        let window = self.context_window?;
        (self.input_tokens + self.reserved_output_tokens)
            .checked_sub(window)
            .filter(|&over| over > 0)
    }
}

/// How a model's text is counted: its public tokenizer, or the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Counter(Option<exact::Encoding>);

impl Counter {
    pub fn for_model(model: &str) -> Self {
        Self(exact::encoding_for(model))
    }

    /// Whether counts are the provider's tokenizer's.
    pub fn is_exact(self) -> bool {
        self.0.is_some()
    }

    /// The tokens of a text alone.
    pub fn text(self, text: &str) -> u64 {
        match self.0 {
            Some(encoding) => exact::count(encoding, text),
            None => tokens::estimate(text),
        }
    }

    /// The tokens a message of `text` costs in a request (the chat format's overhead too);
    /// an empty system prompt is not sent and costs nothing.
    pub fn message(self, text: &str) -> u64 {
        self.text(text) + tokens::PER_MESSAGE
    }
}

/// The tokens of a request's input: its system prompt and messages, each with the chat
/// format's overhead.
pub fn request_tokens(request: &ChatRequest) -> u64 {
    let counter = Counter::for_model(&request.model);
    let system = request
        .system
        .as_deref()
        .filter(|s| !s.is_empty())
        .map_or(0, |s| counter.message(s));
    let messages: u64 = request
        .messages
        .iter()
        .map(|m| counter.message(&m.content) + crate::chat::attachment::image_tokens(&m.images))
        .sum();
    system + messages + tokens::PER_REPLY
}

/// The `max_tokens` the request will carry: config's, or Anthropic's required default with
/// its thinking budget beside it.
pub fn reserved_output(
    protocol: Protocol,
    max_tokens: Option<u32>,
    reasoning: Option<crate::chat::Reasoning>,
) -> u64 {
    match (max_tokens, protocol) {
        (_, Protocol::Anthropic) => u64::from(crate::providers::anthropic::sent_max_tokens(
            max_tokens, reasoning,
        )),
        (Some(n), _) => u64::from(n),
        (None, _) => 0,
    }
}

/// The estimate of `request` to `provider` (its protocol) with the model's `limits` and its
/// `price`, if priced.
pub fn estimate(
    provider: &str,
    protocol: Protocol,
    request: &ChatRequest,
    limits: Limits,
    price: Option<&Price>,
) -> Estimate {
    let input_tokens = request_tokens(request);
    let exact = Counter::for_model(&request.model).is_exact();
    let reserved = reserved_output(protocol, request.max_tokens, request.reasoning);
    priced(
        Counted {
            provider,
            model: &request.model,
            input_tokens,
            exact,
            reserved,
        },
        limits,
        price,
    )
}

/// A request's count, before its limits and price are added.
pub struct Counted<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub input_tokens: u64,
    pub exact: bool,
    /// The output the request reserves (its `max_tokens`).
    pub reserved: u64,
}

/// The estimate of a counted request with the model's `limits` and its `price`, if priced.
pub fn priced(counted: Counted<'_>, limits: Limits, price: Option<&Price>) -> Estimate {
    let Counted {
        provider,
        model,
        input_tokens,
        exact,
        reserved,
    } = counted;
    // The most the reply may be: what the request asks for, else the model's limit.
    let output_max = (reserved > 0)
        .then_some(reserved)
        .or(limits.max_output_tokens);
    Estimate {
        provider: provider.to_string(),
        model: model.to_string(),
        input_tokens,
        exact,
        context_window: limits.context_window,
        max_output_tokens: limits.max_output_tokens,
        window_source: limits.source,
        reserved_output_tokens: reserved,
        cost: price
            .zip(output_max)
            .map(|(p, out)| p.cost(input_tokens, 0, out)),
        input_cost: price.map(|p| p.cost(input_tokens, 0, 0)),
        takes_images: limits.images,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::money::PerToken;
    use crate::providers::{ChatMessage, Role};

    fn request(text: &str, max_tokens: Option<u32>) -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            system: Some("Be brief.".into()),
            messages: vec![ChatMessage::new(Role::User, text)],
            temperature: None,
            max_tokens,
            reasoning: None,
        }
    }

    fn limits(context: Option<u64>, output: Option<u64>) -> Limits {
        Limits {
            context_window: context,
            max_output_tokens: output,
            source: LimitSource::Shipped,
            images: None,
        }
    }

    #[test]
    fn the_count_is_the_texts_plus_the_formats_overhead() {
        let r = request("Hello world", None);
        // "Be brief." = 3, "Hello world" = 2, two messages and the reply's primer.
        assert_eq!(
            request_tokens(&r),
            3 + 2 + 2 * tokens::PER_MESSAGE + tokens::PER_REPLY
        );
    }

    #[test]
    fn cost_is_the_ledgers_price_of_the_input_and_the_most_output() {
        let price = Price {
            provider: "p".into(),
            model: "m".into(),
            input: PerToken::from_dollars(1e-6).unwrap(),
            output: PerToken::from_dollars(2e-6).unwrap(),
            cached_input: None,
            cache_write: None,
        };
        let r = request("Hello world", Some(1000));
        let e = estimate(
            "p",
            Protocol::Openai,
            &r,
            limits(Some(100_000), Some(4096)),
            Some(&price),
        );
        assert_eq!(e.reserved_output_tokens, 1000);
        assert_eq!(e.cost, Some(price.cost(e.input_tokens, 0, 1000)));
        assert_eq!(e.input_cost, Some(price.cost(e.input_tokens, 0, 0)));
        // No max_tokens: the model's output limit bounds the cost, nothing is reserved.
        let e = estimate(
            "p",
            Protocol::Openai,
            &request("Hi", None),
            limits(None, Some(4096)),
            Some(&price),
        );
        assert_eq!(e.reserved_output_tokens, 0);
        assert_eq!(e.cost, Some(price.cost(e.input_tokens, 0, 4096)));
        // Unknown limit, unknown cost: never a made-up figure.
        let e = estimate(
            "p",
            Protocol::Openai,
            &request("Hi", None),
            limits(None, None),
            Some(&price),
        );
        assert_eq!(e.cost, None);
        assert!(e.input_cost.is_some());
        assert_eq!(
            estimate("p", Protocol::Openai, &r, limits(None, None), None).cost,
            None
        );
    }

    #[test]
    fn a_request_over_its_window_says_by_how_much() {
        let r = request(&"word ".repeat(1000), None);
        let n = request_tokens(&r);
        let e = estimate(
            "a",
            Protocol::Anthropic,
            &r,
            limits(Some(n + 4096), None),
            None,
        );
        assert_eq!(e.over_by(), None, "exactly full fits");
        let e = estimate(
            "a",
            Protocol::Anthropic,
            &r,
            limits(Some(n + 4000), None),
            None,
        );
        assert_eq!(
            e.over_by(),
            Some(96),
            "Anthropic's default max_tokens is reserved"
        );
        let e = estimate("o", Protocol::Openai, &r, limits(None, None), None);
        assert_eq!(e.over_by(), None, "an unknown window is not a refusal");
        // Thinking's budget is reserved beside the answer, as the request will carry it.
        let thinking = Some(crate::chat::Reasoning::new(crate::chat::Effort::Medium));
        assert_eq!(
            reserved_output(Protocol::Anthropic, Some(1000), thinking),
            9192
        );
        assert_eq!(
            reserved_output(Protocol::Openai, Some(1000), thinking),
            1000
        );
        assert_eq!(reserved_output(Protocol::Anthropic, None, None), 4096);
    }
}
