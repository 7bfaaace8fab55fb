//! Testing a key without spending tokens: each protocol's cheapest authenticated call
//! (for OpenAI-compatible providers `GET /models`). The answer is classified for the key
//! manager, with the provider's own words, redacted.

use secrecy::{ExposeSecret, SecretString};

use super::http::{Timeouts, idle_timeout, transport_error};
use super::wire::auth_headers;
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

/// Which call tests a key. Most providers: the model list. Where the model list needs no key
/// (OpenRouter) or a better call exists (DeepSeek's balance, xAI's key info), that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    Models,
    OpenRouterKey,
    DeepSeekBalance,
    XaiKey,
}

fn probe(endpoint: &Endpoint) -> (Probe, String) {
    let base = endpoint.base_url.trim_end_matches('/');
    let host_or_id = |id: &str, host: &str| endpoint.id == id || base.contains(host);
    if endpoint.protocol == Protocol::Openai && host_or_id("openrouter", "openrouter.ai") {
        (Probe::OpenRouterKey, format!("{base}/key"))
    } else if endpoint.protocol == Protocol::Openai && host_or_id("deepseek", "api.deepseek.com") {
        (
            Probe::DeepSeekBalance,
            format!("{}/user/balance", base.trim_end_matches("/v1")),
        )
    } else if endpoint.protocol == Protocol::Openai && host_or_id("xai", "api.x.ai") {
        (Probe::XaiKey, format!("{base}/api-key"))
    } else {
        (Probe::Models, format!("{base}/models"))
    }
}

/// "$3.20 used; $6.80 of $10.00 left, the limit resets monthly": what OpenRouter's
/// `GET /key` says of the key's credit.
fn openrouter_credit(d: &serde_json::Value) -> String {
    let usd = |v: &serde_json::Value| v.as_f64().map(|u| format!("${u:.2}"));
    let used = usd(&d["usage"]).map_or("usage unknown".into(), |u| format!("{u} used"));
    let limit = match (usd(&d["limit_remaining"]), usd(&d["limit"])) {
        (Some(left), Some(limit)) => format!("; {left} of {limit} left"),
        _ => "; no credit limit".into(),
    };
    let reset = match d["limit_reset"].as_str() {
        Some(period) if d["limit"].is_number() => format!(", the limit resets {period}"),
        _ => String::new(),
    };
    format!("{used}{limit}{reset}")
}

/// What a successful answer says about the key.
fn judge_success(probe: Probe, name: &str, body: &serde_json::Value) -> CheckOutcome {
    let valid = |detail: String| CheckOutcome {
        check: KeyCheck::Valid,
        detail,
    };
    match probe {
        Probe::Models => {
            let n = body["data"]
                .as_array()
                .or_else(|| body["models"].as_array())
                .map(Vec::len);
            valid(match n {
                Some(n) => format!(
                    "{name} accepted the key ({} available)",
                    crate::text::count(n, "model")
                ),
                None => format!("{name} accepted the key"),
            })
        }
        Probe::OpenRouterKey => {
            let d = &body["data"];
            match (d["limit_remaining"].as_f64(), d["limit"].as_f64()) {
                (Some(left), Some(_)) if left <= 0.0 => CheckOutcome {
                    check: KeyCheck::NoCredit,
                    detail: format!("{name} accepted the key, but its credit limit is used up"),
                },
                _ => valid(format!(
                    "{name} accepted the key ({})",
                    openrouter_credit(d)
                )),
            }
        }
        Probe::DeepSeekBalance => {
            if body["is_available"].as_bool() == Some(false) {
                CheckOutcome {
                    check: KeyCheck::NoCredit,
                    detail: format!(
                        "{name} accepted the key, but the balance is not enough to make calls"
                    ),
                }
            } else {
                let bal = body["balance_infos"][0]["total_balance"]
                    .as_str()
                    .unwrap_or("?");
                let cur = body["balance_infos"][0]["currency"].as_str().unwrap_or("");
                valid(format!("{name} accepted the key (balance {bal} {cur})"))
            }
        }
        Probe::XaiKey => {
            if body["api_key_blocked"].as_bool() == Some(true)
                || body["team_blocked"].as_bool() == Some(true)
            {
                CheckOutcome {
                    check: KeyCheck::Invalid,
                    detail: format!("{name} says this key or its team is blocked"),
                }
            } else if body["api_key_disabled"].as_bool() == Some(true) {
                CheckOutcome {
                    check: KeyCheck::Invalid,
                    detail: format!("{name} says this key is disabled"),
                }
            } else {
                valid(format!("{name} accepted the key"))
            }
        }
    }
}

pub async fn check_key(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    key: &SecretString,
    timeouts: Timeouts,
) -> CheckOutcome {
    let redactor = Redactor::new().with_secret(key.expose_secret());
    let auth = match auth_headers(endpoint.protocol, key) {
        Ok(h) => h,
        Err(e) => {
            return CheckOutcome {
                check: KeyCheck::Invalid,
                detail: e.to_string(),
            };
        }
    };
    let (probe, url) = probe(endpoint);
    let mut req = client.get(&url).headers(auth);
    for (k, v) in &endpoint.extra_headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = match tokio::time::timeout(timeouts.idle, req.send()).await {
        Err(_) => {
            return CheckOutcome {
                check: KeyCheck::Unreachable,
                detail: idle_timeout(endpoint, timeouts).to_string(),
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
    if (200..300).contains(&status) {
        let body = match super::http::read_body_limited(
            resp,
            endpoint,
            "an answer to the key test",
            super::http::MAX_BODY_BYTES,
            timeouts,
            &redactor,
        )
        .await
        {
            Ok(b) => b,
            Err(e) => {
                return CheckOutcome {
                    check: classify(&e),
                    detail: e.to_string(),
                };
            }
        };
        let value = serde_json::from_str(&body).unwrap_or_default();
        return judge_success(probe, &endpoint.name, &value);
    }
    // An error body is read for its message only (a 300 MB 401 costs 64 KiB).
    let body =
        super::http::read_error_body(resp, super::http::MAX_ERROR_BYTES, timeouts.idle).await;
    let e = ProviderError::from_status(&endpoint.name, status, &body, retry, &redactor);
    // from_status already treats Gemini's 400 API_KEY_INVALID as a rejected key.
    CheckOutcome {
        check: classify(&e),
        detail: e.to_string(),
    }
}
