//! Provider and network failures as a user reads them: what happened, the provider's own
//! words (redacted), and what to do next. Built only from already-redacted text.

use crate::text::redact::Redactor;
use crate::text::sanitize::sanitize_line;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "{provider} rejected the API key ({status}: {detail}). Check that the key is right and not revoked, then retry."
    )]
    Unauthorized {
        provider: String,
        status: u16,
        detail: String,
    },
    #[error(
        "{provider} refused access (403: {detail}). The key may lack permission for this model, project or region."
    )]
    Forbidden { provider: String, detail: String },
    #[error(
        "{provider} could not find the model or endpoint (404: {detail}). Check the model name and the provider's base_url."
    )]
    NotFound { provider: String, detail: String },
    #[error("{provider} is rate-limiting requests (429: {detail}). {wait}then retry.")]
    RateLimited {
        provider: String,
        detail: String,
        wait: String,
        retry_after_secs: Option<u64>,
    },
    #[error(
        "{provider} says the account is out of credit or over its spending limit ({status}: {detail}). Add credit or raise the limit in the provider's console; retrying will not help."
    )]
    QuotaExceeded {
        provider: String,
        status: u16,
        detail: String,
    },
    #[error(
        "{provider} rejected the request ({status}: {detail}). Check the model name and request options in config."
    )]
    BadRequest {
        provider: String,
        status: u16,
        detail: String,
    },
    #[error(
        "{provider} had a server error ({status}: {detail}). This is usually temporary; retry in a moment."
    )]
    Server {
        provider: String,
        status: u16,
        detail: String,
        retry_after_secs: Option<u64>,
    },
    #[error("{provider} answered with HTTP {status}: {detail}")]
    Http {
        provider: String,
        status: u16,
        detail: String,
    },
    #[error(
        "Could not connect to {provider} at {url}: {detail}. Is the server running and base_url right?"
    )]
    Connect {
        provider: String,
        url: String,
        detail: String,
    },
    #[error(
        "Timed out connecting to {provider} after {secs}s. Check the network or proxy, then retry."
    )]
    ConnectTimeout { provider: String, secs: u64 },
    #[error(
        "TLS failed talking to {provider}: {detail}. On a minimal server install CA certificates (apt-get install ca-certificates)."
    )]
    Tls { provider: String, detail: String },
    #[error(
        "{provider} sent nothing for {secs}s, so keyturn stopped waiting. Retry, or raise network.idle_timeout_secs in config."
    )]
    IdleTimeout { provider: String, secs: u64 },
    #[error(
        "The connection to {provider} was lost mid-reply ({detail}). The partial answer is kept; retry to ask again."
    )]
    Dropped { provider: String, detail: String },
    #[error(
        "The reply from {provider} ended before it was finished (no end-of-stream marker). The partial answer is kept; retry to ask again."
    )]
    Incomplete { provider: String },
    #[error("{provider} reported an error during the reply: {detail}")]
    InStream { provider: String, detail: String },
    #[error("{provider} cannot be used yet: {detail}")]
    Setup { provider: String, detail: String },
    #[error(
        "{provider} sent {what} larger than {limit_mb} MB, so keyturn stopped reading and closed the connection. Anything before it is kept."
    )]
    TooLarge {
        provider: String,
        what: &'static str,
        limit_mb: usize,
    },
}

impl ProviderError {
    /// Errors worth an automatic retry before any token arrived (issue: backoff policy).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Server { .. })
    }

    /// Names the key in errors the key caused ("OpenAI (key \"work\" …9f2c) rejected…").
    pub fn attribute_key(mut self, describe: &str) -> Self {
        match &mut self {
            Self::Unauthorized { provider, .. }
            | Self::Forbidden { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::QuotaExceeded { provider, .. } => {
                *provider = format!("{provider} (key {describe})");
            }
            _ => {}
        }
        self
    }

    /// A failure another key might not have (failover candidates).
    pub fn is_key_problem(&self) -> bool {
        matches!(
            self,
            Self::Unauthorized { .. }
                | Self::Forbidden { .. }
                | Self::RateLimited { .. }
                | Self::QuotaExceeded { .. }
        )
    }

    /// How long the provider asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited {
                retry_after_secs, ..
            }
            | Self::Server {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// Builds the error for a non-success HTTP status from the response body, whatever shape
    /// the provider uses. `retry_after_secs` comes from the Retry-After header when present.
    pub fn from_status(
        provider: &str,
        status: u16,
        body: &str,
        retry_after_secs: Option<u64>,
        redactor: &Redactor,
    ) -> Self {
        let parsed = ErrorBody::parse(body);
        let detail = clean_detail(&parsed.message, redactor);
        let provider = provider.to_string();
        let quota = status == 402
            || [
                "insufficient_quota",
                "billing_hard_limit_reached",
                "insufficient_balance",
            ]
            .iter()
            .any(|c| parsed.code.as_deref() == Some(*c))
            // Anthropic reports an empty balance as a 400 with these words.
            || parsed.message.contains("credit balance is too low");
        // Some providers answer a bad key with 400 (Gemini's API_KEY_INVALID, xAI).
        let bad_key = status == 400
            && ["API_KEY_INVALID", "API key not valid", "Incorrect API key"]
                .iter()
                .any(|m| body.contains(m));
        match status {
            _ if quota => Self::QuotaExceeded {
                provider,
                status,
                detail,
            },
            _ if bad_key => Self::Unauthorized {
                provider,
                status,
                detail,
            },
            401 => Self::Unauthorized {
                provider,
                status,
                detail,
            },
            403 => Self::Forbidden { provider, detail },
            404 => Self::NotFound { provider, detail },
            429 => Self::RateLimited {
                provider,
                detail,
                wait: match retry_after_secs {
                    Some(s) => format!("The provider asks to wait {s}s, "),
                    None => "Wait a little, ".into(),
                },
                retry_after_secs,
            },
            400 | 413 | 422 => Self::BadRequest {
                provider,
                status,
                detail,
            },
            500..=599 => Self::Server {
                provider,
                status,
                detail,
                retry_after_secs,
            },
            _ => Self::Http {
                provider,
                status,
                detail,
            },
        }
    }

    /// An `error` object that arrived inside a 200 stream.
    pub fn in_stream(provider: &str, value: &serde_json::Value, redactor: &Redactor) -> Self {
        let parsed = ErrorBody::from_value(value);
        Self::InStream {
            provider: provider.to_string(),
            detail: clean_detail(&parsed.message, redactor),
        }
    }
}

