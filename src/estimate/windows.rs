//! Context windows and output limits: from the user's `[models."<id>"]` tables, else what the
//! provider's model list said (cached on disk by the picker), else the table shipped in
//! `assets/models.toml`. A model in none of them has an unknown window.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::config::{Config, ModelLimits};
use crate::providers::models::ModelInfo;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    provider: String,
    model: String,
    context_window: Option<u64>,
    max_output_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowFile {
    #[serde(default)]
    source: Option<toml::Value>,
    #[serde(default)]
    model: Vec<Entry>,
}

pub const SHIPPED: &str = include_str!("../../assets/models.toml");

/// Where a limit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitSource {
    Config,
    Provider,
    Shipped,
    Unknown,
}

/// What is known of a model's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub context_window: Option<u64>,
    pub max_output_tokens: Option<u64>,
    /// Where the context window came from.
    pub source: LimitSource,
    /// Whether the model takes images: config's word, else the provider's list, else its
    /// name (`providers::vision`); None when nothing says.
    pub images: Option<bool>,
}

/// The shipped table with the user's `[models."<id>"]` tables over it.
#[derive(Debug, Clone, Default)]
pub struct WindowTable {
    entries: Vec<Entry>,
    user: BTreeMap<String, ModelLimits>,
}

impl WindowTable {
    pub fn shipped() -> Self {
        let file: WindowFile = toml::from_str(SHIPPED).unwrap_or_default();
        let _ = file.source;
        Self {
            entries: file.model,
            user: BTreeMap::new(),
        }
    }

    /// The shipped table under config's `[models]`.
    pub fn for_config(config: &Config) -> Self {
        Self {
            user: config.models.clone(),
            ..Self::shipped()
        }
    }

    /// An exact entry, else one whose name is the model's without a date or version suffix
    /// (the rule the price table follows).
    fn find(&self, provider: &str, model: &str) -> Option<&Entry> {
        let at = self.entries.iter().filter(|e| e.provider == provider);
        crate::usage::prices::find_model(at, model, |e| &e.model)
    }

    /// The limits of `model` at `provider`, each from the first source that has it: config,
    /// then the provider's list entry `live`, then this table.
    pub fn limits(&self, provider: &str, model: &str, live: Option<&ModelInfo>) -> Limits {
        let user = self.user.get(model);
        let shipped = self.find(provider, model);
        let sources = [
            (
                LimitSource::Config,
                user.and_then(|u| u.context_window),
                user.and_then(|u| u.max_output_tokens),
            ),
            (
                LimitSource::Provider,
                live.and_then(|m| m.context),
                live.and_then(|m| m.max_output),
            ),
            (
                LimitSource::Shipped,
                shipped.and_then(|e| e.context_window),
                shipped.and_then(|e| e.max_output_tokens),
            ),
        ];
        let (source, context_window) = sources
            .iter()
            .find_map(|(s, c, _)| c.map(|c| (*s, Some(c))))
            .unwrap_or((LimitSource::Unknown, None));
        Limits {
            context_window,
            max_output_tokens: sources.iter().find_map(|(_, _, o)| *o),
            source,
            images: user
                .and_then(|u| u.images)
                .or_else(|| live.and_then(|m| m.images))
                .or_else(|| crate::providers::vision::takes_images(model)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_then_the_providers_list_then_the_shipped_table_and_unknown_stays_unknown() {
        let mut t = WindowTable::shipped();
        assert!(t.entries.len() > 25);
        let mut config = Config::default();
        let l = t.limits("openai", "gpt-4.1-2025-04-14", None);
        assert_eq!(l.context_window, Some(1_047_576));
        assert_eq!(l.max_output_tokens, Some(32_768));
        assert_eq!(l.source, LimitSource::Shipped);
        let live = ModelInfo {
            context: Some(500_000),
            ..ModelInfo::bare("gpt-4.1")
        };
        let l = t.limits("openai", "gpt-4.1", Some(&live));
        assert_eq!(
            (l.context_window, l.source),
            (Some(500_000), LimitSource::Provider)
        );
        assert_eq!(
            l.max_output_tokens,
            Some(32_768),
            "each limit from its first source"
        );
        config.models.insert(
            "gpt-4.1".into(),
            ModelLimits {
                context_window: Some(64_000),
                max_output_tokens: None,
                ..Default::default()
            },
        );
        t = WindowTable::for_config(&config);
        let l = t.limits("openai", "gpt-4.1", Some(&live));
        assert_eq!(
            (l.context_window, l.source),
            (Some(64_000), LimitSource::Config)
        );
        let l = t.limits("local", "llama3", None);
        assert_eq!(l.context_window, None);
        assert_eq!(l.source, LimitSource::Unknown);
        // A similar name is not the same model.
        assert_eq!(
            t.limits("openai", "gpt-4.1-turbo", None).context_window,
            None
        );
    }
}
