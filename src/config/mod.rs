//! The config file: typed structs with serde defaults, strict parsing (unknown keys and wrong
//! types are errors with file:line:column), and resolution of the provider to use.

pub mod attachments;
pub mod bindings;
pub mod context;
pub mod edit;
pub mod error;
pub mod history;
pub mod network;
pub mod paths;
pub mod presets;
pub mod providers;
pub mod reasoning;
pub mod ui;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

pub use attachments::AttachmentsConfig;
pub use context::{AutoFit, ContextConfig};
pub use error::{ConfigError, NoHomeError, ProviderConfigError};
pub use history::{HistoryConfig, TitleMode};
pub use network::{Failover, NetworkConfig};
pub use paths::Paths;
pub use presets::{Preset, Presets, StartChoice};
pub use providers::{AuthKind, ProviderChoice, ProviderConfig};
pub use reasoning::ReasoningDefaults;
pub use ui::{ClipboardMode, ColorMode, NotifyMode, ThemeName, UiConfig};

use crate::providers::catalog::{CATALOG, builtin};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Provider id used at start.
    pub default_provider: Option<Spanned<String>>,
    /// Model used at start; else the provider's `default_model`.
    pub default_model: Option<String>,
    /// Sent as the system prompt of every conversation (a preset's replaces it).
    pub system_prompt: Option<String>,
    /// The preset conversations start with (`[presets.<name>]`).
    pub default_preset: Option<Spanned<String>>,
    /// Named roles: a system prompt, a model and its settings.
    pub presets: BTreeMap<String, Spanned<presets::PresetConfig>>,
    /// Reasoning effort for every model that reasons: "off", "low", "medium" or "high";
    /// left out, nothing is asked (the model's own default).
    pub reasoning_effort: Option<crate::chat::Effort>,
    /// Reasoning tokens where the API takes a number (Anthropic, Gemini, OpenRouter).
    pub reasoning_budget: Option<u32>,
    pub ui: UiConfig,
    pub network: NetworkConfig,
    pub keystore: KeystoreConfig,
    pub budget: crate::usage::budget::BudgetConfig,
    pub history: HistoryConfig,
    /// What keyturn does by itself when a request nears its model's context window.
    pub context: ContextConfig,
    /// How much a message may carry in attached files.
    pub attachments: AttachmentsConfig,
    /// Key bindings: `action = "key"` or `[keys.<scope>] action = ["key", ...]`.
    pub keys: BTreeMap<String, Spanned<toml::Value>>,
    pub providers: BTreeMap<String, Spanned<ProviderConfig>>,
    /// `[models."<model-id>"]`: a model's context window and output limit, over what the
    /// provider's list and the shipped table say.
    pub models: BTreeMap<String, ModelLimits>,
}

/// A model's table in config.toml: its limits and its reasoning.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelLimits {
    pub context_window: Option<u64>,
    pub max_output_tokens: Option<u64>,
    /// Whether the model reasons (over what its name says).
    pub reasoning: Option<bool>,
    pub reasoning_effort: Option<crate::chat::Effort>,
    pub reasoning_budget: Option<u32>,
    /// Whether the model takes images (over what the catalogue and its name say).
    pub images: Option<bool>,
    /// The preset a conversation on this model starts with.
    pub preset: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeystoreConfig {
    /// Unlock keys.age with this age identity file or SSH private key instead of a passphrase.
    pub identity_file: Option<std::path::PathBuf>,
    /// scrypt work factor (log2 N) for new passphrases: each step doubles the unlock time.
    pub scrypt_work_factor: u8,
    /// Also encrypt keys.age to these age recipients or SSH public keys (or files of them),
    /// so one file opens on several machines. Needs `identity_file`: a passphrase-protected
    /// age file cannot have other recipients.
    pub recipients: Vec<String>,
}

impl Default for KeystoreConfig {
    fn default() -> Self {
        Self {
            identity_file: None,
            scrypt_work_factor: crate::keystore::DEFAULT_LOG_N,
            recipients: Vec::new(),
        }
    }
}

/// Why `table`'s temperature cannot be used, if it cannot: nan and inf parse as floats
/// but no provider takes them.
fn bad_temperature(table: &str, t: Option<f32>) -> Option<String> {
    let t = t?;
    (!(t.is_finite() && (0.0..=2.0).contains(&t))).then(|| {
        format!("{table}.temperature = {t} is not a temperature; use a number from 0 to 2")
    })
}

