//! `[presets.<name>]`: named roles — a system prompt (inline or from a file), optionally a
//! provider and model, temperature, output limit and reasoning effort — and which one a
//! conversation starts with (`default_preset`, a provider's or a model's `preset`).
//!
//! Precedence, one rule for the TUI and `keyturn ask`:
//! - the preset: `--preset`, else the model's `preset`, else the provider's, else
//!   `default_preset`;
//! - the system prompt: `--system`, else the preset's, else `system_prompt`;
//! - provider and model: `--provider`/`--model`, else the preset's, else the defaults;
//! - temperature, max_tokens, reasoning: the command line's, else the preset's, else the
//!   provider's and model's settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Config, ConfigError};
use crate::chat::{Effort, Reasoning};

/// A preset's table as written in config.toml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetConfig {
    /// The system prompt, inline.
    pub system: Option<String>,
    /// The system prompt, from a file (relative to the config file's directory; `~` works).
    pub system_file: Option<PathBuf>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub reasoning_effort: Option<Effort>,
    pub reasoning_budget: Option<u32>,
}

/// A preset ready to use: its system prompt read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preset {
    pub name: String,
    pub system: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub reasoning: Option<Reasoning>,
}

/// Every preset, and which one applies by default where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presets {
    pub list: Vec<Preset>,
    pub default: Option<String>,
    pub by_provider: BTreeMap<String, String>,
    pub by_model: BTreeMap<String, String>,
}

