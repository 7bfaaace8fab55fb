//! What a gateway says about a request in its response headers: a LiteLLM proxy's cost of the
//! request (`x-litellm-response-cost`, which wins in the ledger as OpenRouter's own cost does)
//! and its virtual key's spend and budget (`x-litellm-key-spend`, `x-litellm-key-max-budget`).

use reqwest::header::HeaderMap;

use crate::chat::money::Usd;

/// A gateway key's spend and budget, as its last answer said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeySpend {
    pub spend: Usd,
    /// None: the key has no budget.
    pub max_budget: Option<Usd>,
}

/// The figures of one answer's headers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    pub cost: Option<Usd>,
    pub key: Option<KeySpend>,
}

fn dollars(headers: &HeaderMap, name: &str) -> Option<Usd> {
    let text = headers.get(name)?.to_str().ok()?.trim();
    let value: f64 = text.parse().ok()?;
    Usd::from_dollars(value).filter(|u| *u >= Usd::ZERO)
}

pub fn figures(headers: &HeaderMap) -> Figures {
    Figures {
        cost: dollars(headers, "x-litellm-response-cost"),
        key: dollars(headers, "x-litellm-key-spend").map(|spend| KeySpend {
            spend,
            max_budget: dollars(headers, "x-litellm-key-max-budget"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn litellm_headers_give_the_cost_and_the_keys_spend() {
        let mut h = HeaderMap::new();
        assert_eq!(figures(&h), Figures::default());
        h.insert("x-litellm-response-cost", "0.00042".parse().unwrap());
        h.insert("x-litellm-key-spend", "12.5".parse().unwrap());
        h.insert("x-litellm-key-max-budget", "50".parse().unwrap());
        let f = figures(&h);
        assert_eq!(f.cost, Usd::parse("0.00042"));
        assert_eq!(
            f.key,
            Some(KeySpend {
                spend: Usd::parse("12.5").unwrap(),
                max_budget: Usd::parse("50"),
            })
        );
        // Nonsense and negative figures are not figures.
        h.insert("x-litellm-response-cost", "-1".parse().unwrap());
        h.insert("x-litellm-key-max-budget", "none".parse().unwrap());
        let f = figures(&h);
        assert_eq!(f.cost, None);
        assert_eq!(f.key.unwrap().max_budget, None);
    }
}