impl Config {
    /// Reads and checks the config. A missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut config = Self::parse(path, &text)?;
                config.read_system_files(path, &text)?;
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let config: Config =
            toml::from_str(text).map_err(|e| ConfigError::at(path, text, e.span(), e.message()))?;
        config.validate(path, text)?;
        Ok(config)
    }

    fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        if !self.keystore.recipients.is_empty() && self.keystore.identity_file.is_none() {
            let at = text.find("recipients").map(|p| p..p + 1);
            let msg = "keystore.recipients needs keystore.identity_file: a passphrase-protected key store cannot also be encrypted to other keys (age allows a passphrase only alone); set identity_file to your SSH key or an age identity, or remove recipients";
            return Err(ConfigError::at(path, text, at, msg));
        }
        self.check_presets(path, text)?;
        if let Err((span, msg)) = self.context.check() {
            return Err(ConfigError::at(path, text, Some(span), &msg));
        }
        for (model, limits) in &self.models {
            if limits.context_window == Some(0) || limits.max_output_tokens == Some(0) {
                let msg = format!(
                    "[models.{model:?}]: a context window or output limit of 0 tokens fits nothing; give the model's real limit or leave it out"
                );
                // The table's header, for the line number.
                let at = text
                    .find(&format!("[models.{model:?}]"))
                    .or_else(|| text.find(&format!("[models.{model}]")))
                    .map(|p| p..p + 1);
                return Err(ConfigError::at(path, text, at, &msg));
            }
        }
        if let Some(id) = &self.default_provider
            && !self.providers.contains_key(id.get_ref())
            && builtin(id.get_ref()).is_none()
        {
            let msg = format!(
                "default_provider = {:?} names no provider; known: {}",
                id.get_ref(),
                self.provider_ids().join(", ")
            );
            return Err(ConfigError::at(path, text, Some(id.span()), &msg));
        }
        for (id, p) in &self.providers {
            if let Some(msg) = bad_temperature(&format!("providers.{id}"), p.get_ref().temperature)
            {
                return Err(ConfigError::at(path, text, Some(p.span()), &msg));
            }
            match &p.get_ref().base_url {
                Some(url) => match reqwest::Url::parse(url.get_ref()) {
                    Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
                    _ => {
                        let msg = format!(
                            "providers.{id}.base_url {:?} is not an http(s) URL",
                            url.get_ref()
                        );
                        return Err(ConfigError::at(path, text, Some(url.span()), &msg));
                    }
                },
                None if builtin(id).is_none() => {
                    let msg = format!(
                        "[providers.{id}] needs base_url: {id:?} is not a built-in provider (built-in: {})",
                        CATALOG.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
                    );
                    return Err(ConfigError::at(path, text, Some(p.span()), &msg));
                }
                None => {}
            }
        }
        if let Some(name) = &self.ui.syntax_theme
            && !crate::theme::SYNTAX_THEMES.contains(&name.get_ref().as_str())
        {
            let msg = format!(
                "ui.syntax_theme = {:?} is not a known theme; choose one of: {}",
                name.get_ref(),
                crate::theme::SYNTAX_THEMES.join(", ")
            );
            return Err(ConfigError::at(path, text, Some(name.span()), &msg));
        }
        let b = &self.budget;
        if !(0.0..=1.0).contains(&b.warn_at) || !(1..=28).contains(&b.reset_day) {
            return Err(ConfigError::at(
                path,
                text,
                None,
                "budget.warn_at must be between 0.0 and 1.0 and budget.reset_day between 1 and 28",
            ));
        }
        if let Err(e) = self.try_keymap() {
            return Err(ConfigError::at(path, text, Some(e.span), &e.message));
        }
        let wf = self.keystore.scrypt_work_factor;
        if !(1..=crate::keystore::MAX_LOG_N).contains(&wf) {
            let msg = format!(
                "keystore.scrypt_work_factor = {wf} is out of range 1..={}",
                crate::keystore::MAX_LOG_N
            );
            return Err(ConfigError::at(path, text, None, &msg));
        }
        let a = &self.attachments;
        if a.max_file_bytes == 0 || a.max_message_bytes == 0 || a.max_files == 0 {
            let at = text.find("[attachments]").map(|p| p..p + 1);
            let msg = "attachments limits must be above 0 (leave a line out for its default)";
            return Err(ConfigError::at(path, text, at, msg));
        }
        if self.network.idle_timeout_secs == 0 || self.network.connect_timeout_secs == 0 {
            return Err(ConfigError::at(
                path,
                text,
                None,
                "network timeouts must be at least 1 second",
            ));
        }
        Ok(())
    }

    pub fn timeouts(&self) -> crate::providers::http::Timeouts {
        crate::providers::http::Timeouts {
            connect: std::time::Duration::from_secs(self.network.connect_timeout_secs),
            idle: std::time::Duration::from_secs(self.network.idle_timeout_secs),
            nap: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/tmp/c.toml"), text)
    }

    #[test]
    fn keystore_recipients_need_an_identity_and_say_so_at_their_line() {
        let err = parse("[keystore]\nscrypt_work_factor = 10\nrecipients = [\"age1x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml:3:1") && err.contains("needs keystore.identity_file"),
            "{err}"
        );
        let ok = parse("[keystore]\nidentity_file = \"/k\"\nrecipients = [\"age1x\"]\n").unwrap();
        assert_eq!(ok.keystore.recipients, ["age1x"]);
    }

    const GOOD: &str = r#"
