//! Live model lists: each protocol's list call, followed across pages, reduced to chat models,
//! with context window and price when the provider says. Parsing is pure (fixtures test it).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::Timeouts;
use super::{Endpoint, Protocol, ProviderError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    /// Context window in tokens, when known.
    pub context: Option<u64>,
    /// The most tokens one reply may have, when the list says.
    #[serde(default)]
    pub max_output: Option<u64>,
    /// USD per million input / output tokens, when the list says.
    pub price_in: Option<f64>,
    pub price_out: Option<f64>,
    /// Whether it takes images, when the list says (OpenRouter's input modalities,
    /// Mistral's capabilities, a LiteLLM gateway's supports_vision).
    #[serde(default)]
    pub images: Option<bool>,
}

impl ModelInfo {
    pub fn bare(id: &str) -> Self {
        Self {
            id: id.to_string(),
            context: None,
            max_output: None,
            price_in: None,
            price_out: None,
            images: None,
        }
    }
}

/// Words in model ids that are not chat models (embeddings, speech, images, moderation).
const NOT_CHAT: &[&str] = &[
    "embed",
    "whisper",
    "tts",
    "dall-e",
    "davinci",
    "babbage",
    "moderation",
    "transcribe",
    "image",
    "audio",
    "realtime",
    "rerank",
    "guard",
    "-search-",
];

fn is_chat_id(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    !NOT_CHAT.iter().any(|w| lower.contains(w))
}

/// One page of a list: the chat models on it and the cursor of the next page, if any.
pub struct Page {
    pub models: Vec<ModelInfo>,
    pub next: Option<String>,
}

fn per_million(v: &Value) -> Option<f64> {
    let per_token = match v {
        Value::String(s) => s.parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    (per_token >= 0.0).then_some(per_token * 1e6)
}

/// OpenAI-compatible lists (`{"data": [...]}` or a bare array as Together sends), with
/// OpenRouter's `context_length`/`pricing`/`top_provider.max_completion_tokens`, Groq's
/// `context_window`/`max_completion_tokens`, Mistral's `max_context_length`, Together's `type`.
pub fn parse_openai(body: &Value) -> Page {
    let items = body["data"]
        .as_array()
        .or_else(|| body.as_array())
        .cloned()
        .unwrap_or_default();
    let models = items
        .iter()
        .filter(|m| {
            m["type"]
                .as_str()
                .is_none_or(|t| t == "chat" || t == "language")
        })
        .filter_map(|m| {
            let id = m["id"].as_str()?;
            is_chat_id(id).then(|| ModelInfo {
                id: id.to_string(),
                context: m["context_length"]
                    .as_u64()
                    .or_else(|| m["context_window"].as_u64())
                    .or_else(|| m["max_context_length"].as_u64()),
                max_output: m["top_provider"]["max_completion_tokens"]
                    .as_u64()
                    .or_else(|| m["max_completion_tokens"].as_u64()),
                price_in: per_million(&m["pricing"]["prompt"])
                    .or_else(|| per_million(&m["pricing"]["input"])),
                price_out: per_million(&m["pricing"]["completion"])
                    .or_else(|| per_million(&m["pricing"]["output"])),
                images: m["architecture"]["input_modalities"]
                    .as_array()
                    .map(|a| a.iter().any(|x| x == "image"))
                    .or_else(|| m["capabilities"]["vision"].as_bool())
                    .or_else(|| m["supports_vision"].as_bool()),
            })
        })
        .collect();
    Page { models, next: None }
}

pub fn parse_anthropic(body: &Value) -> Page {
    let models = body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["id"].as_str().map(ModelInfo::bare))
        .collect();
    let next = (body["has_more"].as_bool() == Some(true))
        .then(|| body["last_id"].as_str().map(str::to_string))
        .flatten();
    Page { models, next }
}

/// Gemini: only models that support `generateContent`; the `models/` prefix is stripped.
pub fn parse_gemini(body: &Value) -> Page {
    let models = body["models"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            m["supportedGenerationMethods"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "generateContent"))
        })
        .filter_map(|m| {
            let name = m["name"].as_str()?;
            let id = super::gemini::bare_model(name);
            is_chat_id(id).then(|| ModelInfo {
                context: m["inputTokenLimit"].as_u64(),
                max_output: m["outputTokenLimit"].as_u64(),
                ..ModelInfo::bare(id)
            })
        })
        .collect();
    Page {
        models,
        next: body["nextPageToken"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    }
}

fn page_url(endpoint: &Endpoint, cursor: Option<&str>) -> String {
    let base = endpoint.base_url.trim_end_matches('/');
    match (endpoint.protocol, cursor) {
        (Protocol::Anthropic, None) => format!("{base}/models?limit=1000"),
        (Protocol::Anthropic, Some(c)) => format!("{base}/models?limit=1000&after_id={c}"),
        (Protocol::Gemini, None) => format!("{base}/models?pageSize=1000"),
        (Protocol::Gemini, Some(c)) => format!("{base}/models?pageSize=1000&pageToken={c}"),
        (Protocol::Openai, _) => format!("{base}/models"),
    }
}

