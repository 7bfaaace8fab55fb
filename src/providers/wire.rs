//! One place that knows how each protocol is spoken: the URL, body and auth header of a
//! streaming chat request, the auth header of any authenticated call, and the parser.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::{
    ChatRequest, Endpoint, Protocol, ProviderError, StreamParser, anthropic, gemini, openai_compat,
    responses,
};
use crate::text::redact::Redactor;

pub struct WireRequest {
    pub url: String,
    pub body: serde_json::Value,
    pub headers: HeaderMap,
}

/// An API key that cannot be sent: it holds characters an HTTP header cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the API key contains characters that cannot go in an HTTP header")]
pub struct InvalidKeyHeader;

/// The protocol's auth headers for `key` (marked sensitive so they never reach a log).
pub fn auth_headers(protocol: Protocol, key: &SecretString) -> Result<HeaderMap, InvalidKeyHeader> {
    let mut out = HeaderMap::new();
    let (name, value) = match protocol {
        Protocol::Openai => (
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", key.expose_secret()),
        ),
        Protocol::Anthropic => (
            HeaderName::from_static("x-api-key"),
            key.expose_secret().to_string(),
        ),
        Protocol::Gemini => (
            HeaderName::from_static("x-goog-api-key"),
            key.expose_secret().to_string(),
        ),
    };
    let mut v = HeaderValue::from_str(&value).map_err(|_| InvalidKeyHeader)?;
    v.set_sensitive(true);
    out.insert(name, v);
    if protocol == Protocol::Anthropic {
        out.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(anthropic::API_VERSION),
        );
    }
    Ok(out)
}

fn extra_headers(endpoint: &Endpoint, headers: &mut HeaderMap) -> Result<(), ProviderError> {
    for (name, value) in &endpoint.extra_headers {
        let bad = |what: &str| ProviderError::Setup {
            provider: endpoint.name.clone(),
            detail: format!("the extra header {name:?} has an invalid {what}"),
        };
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("name"))?;
        let v = HeaderValue::from_str(value).map_err(|_| bad("value"))?;
        headers.insert(n, v);
    }
    Ok(())
}

/// Everything needed to send one streaming chat request and read its answer.
pub fn chat(
    endpoint: &Endpoint,
    request: &ChatRequest,
    key: Option<&SecretString>,
    redactor: &Redactor,
) -> Result<(WireRequest, Box<dyn StreamParser>), ProviderError> {
    let (url, body, parser): (String, serde_json::Value, Box<dyn StreamParser>) =
        match endpoint.protocol {
            Protocol::Openai if endpoint.uses_responses(&request.model) => (
                responses::url(&endpoint.base_url),
                responses::request_body(request),
                Box::new(responses::ResponsesParser::new(
                    &endpoint.name,
                    redactor.clone(),
                )),
            ),
            Protocol::Openai => (
                openai_compat::chat_url(&endpoint.base_url),
                openai_compat::request_body(request, endpoint.is_openrouter()),
                Box::new(openai_compat::OpenAiParser::new(
                    &endpoint.name,
                    redactor.clone(),
                )),
            ),
            Protocol::Anthropic => (
                anthropic::messages_url(&endpoint.base_url),
                anthropic::request_body(request, endpoint.cache),
                Box::new(anthropic::AnthropicParser::new(
                    &endpoint.name,
                    redactor.clone(),
                )),
            ),
            Protocol::Gemini => (
                gemini::stream_url(&endpoint.base_url, &request.model),
                gemini::request_body(request),
                Box::new(gemini::GeminiParser::new(&endpoint.name, redactor.clone())),
            ),
        };
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    extra_headers(endpoint, &mut headers)?;
    if let Some(key) = key {
        let auth = auth_headers(endpoint.protocol, key).map_err(|e| ProviderError::Setup {
            provider: endpoint.name.clone(),
            detail: e.to_string(),
        })?;
        headers.extend(auth);
    }
    Ok((WireRequest { url, body, headers }, parser))
}

/// Joins consecutive messages of the same role: Anthropic and Gemini want turns to
/// alternate, and a failed or cancelled turn can leave two user messages in a row.
pub fn alternating(messages: &[super::ChatMessage]) -> Vec<super::ChatMessage> {
    let mut out: Vec<super::ChatMessage> = Vec::new();
    for m in messages
        .iter()
        .filter(|m| !m.content.trim().is_empty() || !m.images.is_empty())
    {
        match out.last_mut() {
            Some(last) if last.role == m.role => {
                last.content.push_str("\n\n");
                last.content.push_str(&m.content);
                last.images.extend(m.images.iter().cloned());
                if last.carry.is_none() {
                    last.carry = m.carry.clone();
                }
            }
            _ => out.push(m.clone()),
        }
    }
    // Both APIs want the conversation to open with the user.
    while out.first().is_some_and(|m| m.role != super::Role::User) {
        out.remove(0);
    }
    out
}