fn clean_detail(message: &str, redactor: &Redactor) -> String {
    let one_line = sanitize_line(&redactor.redact(message));
    let trimmed = one_line.trim();
    if trimmed.is_empty() {
        return "no details given".into();
    }
    crate::text::wrap::truncate(trimmed, 300)
}

/// The message and code from an error body in any of the shapes providers use:
/// `{"error":{"message","code","type"}}`, `{"error":"..."}`, `{"message"}`, `{"detail"}`,
/// `[{"error":{...}}]` (Gemini), or plain text.
struct ErrorBody {
    message: String,
    code: Option<String>,
}

impl ErrorBody {
    fn parse(body: &str) -> Self {
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(v) => Self::from_value(&v),
            Err(_) => Self {
                message: body.trim().to_string(),
                code: None,
            },
        }
    }

    fn from_value(v: &serde_json::Value) -> Self {
        use serde_json::Value;
        let v = match v {
            Value::Array(items) if !items.is_empty() => &items[0],
            other => other,
        };
        let code_of = |o: &Value| -> Option<String> {
            ["code", "type", "status"]
                .iter()
                .find_map(|k| match o.get(*k) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
        };
        let message = match v.get("error") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(obj @ Value::Object(_)) => {
                let code = code_of(obj);
                let msg = obj
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                return Self {
                    message: msg.unwrap_or_else(|| obj.to_string()),
                    code,
                };
            }
            _ => None,
        };
        let message = message
            .or_else(|| v.get("message").and_then(Value::as_str).map(str::to_string))
            .or_else(|| match v.get("detail") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .filter_map(|i| i.get("msg").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                _ => None,
            })
            .unwrap_or_else(|| v.to_string());
        Self {
            message,
            code: code_of(v),
        }
    }
}

/// A failed turn keeps the error as a value: its kind and its (redacted) message.
impl From<&ProviderError> for crate::chat::TurnError {
    fn from(e: &ProviderError) -> Self {
        use crate::chat::FailureKind;
        let kind = match e {
            ProviderError::Unauthorized { .. } | ProviderError::Forbidden { .. } => {
                FailureKind::KeyRejected
            }
            ProviderError::RateLimited {
                retry_after_secs, ..
            } => FailureKind::RateLimited {
                retry_after_secs: *retry_after_secs,
            },
            ProviderError::QuotaExceeded { .. } => FailureKind::Quota,
            ProviderError::Connect { .. }
            | ProviderError::ConnectTimeout { .. }
            | ProviderError::Tls { .. }
            | ProviderError::IdleTimeout { .. }
            | ProviderError::Dropped { .. }
            | ProviderError::Incomplete { .. } => FailureKind::Network,
            ProviderError::Setup { .. } => FailureKind::Setup,
            _ => FailureKind::Provider,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> ProviderError {
        ProviderError::from_status("Acme", status, body, None, &Redactor::new())
    }

    #[test]
    fn every_body_shape_gives_its_message() {
        let shapes = [
            r#"{"error":{"message":"bad thing","type":"invalid_request_error"}}"#,
            r#"{"error":"bad thing"}"#,
            r#"{"message":"bad thing"}"#,
            r#"{"detail":"bad thing"}"#,
            r#"{"detail":[{"msg":"bad thing"}]}"#,
            r#"[{"error":{"code":400,"message":"bad thing","status":"INVALID_ARGUMENT"}}]"#,
            "bad thing",
        ];
        for body in shapes {
            assert!(
                err(400, body).to_string().contains("(400: bad thing)"),
                "{body}"
            );
        }
    }

    #[test]
    fn statuses_map_to_plain_advice() {
        assert!(matches!(err(401, "{}"), ProviderError::Unauthorized { .. }));
        assert!(matches!(err(403, "x"), ProviderError::Forbidden { .. }));
        assert!(matches!(err(404, "x"), ProviderError::NotFound { .. }));
        assert!(matches!(err(429, "x"), ProviderError::RateLimited { .. }));
        assert!(matches!(err(503, "x"), ProviderError::Server { .. }));
        assert!(matches!(err(402, "x"), ProviderError::QuotaExceeded { .. }));
        let quota = err(
            429,
            r#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#,
        );
        assert!(matches!(quota, ProviderError::QuotaExceeded { .. }));
        assert!(!quota.is_transient());
        assert!(err(502, "").to_string().contains("no details given"));
    }

    #[test]
    fn echoed_key_never_reaches_the_message() {
        let key = "sk-test-CANARY-q8Z3kd93jd83kdlq";
        let body =
            format!(r#"{{"error":{{"message":"Incorrect API key provided: {key}. \u001b[31m"}}}}"#);
        let e =
            ProviderError::from_status("Acme", 401, &body, None, &Redactor::new().with_secret(key));
        let text = e.to_string();
        assert!(!text.contains("CANARY"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("…dlq") || text.contains("…kdlq"), "{text}");
    }
}