/// A LiteLLM gateway's `/model/info`: each model's input and output limits and prices,
/// filled into the list where it said nothing of them.
pub fn merge_litellm_info(models: &mut [ModelInfo], info: &Value) {
    for entry in info["data"].as_array().into_iter().flatten() {
        let Some(name) = entry["model_name"].as_str() else {
            continue;
        };
        let m_info = &entry["model_info"];
        for m in models.iter_mut().filter(|m| m.id == name) {
            m.context = m.context.or_else(|| m_info["max_input_tokens"].as_u64());
            m.max_output = m
                .max_output
                .or_else(|| m_info["max_output_tokens"].as_u64());
            m.price_in = m
                .price_in
                .or_else(|| per_million(&m_info["input_cost_per_token"]));
            m.price_out = m
                .price_out
                .or_else(|| per_million(&m_info["output_cost_per_token"]));
        }
    }
}

/// Fetches every page (up to 20) of a provider's chat models; for an OpenAI-compatible
/// server of the user's own (a LiteLLM gateway, say), its `/model/info` too when it has one.
pub async fn fetch(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    key: Option<&SecretString>,
    timeouts: Timeouts,
) -> Result<Vec<ModelInfo>, ProviderError> {
    let redactor = super::call::redactor(key);
    let mut models = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let url = page_url(endpoint, cursor.as_deref());
        let value =
            super::call::json(client, endpoint, url, None, key, timeouts, &redactor).await?;
        let page = match endpoint.protocol {
            Protocol::Openai => parse_openai(&value),
            Protocol::Anthropic => parse_anthropic(&value),
            Protocol::Gemini => parse_gemini(&value),
        };
        models.extend(page.models);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if endpoint.protocol == Protocol::Openai && super::catalog::builtin(&endpoint.id).is_none() {
        let url = format!("{}/model/info", endpoint.base_url.trim_end_matches('/'));
        // Best effort: a server that is not a gateway answers 404 and nothing changes.
        if let Ok(info) =
            super::call::json(client, endpoint, url, None, key, timeouts, &redactor).await
        {
            merge_litellm_info(&mut models, &info);
        }
    }
    // Ids are shown, cached, sent back and printed: nothing hostile survives their arrival.
    for m in &mut models {
        m.id = crate::text::sanitize::sanitize_name(&m.id);
    }
    models.retain(|m| !m.id.is_empty());
    models.sort_by(|a, b| a.id.cmp(&b.id));
    models.dedup_by(|a, b| a.id == b.id);
    Ok(models)
}

/// How well a picker query matches a model, lower is better; None when it does not. The
/// model's own id counts first (exact, then prefix, then a substring, then fuzzy), and only
/// then a fuzzy match across "provider model": typing `thin` finds `demo-thinking` before
/// `anthropic claude-sonnet` (whose letters happen to spell it across the two).
pub fn match_rank(query: &str, provider: &str, model: &str) -> Option<(u8, usize)> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Some((0, 0));
    }
    let m = model.to_lowercase();
    if !q.contains(char::is_whitespace) {
        if m == q {
            return Some((0, 0));
        }
        if m.starts_with(&q) {
            return Some((1, m.len()));
        }
        // After the last "/" too: "llama" is a prefix of "meta-llama/llama-3".
        if let Some(at) = m.find(&q) {
            let word_start = at == 0 || !m.as_bytes()[at - 1].is_ascii_alphanumeric();
            return Some((if word_start { 2 } else { 3 }, at));
        }
        if let Some(s) = fuzzy_score(&q, &m) {
            return Some((4, s));
        }
    }
    fuzzy_score(&q, &format!("{provider} {m}")).map(|s| (5, s))
}

/// Fuzzy match: every character of `query` appears in `text` in order (case-insensitive).
/// Lower scores are better: gaps and a late start cost; None when it does not match.
pub fn fuzzy_score(query: &str, text: &str) -> Option<usize> {
    if query.is_empty() {
        return Some(0);
    }
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut pos = 0;
    let mut first = None;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text[pos..].iter().position(|&c| c == q)?;
        first.get_or_insert(pos + found);
        score += found;
        pos += found + 1;
    }
    Some(score * 2 + first.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_prefers_tight_early_matches() {
        assert!(fuzzy_score("4om", "gpt-4o-mini").is_some());
        assert_eq!(fuzzy_score("xyz", "gpt-4o-mini"), None);
        assert!(
            fuzzy_score("son", "claude-sonnet-4-5") < fuzzy_score("son", "some-other-model-name")
        );
        assert_eq!(fuzzy_score("", "anything"), Some(0));
    }

    #[test]
    fn the_models_own_id_ranks_before_a_spread_across_provider_names() {
        let thinking = match_rank("thin", "demo", "demo-thinking").unwrap();
        let sonnet = match_rank("thin", "anthropic", "claude-sonnet-4-5").unwrap();
        assert!(thinking < sonnet, "{thinking:?} {sonnet:?}");
        let exact = match_rank("gpt-4o", "openai", "gpt-4o").unwrap();
        let prefix = match_rank("gpt-4o", "openai", "gpt-4o-mini").unwrap();
        let inside = match_rank("4o", "openai", "gpt-4o-mini").unwrap();
        assert!(
            exact < prefix && prefix < inside,
            "{exact:?} {prefix:?} {inside:?}"
        );
        assert!(match_rank("groq llama", "groq", "llama-3.3-70b").is_some());
        assert_eq!(match_rank("xyz", "openai", "gpt-4o"), None);
    }
}