default_provider = "local"
default_model = "mock-model"
[ui]
theme = "dark"
[providers.local]
name = "Local server"
protocol = "openai"
base_url = "http://127.0.0.1:8080/v1"
auth = "none"
default_model = "mock-model"
models = ["mock-model"]
"#;

    #[test]
    fn contract_shape_parses_and_resolves() {
        let c = parse(GOOD).unwrap();
        let p = c.provider("local", None).unwrap();
        assert_eq!(p.endpoint.name, "Local server");
        assert_eq!(p.model, "mock-model");
        assert_eq!(p.auth, AuthKind::None);
        assert_eq!(c.provider("local", Some("other")).unwrap().model, "other");
    }

    #[test]
    fn unknown_key_names_line_column_and_key() {
        let text = "default_model = \"x\"\n[ui]\nthem = \"dark\"\n";
        let e = parse(text).unwrap_err().to_string();
        assert!(e.starts_with("/tmp/c.toml:3:1: "), "{e}");
        assert!(e.contains("them"), "{e}");
    }

    #[test]
    fn wrong_type_and_bad_toml_are_located() {
        let e = parse("[network]\nidle_timeout_secs = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/tmp/c.toml:2:"), "{e}");
        let e = parse("a = [\n").unwrap_err().to_string();
        assert!(e.contains("/tmp/c.toml:"), "{e}");
    }

    #[test]
    fn default_provider_must_exist() {
        let e = parse("default_provider = \"nope\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/tmp/c.toml:1:20: "), "{e}");
        assert!(e.contains("nope"), "{e}");
    }

    #[test]
    fn without_default_provider_the_first_table_in_the_file_is_the_default() {
        let text = "[providers.zeta]\nbase_url = \"http://127.0.0.1:1/v1\"\ndefault_model = \"z\"\n\
                    [providers.alpha]\nbase_url = \"http://127.0.0.1:2/v1\"\ndefault_model = \"a\"\n";
        assert_eq!(
            parse(text).unwrap().start_provider_id().as_deref(),
            Some("zeta")
        );
    }

    #[test]
    fn temperature_must_be_a_finite_number_in_range() {
        for bad in ["nan", "inf", "-inf", "3.5", "-1"] {
            let text = format!(
                "[providers.x]\nbase_url = \"http://127.0.0.1:1/v1\"\ntemperature = {bad}\n"
            );
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains("is not a temperature"), "{bad}: {e}");
        }
        let ok = "[providers.x]\nbase_url = \"http://127.0.0.1:1/v1\"\ntemperature = 0.7\n";
        assert!(parse(ok).is_ok());
    }

    #[test]
    fn base_url_must_be_http() {
        let text = "[providers.x]\nbase_url = \"ftp://x\"\n";
        let e = parse(text).unwrap_err().to_string();
        assert!(e.starts_with("/tmp/c.toml:2:12: "), "{e}");
    }

    #[test]
    fn example_config_parses() {
        let text = include_str!("../../config.example.toml");
        let c = Config::parse(Path::new("config.example.toml"), text).unwrap();
        assert!(c.start_provider_id().is_some());
    }
}
