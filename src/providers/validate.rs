//! Testing a key without spending tokens: each protocol's cheapest authenticated call
//! (for OpenAI-compatible providers `GET /models`). The answer is classified for the key
//! manager, with the provider's own words, redacted.

use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::http::{Timeouts, idle_timeout, transport_error};
use super::{Endpoint, Protocol, ProviderError};
use crate::keystore::KeyCheck;
use crate::text::redact::Redactor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub check: KeyCheck,
    pub detail: String,
}

fn classify(err: &ProviderError) -> KeyCheck {
    match err {
        ProviderError::Unauthorized { .. } | ProviderError::Forbidden { .. } => KeyCheck::Invalid,
        ProviderError::RateLimited { .. } => KeyCheck::RateLimited,
        ProviderError::QuotaExceeded { .. } => KeyCheck::NoCredit,
        ProviderError::Connect { .. }
        | ProviderError::ConnectTimeout { .. }
        | ProviderError::Tls { .. }
        | ProviderError::IdleTimeout { .. }
        | ProviderError::Dropped { .. } => KeyCheck::Unreachable,
        _ => KeyCheck::Unknown,
    }
}

pub async fn check_key(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    key: &SecretString,
    timeouts: Timeouts,
) -> CheckOutcome {
    let redactor = Redactor::new().with_secret(key.expose_secret());
    if endpoint.protocol != Protocol::Openai {
        return CheckOutcome {
            check: KeyCheck::Unknown,
            detail: format!(
                "testing {} keys is not supported by this build yet",
                endpoint.protocol.name()
            ),
        };
    }
    let url = format!("{}/models", endpoint.base_url.trim_end_matches('/'));
    let Ok(mut auth) = HeaderValue::from_str(&format!("Bearer {}", key.expose_secret())) else {
        return CheckOutcome {
            check: KeyCheck::Invalid,
            detail: "the key contains characters no HTTP header allows".into(),
        };
    };
    auth.set_sensitive(true);
    let mut req = client.get(&url).header(AUTHORIZATION, auth);
    for (k, v) in &endpoint.extra_headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = match tokio::time::timeout(timeouts.idle, req.send()).await {
        Err(_) => {
            let e = idle_timeout(endpoint, timeouts);
            return CheckOutcome {
                check: KeyCheck::Unreachable,
                detail: e.to_string(),
            };
        }
        Ok(Err(e)) => {
            let e = transport_error(endpoint, &e, timeouts, &redactor);
            return CheckOutcome {
                check: classify(&e),
                detail: e.to_string(),
            };
        }
        Ok(Ok(r)) => r,
    };
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let body = tokio::time::timeout(timeouts.idle, resp.text())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    if (200..300).contains(&status) {
        let models = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["data"].as_array().map(Vec::len));
        let detail = match models {
            Some(n) => format!("{} accepted the key ({n} models available)", endpoint.name),
            None => format!("{} accepted the key", endpoint.name),
        };
        return CheckOutcome {
            check: KeyCheck::Valid,
            detail,
        };
    }
    let e = ProviderError::from_status(&endpoint.name, status, &body, retry, &redactor);
    CheckOutcome {
        check: classify(&e),
        detail: e.to_string(),
    }
}
