//! The providers' own token counts, free and exact: Anthropic's `messages/count_tokens` and
//! Gemini's `countTokens`, asked with the request as it would be sent (without its caching
//! marks or sampling settings). OpenAI-compatible servers have none.

use secrecy::SecretString;
use serde_json::{Value, json};

use super::http::Timeouts;
use super::{ChatRequest, Endpoint, Protocol, ProviderError, anthropic, gemini};

/// The URL and body that count `request`'s input, where the protocol has such a call.
pub fn count_call(endpoint: &Endpoint, request: &ChatRequest) -> Option<(String, Value)> {
    let base = endpoint.base_url.trim_end_matches('/');
    match endpoint.protocol {
        Protocol::Anthropic => {
            let full = anthropic::request_body(request, super::CacheMode::Off);
            let mut body = json!({"model": request.model, "messages": full["messages"]});
            if let Some(system) = full.get("system") {
                body["system"] = system.clone();
            }
            Some((format!("{base}/messages/count_tokens"), body))
        }
        Protocol::Gemini => {
            let mut inner = gemini::request_body(request);
            if let Some(o) = inner.as_object_mut() {
                o.remove("generationConfig");
            }
            inner["model"] = json!(format!("models/{}", request.model));
            Some((
                format!("{base}/models/{}:countTokens", request.model),
                json!({ "generateContentRequest": inner }),
            ))
        }
        Protocol::Openai => None,
    }
}

/// The count in a counting call's answer.
pub fn parse_count(protocol: Protocol, body: &Value) -> Option<u64> {
    match protocol {
        Protocol::Anthropic => body["input_tokens"].as_u64(),
        Protocol::Gemini => body["totalTokens"].as_u64(),
        Protocol::Openai => None,
    }
}

/// Asks the provider how many tokens `request`'s input is. None when it has no such call.
pub async fn count_tokens(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    key: Option<&SecretString>,
    timeouts: Timeouts,
) -> Option<Result<u64, ProviderError>> {
    let (url, body) = count_call(endpoint, request)?;
    let redactor = super::call::redactor(key);
    let answer = super::call::json(client, endpoint, url, Some(&body), key, timeouts, &redactor)
        .await
        .and_then(|v| {
            parse_count(endpoint.protocol, &v).ok_or_else(|| ProviderError::InStream {
                provider: endpoint.name.clone(),
                detail: "its token count had no count in it".into(),
            })
        });
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{CacheMode, ChatMessage, Role};

    fn endpoint(protocol: Protocol) -> Endpoint {
        Endpoint {
            id: "p".into(),
            name: "P".into(),
            protocol,
            base_url: "https://example.test/v1beta/".into(),
            extra_headers: Vec::new(),
            cache: CacheMode::Auto,
            api: Default::default(),
        }
    }

    #[test]
    fn each_protocol_is_asked_in_its_own_words_and_openai_not_at_all() {
        let request = ChatRequest {
            model: "gemini-2.5-flash".into(),
            system: Some("Be brief.".into()),
            messages: vec![ChatMessage::new(Role::User, "hi")],
            temperature: Some(0.2),
            max_tokens: Some(100),
            reasoning: None,
        };
        let (url, body) = count_call(&endpoint(Protocol::Gemini), &request).unwrap();
        assert_eq!(
            url,
            "https://example.test/v1beta/models/gemini-2.5-flash:countTokens"
        );
        let inner = &body["generateContentRequest"];
        assert_eq!(inner["model"], "models/gemini-2.5-flash");
        assert_eq!(inner["contents"][0]["parts"][0]["text"], "hi");
        assert_eq!(inner["systemInstruction"]["parts"][0]["text"], "Be brief.");
        assert!(inner.get("generationConfig").is_none());
        assert_eq!(
            parse_count(Protocol::Gemini, &json!({"totalTokens": 12})),
            Some(12)
        );
        let (url, body) = count_call(&endpoint(Protocol::Anthropic), &request).unwrap();
        assert!(url.ends_with("/messages/count_tokens"));
        assert_eq!(body["system"], "Be brief.");
        assert!(body.get("max_tokens").is_none() && body.get("temperature").is_none());
        assert_eq!(
            parse_count(Protocol::Anthropic, &json!({"input_tokens": 7})),
            Some(7)
        );
        assert!(count_call(&endpoint(Protocol::Openai), &request).is_none());
    }
}
