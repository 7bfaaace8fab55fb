//! `[providers.<id>]`: each provider's settings over the built-in catalogue, and their
//! resolution into a [`ProviderChoice`] ready to use.

use super::error::ProviderConfigError;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::Config;
use crate::providers::catalog::{CATALOG, builtin};
use crate::providers::{Api, CacheMode, Endpoint, Protocol};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    None,
    #[default]
    Key,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    pub name: Option<String>,
    /// Default: the built-in provider's, else "openai".
    pub protocol: Option<Protocol>,
    /// Required for a provider that is not built in.
    pub base_url: Option<Spanned<String>>,
    /// Default: the built-in provider's, else "key".
    pub auth: Option<AuthKind>,
    /// Environment variable to read the key from (also an import source for the key store).
    pub api_key_env: Option<String>,
    pub default_model: Option<String>,
    #[serde(default)]
    pub models: Vec<String>,
    /// Extra HTTP headers sent with every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// Prompt caching where it must be asked for (Anthropic): "auto" (default) or "off".
    pub cache: Option<CacheMode>,
    /// OpenAI's API to speak: "responses", "chat", or (left out) Responses for OpenAI's own
    /// reasoning models and Chat Completions for everything else.
    pub api: Option<Api>,
    /// Reasoning effort for this provider's models: "off", "low", "medium" or "high".
    pub reasoning_effort: Option<crate::chat::Effort>,
    /// Reasoning tokens where the API takes a number (Anthropic, Gemini, OpenRouter).
    pub reasoning_budget: Option<u32>,
    /// The preset a conversation on this provider starts with.
    pub preset: Option<String>,
}

/// A provider ready to use: where it is, how to authenticate, which model.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderChoice {
    pub endpoint: Endpoint,
    pub auth: AuthKind,
    pub api_key_env: Option<String>,
    pub model: String,
    pub models: Vec<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
}

impl Config {
    /// Every provider id: the built-ins in catalogue order, then the ones config adds.
    pub fn provider_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = CATALOG.iter().map(|b| b.id.to_string()).collect();
        ids.extend(
            self.providers
                .keys()
                .filter(|id| builtin(id).is_none())
                .cloned(),
        );
        ids
    }

    /// The provider id to start with: `default_provider`, else the first one config defines,
    /// else the first built-in whose key is in the environment.
    pub fn start_provider_id(&self) -> Option<String> {
        self.default_provider
            .as_ref()
            .map(|s| s.get_ref().clone())
            // The first table in the file, not the alphabetically first id: adding a
            // provider at the end must not change where requests go.
            .or_else(|| {
                self.providers
                    .iter()
                    .min_by_key(|(_, p)| p.span().start)
                    .map(|(id, _)| id.clone())
            })
            .or_else(|| {
                CATALOG
                    .iter()
                    .find(|b| {
                        b.key_env
                            .iter()
                            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
                    })
                    .map(|b| b.id.to_string())
            })
    }

    /// Resolves a provider id (and an optional model override) into a [`ProviderChoice`]:
    /// the built-in provider's settings, overridden by its `[providers.<id>]` table.
    pub fn provider(
        &self,
        id: &str,
        model: Option<&str>,
    ) -> Result<ProviderChoice, ProviderConfigError> {
        let b = builtin(id);
        let p = self.providers.get(id).map(Spanned::get_ref);
        if b.is_none() && p.is_none() {
            return Err(ProviderConfigError::Unknown {
                id: id.to_string(),
                known: self.provider_ids().join(", "),
            });
        }
        let base_url = p
            .and_then(|p| p.base_url.as_ref().map(|u| u.get_ref().clone()))
            .or_else(|| b.map(|b| b.base_url.to_string()))
            .ok_or_else(|| ProviderConfigError::NoBaseUrl(id.to_string()))?;
        let is_start = self.start_provider_id().as_deref() == Some(id);
        let static_models: Vec<String> = match p.map(|p| &p.models) {
            Some(m) if !m.is_empty() => m.clone(),
            _ => b
                .map(|b| b.models.iter().map(|m| m.to_string()).collect())
                .unwrap_or_default(),
        };
        let model = model
            .map(str::to_string)
            .or_else(|| {
                if is_start {
                    self.default_model.clone()
                } else {
                    None
                }
            })
            .or_else(|| p.and_then(|p| p.default_model.clone()))
            .or_else(|| b.map(|b| b.default_model.to_string()))
            .or_else(|| static_models.first().cloned())
            .ok_or_else(|| ProviderConfigError::NoModel(id.to_string()))?;
        let auth = p.and_then(|p| p.auth).unwrap_or(match b {
            Some(b) if !b.needs_key => AuthKind::None,
            _ => AuthKind::Key,
        });
        Ok(ProviderChoice {
            endpoint: Endpoint {
                id: id.to_string(),
                name: p
                    .and_then(|p| p.name.clone())
                    .or_else(|| b.map(|b| b.name.to_string()))
                    .unwrap_or_else(|| id.to_string()),
                protocol: p
                    .and_then(|p| p.protocol)
                    .or_else(|| b.map(|b| b.protocol))
                    .unwrap_or_default(),
                base_url,
                extra_headers: p
                    .map(|p| {
                        p.headers
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                cache: p.and_then(|p| p.cache).unwrap_or_default(),
                api: p.and_then(|p| p.api).unwrap_or_default(),
            },
            auth,
            api_key_env: p
                .and_then(|p| p.api_key_env.clone())
                .or_else(|| b.and_then(|b| b.key_env.first().map(|v| v.to_string()))),
            model,
            models: static_models,
            temperature: p.and_then(|p| p.temperature),
            max_tokens: p.and_then(|p| p.max_tokens),
        })
    }
}
