//! The config file: typed structs with serde defaults, strict parsing (unknown keys and wrong
//! types are errors with file:line:column), and resolution of the provider to use.

pub mod edit;
pub mod error;
pub mod history;
pub mod paths;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

pub use error::ConfigError;
pub use history::{HistoryConfig, TitleMode};
pub use paths::Paths;

use crate::providers::catalog::{CATALOG, builtin};
use crate::providers::{Endpoint, Protocol};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Provider id used at start.
    pub default_provider: Option<Spanned<String>>,
    /// Model used at start; else the provider's `default_model`.
    pub default_model: Option<String>,
    /// Sent as the system prompt of every conversation.
    pub system_prompt: Option<String>,
    pub ui: UiConfig,
    pub network: NetworkConfig,
    pub keystore: KeystoreConfig,
    pub budget: crate::usage::budget::BudgetConfig,
    pub history: HistoryConfig,
    /// Key bindings: `action = "key"` or `[keys.<scope>] action = ["key", ...]`.
    pub keys: BTreeMap<String, Spanned<toml::Value>>,
    pub providers: BTreeMap<String, Spanned<ProviderConfig>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeystoreConfig {
    /// Unlock keys.age with this age identity file or SSH private key instead of a passphrase.
    pub identity_file: Option<std::path::PathBuf>,
    /// scrypt work factor (log2 N) for new passphrases: each step doubles the unlock time.
    pub scrypt_work_factor: u8,
}

impl Default for KeystoreConfig {
    fn default() -> Self {
        Self {
            identity_file: None,
            scrypt_work_factor: crate::keystore::DEFAULT_LOG_N,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

/// How many colours to use: detected from the terminal, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum ColorMode {
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "truecolor")]
    Truecolor,
    #[serde(rename = "256")]
    Ansi256,
    #[serde(rename = "16")]
    Ansi16,
    #[serde(rename = "none")]
    None,
}