impl Presets {
    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.list.iter().find(|p| p.name == name)
    }

    /// The preset a conversation on `provider` · `model` starts with when none was chosen:
    /// the model's, else the provider's, else `default_preset`.
    pub fn default_for(&self, provider: &str, model: &str) -> Option<&Preset> {
        self.by_model
            .get(model)
            .or_else(|| self.by_provider.get(provider))
            .or(self.default.as_ref())
            .and_then(|n| self.get(n))
    }

    /// The names, for error messages.
    pub fn names(&self) -> String {
        if self.list.is_empty() {
            return "none are defined ([presets.NAME] in config.toml)".into();
        }
        self.list
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a start resolves to: the preset, and the provider and model it leads to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartChoice {
    pub preset: Option<Preset>,
    pub provider: Option<String>,
    pub model: Option<String>,
}

impl Config {
    /// The preset to start with and where it sends requests. `asked` is `--preset`;
    /// `provider`/`model` what the command line (or a continued conversation) chose, which
    /// a preset's own provider and model do not override when `pinned`.
    pub fn start_choice(
        &self,
        asked: Option<&str>,
        provider: Option<String>,
        model: Option<String>,
        pinned: bool,
    ) -> Result<StartChoice, super::ProviderConfigError> {
        let presets = self.presets();
        let preset = match asked {
            Some(name) => Some(presets.get(name).cloned().ok_or_else(|| {
                super::ProviderConfigError::UnknownPreset {
                    name: name.to_string(),
                    known: presets.names(),
                }
            })?),
            None => {
                let id = provider.clone().or_else(|| self.start_provider_id());
                let m = model.clone().or_else(|| {
                    id.as_deref()
                        .and_then(|id| self.provider(id, None).ok())
                        .map(|c| c.model)
                });
                presets
                    .default_for(id.as_deref().unwrap_or(""), m.as_deref().unwrap_or(""))
                    .cloned()
            }
        };
        let (provider, model) = match &preset {
            Some(p) if !pinned && (p.provider.is_some() || p.model.is_some()) => {
                // A preset naming another provider but no model takes that one's default.
                let model = p
                    .model
                    .clone()
                    .or_else(|| model.filter(|_| p.provider.is_none() || p.provider == provider));
                (p.provider.clone().or(provider), model)
            }
            _ => (provider, model),
        };
        Ok(StartChoice {
            preset,
            provider,
            model,
        })
    }

    /// The presets with their system files read. `config_dir` is where relative
    /// `system_file` paths start.
    pub fn presets(&self) -> Presets {
        // In the file's order, as written.
        let mut ordered: Vec<_> = self.presets.iter().collect();
        ordered.sort_by_key(|(_, p)| p.span().start);
        let list = ordered
            .into_iter()
            .map(|(name, p)| {
                let p = p.get_ref();
                Preset {
                    name: name.clone(),
                    system: p.system.clone(),
                    provider: p.provider.clone(),
                    model: p.model.clone(),
                    temperature: p.temperature,
                    max_tokens: p.max_tokens,
                    reasoning: p.reasoning_effort.map(|effort| Reasoning {
                        effort,
                        budget: p.reasoning_budget,
                    }),
                }
            })
            .collect();
        Presets {
            list,
            default: self.default_preset.as_ref().map(|n| n.get_ref().clone()),
            by_provider: self
                .providers
                .iter()
                .filter_map(|(id, p)| p.get_ref().preset.clone().map(|n| (id.clone(), n)))
                .collect(),
            by_model: self
                .models
                .iter()
                .filter_map(|(id, m)| m.preset.clone().map(|n| (id.clone(), n)))
                .collect(),
        }
    }

    /// Reads each preset's `system_file` into its `system` (at load, so a missing file is
    /// an error at its line before anything starts).
    pub(super) fn read_system_files(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        for (name, p) in self.presets.iter_mut() {
            let span = p.span();
            let p = p.get_mut();
            let Some(file) = &p.system_file else {
                continue;
            };
            let expanded = crate::keystore::unlock::expand_home(file);
            let full = if expanded.is_absolute() {
                expanded
            } else {
                dir.join(expanded)
            };
            // The key's own line: after the table's header.
            let at = text
                .find(&format!("[presets.{name}]"))
                .and_then(|h| text[h..].find("system_file").map(|o| h + o..h + o + 1));
            match std::fs::read_to_string(&full) {
                Ok(s) => p.system = Some(s.trim_end().to_string()),
                Err(e) => {
                    let msg = format!(
                        "presets.{name}.system_file: cannot read {}: {e}",
                        full.display()
                    );
                    return Err(ConfigError::at(path, text, at.or(Some(span)), &msg));
                }
            }
        }
        Ok(())
    }

    /// Preset names are checked where they are used; a preset's own values as a provider's.
    pub(super) fn check_presets(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let known = |n: &str| self.presets.contains_key(n);
        let names = || self.presets().names();
        if let Some(d) = &self.default_preset
            && !known(d.get_ref())
        {
            let msg = format!(
                "default_preset = {:?} names no preset; known: {}",
                d.get_ref(),
                names()
            );
            return Err(ConfigError::at(path, text, Some(d.span()), &msg));
        }
        for (id, p) in &self.providers {
            if let Some(n) = &p.get_ref().preset
                && !known(n)
            {
                let msg = format!(
                    "providers.{id}.preset = {n:?} names no preset; known: {}",
                    names()
                );
                return Err(ConfigError::at(path, text, Some(p.span()), &msg));
            }
        }
        for (model, m) in &self.models {
            if let Some(n) = &m.preset
                && !known(n)
            {
                let msg = format!(
                    "[models.{model:?}] preset = {n:?} names no preset; known: {}",
                    names()
                );
                let at = text.find(&format!("preset = {n:?}")).map(|p| p..p + 1);
                return Err(ConfigError::at(path, text, at, &msg));
            }
        }
        for (name, p) in &self.presets {
            let span = Some(p.span());
            let p = p.get_ref();
            let fail = |msg: String| Err(ConfigError::at(path, text, span.clone(), &msg));
            if p.system.is_some() && p.system_file.is_some() {
                return fail(format!(
                    "presets.{name} has both system and system_file; keep one"
                ));
            }
            if let Some(msg) = super::bad_temperature(&format!("presets.{name}"), p.temperature) {
                return fail(msg);
            }
            if p.max_tokens == Some(0) {
                return fail(format!(
                    "presets.{name}.max_tokens = 0 leaves no room for an answer"
                ));
            }
            if let Some(id) = &p.provider
                && !self.providers.contains_key(id)
                && crate::providers::catalog::builtin(id).is_none()
            {
                return fail(format!(
                    "presets.{name}.provider = {id:?} names no provider; known: {}",
                    self.provider_ids().join(", ")
                ));
            }
        }
        Ok(())
    }
}
