//! `[context]`: what keyturn does on its own when the next request nears its model's context
//! window. Off by default: a request that cannot fit is held and the user chooses.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContextConfig {
    /// "off" (ask when a request cannot fit), "drop" (leave out the oldest turns) or
    /// "summarize" (summarize them into a checkpoint, one request to the same model).
    pub auto: AutoFit,
    /// The share of the window (input and the reply's reserve) past which `auto` acts,
    /// between 0.5 and 1.0.
    pub threshold: Spanned<f64>,
    /// Ask Anthropic (`count_tokens`) and Gemini (`countTokens`) for the exact count of the
    /// next request when typing pauses (free calls, with your key); off: counted locally.
    pub provider_counts: bool,
}

impl Default for ContextConfig {
    fn default() -> Self {
        Self {
            auto: AutoFit::Off,
            threshold: Spanned::new(0..0, DEFAULT_THRESHOLD),
            provider_counts: false,
        }
    }
}

pub const DEFAULT_THRESHOLD: f64 = 0.9;

impl ContextConfig {
    /// The threshold, or why it cannot be one (with where it is in the file).
    pub fn check(&self) -> Result<(), (std::ops::Range<usize>, String)> {
        let t = *self.threshold.get_ref();
        if (0.5..=1.0).contains(&t) {
            Ok(())
        } else {
            Err((
                self.threshold.span(),
                format!(
                    "[context] threshold = {t}: give a share of the window between 0.5 and 1.0 (0.9 acts at 90 %)"
                ),
            ))
        }
    }
}

/// What keyturn does by itself when a request nears its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoFit {
    #[default]
    Off,
    Drop,
    Summarize,
}

#[cfg(test)]
mod tests {
    use crate::config::{AutoFit, Config};
    use std::path::Path;

    #[test]
    fn auto_fit_parses_and_a_threshold_outside_its_range_names_its_line() {
        let c = Config::parse(
            Path::new("c.toml"),
            "[context]\nauto = \"summarize\"\nthreshold = 0.8\n",
        )
        .unwrap();
        assert_eq!(c.context.auto, AutoFit::Summarize);
        assert_eq!(*c.context.threshold.get_ref(), 0.8);
        assert_eq!(Config::default().context.auto, AutoFit::Off);
        let e = Config::parse(
            Path::new("c.toml"),
            "[context]\nauto = \"drop\"\nthreshold = 1.5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("c.toml:3:") && e.contains("between 0.5 and 1.0"),
            "{e}"
        );
        let e = Config::parse(Path::new("c.toml"), "[context]\nauto = \"sometimes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml:2:"), "{e}");
    }
}
