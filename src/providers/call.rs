//! One JSON call to a provider beside the chat stream (a model list, a token count): its
//! auth and extra headers, the idle timeout, errors classified and redacted like the
//! stream's, the body read within a limit.

use secrecy::SecretString;
use serde_json::Value;

use super::http::{Timeouts, idle_timeout, read_body_limited, read_error_body, transport_error};
use super::wire::auth_headers;
use super::{Endpoint, ProviderError};
use crate::text::redact::Redactor;

/// The redactor for what comes back from a call made with `key`.
pub fn redactor(key: Option<&SecretString>) -> Redactor {
    key.map_or_else(Redactor::new, |k| {
        Redactor::new().with_secret(secrecy::ExposeSecret::expose_secret(k))
    })
}

/// A GET of `url` (a POST of `body` when there is one), read as JSON.
pub async fn json(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    url: String,
    body: Option<&Value>,
    key: Option<&SecretString>,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> Result<Value, ProviderError> {
    let mut req = match body {
        Some(b) => client.post(url).json(b),
        None => client.get(url),
    };
    if let Some(k) = key {
        let headers = auth_headers(endpoint.protocol, k).map_err(|e| ProviderError::Setup {
            provider: endpoint.name.clone(),
            detail: e.to_string(),
        })?;
        req = req.headers(headers);
    }
    for (k, v) in &endpoint.extra_headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = match tokio::time::timeout(timeouts.idle, req.send()).await {
        Err(_) => return Err(idle_timeout(endpoint, timeouts)),
        Ok(Err(e)) => return Err(transport_error(endpoint, &e, timeouts, redactor)),
        Ok(Ok(r)) => r,
    };
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        let body = read_error_body(resp, super::http::MAX_ERROR_BYTES, timeouts.idle).await;
        return Err(ProviderError::from_status(
            &endpoint.name,
            status,
            &body,
            None,
            redactor,
        ));
    }
    let what = if body.is_some() {
        "an answer"
    } else {
        "a model list"
    };
    let text = read_body_limited(
        resp,
        endpoint,
        what,
        super::http::MAX_BODY_BYTES,
        timeouts,
        redactor,
    )
    .await?;
    serde_json::from_str(&text).map_err(|_| ProviderError::InStream {
        provider: endpoint.name.clone(),
        detail: if body.is_some() {
            "its answer is not JSON".into()
        } else {
            "its model list is not JSON".into()
        },
    })
}