/// Where a copy goes: OSC 52 (the terminal's clipboard, works over SSH and in tmux), a
/// local clipboard program (wl-copy, xclip, xsel, pbcopy), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardMode {
    #[default]
    Osc52,
    Native,
    Both,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: ThemeName,
    /// Show reasoning text expanded instead of folded.
    pub show_reasoning: bool,
    pub color: ColorMode,
    /// syntect theme for code blocks; default follows `theme`.
    pub syntax_theme: Option<Spanned<String>>,
    /// Capture the mouse (wheel scrolls); off keeps the terminal's own selection working.
    pub mouse: bool,
    /// Make links clickable with OSC 8 (terminals that lack it may show stray text).
    pub hyperlinks: bool,
    pub clipboard: ClipboardMode,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    pub connect_timeout_secs: u64,
    /// Longest silence allowed between chunks of a reply (there is no total timeout).
    pub idle_timeout_secs: u64,
    /// When the active key is rejected or rate-limited and the provider has another key:
    /// "ask" offers to switch (Ctrl-F), "auto" switches and asks again, "off" does neither.
    pub failover: Failover,
    /// Look for llama.cpp, LM Studio and vLLM on 127.0.0.1 at start.
    pub discover_local: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Failover {
    #[default]
    Ask,
    Auto,
    Off,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 10,
            idle_timeout_secs: 60,
            failover: Failover::Ask,
            discover_local: true,
        }
    }
}

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
    /// Reads and checks the config. A missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
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
            && !crate::ui::theme::SYNTAX_THEMES.contains(&name.get_ref().as_str())
        {
            let msg = format!(
                "ui.syntax_theme = {:?} is not a known theme; choose one of: {}",
                name.get_ref(),
                crate::ui::theme::SYNTAX_THEMES.join(", ")
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
        if let Some((name, v)) = b
            .monthly_usd
            .map(|v| ("budget.monthly_usd".to_string(), v))
            .into_iter()
            .chain(
                b.providers
                    .iter()
                    .map(|(k, v)| (format!("budget.providers.{k}"), *v)),
            )
            .find(|(_, v)| !v.is_finite() || *v < 0.0)
        {
            let msg = format!("{name} = {v} must be a number of dollars, 0 or more");
            return Err(ConfigError::at(path, text, None, &msg));
        }
        if let Err((span, msg)) = self.try_keymap() {
            return Err(ConfigError::at(path, text, Some(span), &msg));
        }
        let wf = self.keystore.scrypt_work_factor;
        if !(1..=crate::keystore::MAX_LOG_N).contains(&wf) {
            let msg = format!(
                "keystore.scrypt_work_factor = {wf} is out of range 1..={}",
                crate::keystore::MAX_LOG_N
            );
            return Err(ConfigError::at(path, text, None, &msg));
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

    /// The default key map with `[keys]` applied (validated when the config is parsed).
    pub fn keymap(&self) -> crate::app::Keymap {
        self.try_keymap().unwrap_or_default()
    }

    fn try_keymap(&self) -> Result<crate::app::Keymap, (std::ops::Range<usize>, String)> {
        use crate::app::keymap::{Scope, parse_chords};
        let mut keymap = crate::app::Keymap::default();
        let action = |name: &str| {
            crate::app::Action::from_name(name).ok_or_else(|| {
                format!(
                    "keys.{name}: no action by that name (F1 lists them, e.g. retry, open_picker)"
                )
            })
        };
        for (name, value) in &self.keys {
            let span = value.span();
            match value.get_ref() {
                toml::Value::Table(table) => {
                    let scope = Scope::from_config_name(name)
                        .ok_or_else(|| (span.clone(), format!("[keys.{name}]: no such scope (global, composer, conversation, keys)")))?;
                    for (act, keys) in table {
                        let a = action(act).map_err(|m| (span.clone(), m))?;
                        let chords = parse_chords(keys)
                            .map_err(|m| (span.clone(), format!("keys.{name}.{act}: {m}")))?;
                        keymap
                            .rebind(scope, a, chords)
                            .map_err(|m| (span.clone(), format!("keys.{name}.{act}: {m}")))?;
                    }
                }
                other => {
                    let a = action(name).map_err(|m| (span.clone(), m))?;
                    let chords = parse_chords(other)
                        .map_err(|m| (span.clone(), format!("keys.{name}: {m}")))?;
                    keymap
                        .rebind(Scope::Global, a, chords)
                        .map_err(|m| (span.clone(), format!("keys.{name}: {m}")))?;
                }
            }
        }
        Ok(keymap)
    }

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
            .or_else(|| self.providers.keys().next().cloned())
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
    pub fn provider(&self, id: &str, model: Option<&str>) -> Result<ProviderChoice, String> {
        let b = builtin(id);
        let p = self.providers.get(id).map(Spanned::get_ref);
        if b.is_none() && p.is_none() {
            return Err(format!(
                "no provider {id:?}; known: {}",
                self.provider_ids().join(", ")
            ));
        }
        let base_url = p
            .and_then(|p| p.base_url.as_ref().map(|u| u.get_ref().clone()))
            .or_else(|| b.map(|b| b.base_url.to_string()))
            .ok_or_else(|| format!("provider {id:?} has no base_url"))?;
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
            .ok_or_else(|| {
                format!("provider {id:?} has no default_model; set one in config or pass --model")
            })?;
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

    pub fn timeouts(&self) -> crate::providers::http::Timeouts {
        crate::providers::http::Timeouts {
            connect: std::time::Duration::from_secs(self.network.connect_timeout_secs),
            idle: std::time::Duration::from_secs(self.network.idle_timeout_secs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/tmp/c.toml"), text)
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

#[cfg(test)]
mod keys_tests {
    use super::*;
    use crate::app::Action;
    use crate::app::keymap::{KeyChord, Scope};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/tmp/c.toml"), text)
    }

    fn chord(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    #[test]
    fn keys_rebind_actions_in_their_scope_or_a_named_one() {
        let c = parse("[keys]\nretry = \"ctrl-g\"\nopen_picker = [\"ctrl-o\", \"f2\"]\n[keys.composer]\nnewline = \"ctrl-j\"\n").unwrap();
        let km = c.keymap();
        assert_eq!(
            km.lookup(Scope::Global, chord("ctrl-g")),
            Some(Action::Retry)
        );
        assert_eq!(km.lookup(Scope::Global, chord("ctrl-r")), None);
        assert_eq!(
            km.lookup(Scope::Conversation, chord("r")),
            Some(Action::Retry),
            "retry is rebound in each scope it had keys in"
        );
        assert_eq!(
            km.lookup(Scope::Global, chord("ctrl-o")),
            Some(Action::OpenPicker)
        );
        assert_eq!(km.lookup(Scope::Composer, chord("alt-enter")), None);
        assert_eq!(
            km.lookup(Scope::Composer, chord("ctrl-j")),
            Some(Action::Newline)
        );
        assert!(km.key_for(Action::Retry) == "Ctrl-G");
    }

    #[test]
    fn bad_key_config_is_an_error_with_its_line() {
        for (text, line, needle) in [
            ("[keys]\nretyr = \"ctrl-g\"\n", 2, "no action by that name"),
            ("\n[keys]\nretry = \"ctrl-bogus\"\n", 3, "unknown key"),
            ("[keys]\nretry = \"ctrl-c\"\n", 2, "already bound to quit"),
            ("[keys.nowhere]\nretry = \"x\"\n", 1, "no such scope"),
            ("[keys]\nretry = 5\n", 2, "expected a key"),
            (
                "[ui]\n\nsyntax_theme = \"monokai\"\n",
                3,
                "choose one of: base16-ocean.dark",
            ),
            ("[ui]\ncolor = \"8\"\n", 2, "unknown variant"),
            ("[ui]\nclipboard = \"xclip\"\n", 2, "unknown variant"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("/tmp/c.toml:{line}:")),
                "{text:?}: {e}"
            );
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }
}
