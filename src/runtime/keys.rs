//! Finding the API key for a provider: the active key in the unlocked key store, else the
//! environment variable named by `api_key_env` (kept as an import source). The key is a
//! `SecretString` from here to the HTTP header.

use secrecy::SecretString;

use crate::config::{AuthKind, ProviderChoice};
use crate::keystore::KeyStore;
use crate::providers::ProviderError;

pub fn resolve(
    choice: &ProviderChoice,
    store: Option<&KeyStore>,
) -> Result<Option<SecretString>, ProviderError> {
    if choice.auth == AuthKind::None {
        return Ok(None);
    }
    if let Some(entry) = store.and_then(|s| s.active(&choice.endpoint.id)) {
        return Ok(Some(entry.secret.clone()));
    }
    if let Some(var) = &choice.api_key_env
        && let Ok(v) = std::env::var(var)
        && !v.trim().is_empty()
    {
        return Ok(Some(SecretString::from(v.trim().to_string())));
    }
    let id = &choice.endpoint.id;
    let detail = match (&choice.api_key_env, store) {
        (Some(var), _) => format!(
            "it needs an API key: add one with `keyturn keys add {id}` (or in the key manager), or export {var}"
        ),
        (None, _) => format!(
            "it needs an API key: add one with `keyturn keys add {id}` (or in the key manager)"
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
