//! Finding the API key for a provider. Today: the environment variable named in config;
//! the encrypted key store plugs in here. The key is a `SecretString` from here on.

use secrecy::SecretString;

use crate::config::{AuthKind, ProviderChoice};
use crate::providers::ProviderError;

pub fn resolve(choice: &ProviderChoice) -> Result<Option<SecretString>, ProviderError> {
    if choice.auth == AuthKind::None {
        return Ok(None);
    }
    let setup = |detail: String| ProviderError::Setup {
        provider: choice.endpoint.name.clone(),
        detail,
    };
    let Some(var) = &choice.api_key_env else {
        return Err(setup(format!(
            "it needs an API key but none is configured; set api_key_env = \"VAR\" in [providers.{}] and export VAR",
            choice.endpoint.id
        )));
    };
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(SecretString::from(v.trim().to_string()))),
        _ => Err(setup(format!(
            "the environment variable {var} holding its API key is not set; export it and retry"
        ))),
    }
}
