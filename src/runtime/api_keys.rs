//! Finding the API key for a provider: the active key in the unlocked key store, else the
//! environment variable named by `api_key_env` (kept as an import source). The key is a
//! `SecretString` from here to the HTTP header.

use secrecy::SecretString;

use crate::config::{AuthKind, ProviderChoice};
use crate::keystore::KeyStore;
use crate::providers::ProviderError;

/// A key ready for a request, with how to name it in messages ("\"work\" …9f2c").
pub struct ResolvedKey {
    pub secret: SecretString,
    pub describe: String,
    /// The key store's id for it (None for a key from an environment variable).
    pub id: Option<String>,
}

/// The key for a request: `key_id` when given (failover), else the provider's active key in
/// the store, else its `api_key_env` variable.
pub fn resolve(
    choice: &ProviderChoice,
    store: Option<&KeyStore>,
    key_id: Option<&str>,
) -> Result<Option<ResolvedKey>, ProviderError> {
    if choice.auth == AuthKind::None {
        return Ok(None);
    }
    let from_store = match key_id {
        Some(id) => store.and_then(|s| s.find(id).ok()),
        None => store.and_then(|s| s.active(&choice.endpoint.id)),
    };
    if let Some(entry) = from_store {
        let label = if entry.label.is_empty() {
            String::new()
        } else {
            format!(
                "\"{}\" ",
                crate::text::sanitize::sanitize_line(&entry.label)
            )
        };
        return Ok(Some(ResolvedKey {
            secret: entry.secret.clone(),
            describe: format!("{label}{}", entry.masked()),
            id: Some(entry.id.clone()),
        }));
    }
    if let Some(var) = &choice.api_key_env
        && let Ok(v) = std::env::var(var)
        && !v.trim().is_empty()
    {
        let secret = SecretString::from(v.trim().to_string());
        let describe = format!("from {var} {}", crate::text::redact::mask(v.trim()));
        return Ok(Some(ResolvedKey {
            secret,
            describe,
            id: None,
        }));
    }
    let id = &choice.endpoint.id;
    let detail = match &choice.api_key_env {
        Some(var) => format!(
            "it needs an API key: add one with `keyturn keys add {id}` (or F3, the key manager), or export {var}"
        ),
        None => format!(
            "it needs an API key: add one with `keyturn keys add {id}` (or F3, the key manager)"
        ),
    };
    Err(ProviderError::Setup {
        provider: choice.endpoint.name.clone(),
        detail,
    })
}

/// Every environment variable that may hold a key: the catalogue's conventional ones and each
/// provider's `api_key_env`, as (variable, provider id).
pub fn key_env_vars(config: &crate::config::Config) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = crate::providers::hints::env_vars()
        .into_iter()
        .map(|(v, p)| (v.to_string(), p.to_string()))
        .collect();
    for (id, p) in &config.providers {
        if let Some(var) = &p.get_ref().api_key_env
            && !vars.iter().any(|(v, _)| v == var)
        {
            vars.push((var.clone(), id.clone()));
        }
    }
    vars
}

/// The keys those variables hold right now: (variable, provider id, key).
pub fn env_keys(config: &crate::config::Config) -> Vec<(String, String, SecretString)> {
    key_env_vars(config)
        .into_iter()
        .filter_map(|(var, provider)| {
            let v = std::env::var(&var).ok().filter(|v| !v.trim().is_empty())?;
            Some((var, provider, SecretString::from(v.trim().to_string())))
        })
        .collect()
}
