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
