//! The price table: shipped in `assets/prices.toml`, overridden or extended by the user's
//! `prices.toml` next to config.toml. A model that is not listed has an unknown cost.

use serde::Deserialize;

use crate::chat::money::{PerToken, Usd};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub provider: String,
    pub model: String,
    /// Per prompt token (written in USD per token).
    pub input: PerToken,
    /// Per completion token (reasoning included).
    pub output: PerToken,
    /// Per cached prompt token; default: `input`.
    pub cached_input: Option<PerToken>,
    /// Per prompt token written to the cache (Anthropic's five-minute cache); default: `input`.
    #[serde(default)]
    pub cache_write: Option<PerToken>,
}

impl Price {
    /// What a request cost: its prompt tokens (`cached` of them read from the cache), and
    /// output tokens.
    pub fn cost(&self, input: u64, cached: u64, output: u64) -> Usd {
        self.cost_with_writes(input, cached, 0, output)
    }

    /// What a request cost when `written` of its prompt tokens were written to the cache.
    pub fn cost_with_writes(&self, input: u64, cached: u64, written: u64, output: u64) -> Usd {
        self.input
            .times(input.saturating_sub(cached).saturating_sub(written))
            + self.cached_input.unwrap_or(self.input).times(cached)
            + self.cache_write.unwrap_or(self.input).times(written)
            + self.output.times(output)
    }

    /// What caching saved on a request: its cached and cache-written tokens at the input
    /// price, less what they cost (negative when writes cost more than reads saved).
    pub fn cache_saved(&self, cached: u64, written: u64) -> Usd {
        self.input.times(cached + written)
            - self.cached_input.unwrap_or(self.input).times(cached)
            - self.cache_write.unwrap_or(self.input).times(written)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    #[serde(default)]
    source: Option<toml::Value>,
    #[serde(default)]
    model: Vec<Price>,
}

pub const SHIPPED: &str = include_str!("../../assets/prices.toml");

/// Why a price list could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("{0}")]
    Parse(#[from] toml::de::Error),
    #[error("{}: {source}", path.display())]
    InFile {
        path: std::path::PathBuf,
        source: Box<PriceError>,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    pub prices: Vec<Price>,
}

impl PriceTable {
    pub fn parse(text: &str) -> Result<Self, PriceError> {
        let file: PriceFile = toml::from_str(text)?;
        let _ = file.source;
        Ok(Self { prices: file.model })
    }

    /// The table shipped in `assets/prices.toml`.
    pub fn shipped() -> Self {
        Self::parse(SHIPPED).unwrap_or_default()
    }

    /// [`load`](Self::load), or the shipped table when the user's file cannot be used, with
    /// a sentence saying so (a broken price list is never silently ignored).
    pub fn load_or_shipped(user_file: &std::path::Path) -> (Self, Option<String>) {
        match Self::load(user_file) {
            Ok(t) => (t, None),
            Err(e) => (
                Self::shipped(),
                Some(format!(
                    "Could not use your price list ({e}); using the built-in one."
                )),
            ),
        }
    }

    /// The shipped table with the user's file (if any) applied on top.
    pub fn load(user_file: &std::path::Path) -> Result<Self, PriceError> {
        let mut table = Self::parse(SHIPPED).expect("the shipped price table parses");
        match std::fs::read_to_string(user_file) {
            Ok(text) => {
                let user = Self::parse(&text).map_err(|e| PriceError::InFile {
                    path: user_file.to_path_buf(),
                    source: Box::new(e),
                })?;
                table.overlay(user);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(PriceError::Read {
                    path: user_file.to_path_buf(),
                    source,
                });
            }
        }
        Ok(table)
    }

    pub fn overlay(&mut self, user: PriceTable) {
        for p in user.prices {
            self.prices
                .retain(|q| !(q.provider == p.provider && q.model == p.model));
            self.prices.push(p);
        }
    }

    /// The price of `model` at `provider`: an exact entry, else one whose name is the model's
    /// without a date or version suffix ("gpt-4.1-2025-04-14" → "gpt-4.1"), never a guess
    /// from a merely similar name.
    /// A request to this model will have a known cost: the table prices it, or the provider
    /// reports each request's cost itself (OpenRouter).
    pub fn knows(&self, provider: &str, model: &str) -> bool {
        provider == "openrouter" || self.find(provider, model).is_some()
    }

    pub fn find(&self, provider: &str, model: &str) -> Option<&Price> {
        let at = self.prices.iter().filter(|p| p.provider == provider);
        find_model(at, model, |p| &p.model)
    }
}

/// The entry for `model` among `entries` (named by `name`): an exact one, else the longest
/// whose name is the model's without a date or version suffix, never a merely similar name.
/// The price table and the table of context windows look models up alike.
pub(crate) fn find_model<'a, T>(
    entries: impl Iterator<Item = &'a T>,
    model: &str,
    name: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let mut best: Option<&T> = None;
    for e in entries {
        if name(e) == model {
            return Some(e);
        }
        if let Some(rest) = model.strip_prefix(name(e))
            && is_version_suffix(rest)
            && best.is_none_or(|b| name(b).len() < name(e).len())
        {
            best = Some(e);
        }
    }
    best
}

/// "-2025-04-14", "-20250514", "-001", "-latest".
fn is_version_suffix(rest: &str) -> bool {
    let Some(tail) = rest.strip_prefix('-') else {
        return false;
    };
    tail == "latest" || (!tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit() || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_lookups_respect_names() {
        let t = PriceTable::parse(SHIPPED).unwrap();
        assert!(t.prices.len() > 25);
        let p = t.find("openai", "gpt-4.1-mini").unwrap();
        assert_eq!(p.model, "gpt-4.1-mini");
        assert_eq!(
            t.find("openai", "gpt-4.1-2025-04-14").unwrap().model,
            "gpt-4.1"
        );
        assert_eq!(
            t.find("anthropic", "claude-sonnet-4-20250514")
                .unwrap()
                .model,
            "claude-sonnet-4"
        );
        // A different model with a similar name is not priced.
        assert!(t.find("openai", "gpt-4.1-turbo").is_none());
        assert!(t.find("openai", "mystery").is_none());
        assert!(t.find("groq", "gpt-4.1").is_none());
    }

    #[test]
    fn the_users_file_replaces_and_adds() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("prices.toml");
        std::fs::write(
            &f,
            "[[model]]\nprovider = \"openai\"\nmodel = \"gpt-4.1\"\ninput = 1e-6\noutput = 2e-6\n\n\
             [[model]]\nprovider = \"local\"\nmodel = \"mock-model\"\ninput = 0.0\noutput = 0.0\n",
        )
        .unwrap();
        let t = PriceTable::load(&f).unwrap();
        assert_eq!(
            t.find("openai", "gpt-4.1").unwrap().input,
            PerToken::from_picos(1_000_000)
        );
        assert!(t.find("local", "mock-model").is_some());
        std::fs::write(&f, "[[model]]\nprovider = 1\n").unwrap();
        assert!(
            PriceTable::load(&f)
                .unwrap_err()
                .to_string()
                .contains("prices.toml")
        );
    }
}
