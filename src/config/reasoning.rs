//! Reasoning effort as config sets it: globally (`reasoning_effort`, `reasoning_budget`),
//! per provider and per model (`[models."<id>"]`, which can also say whether a model
//! reasons at all). The app resolves it for each model it switches to.

use std::collections::BTreeMap;

use super::Config;
use crate::chat::{Effort, Reasoning};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Setting {
    effort: Option<Effort>,
    budget: Option<u32>,
}

/// Every reasoning default config gives, resolved per model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReasoningDefaults {
    global: Setting,
    providers: BTreeMap<String, Setting>,
    models: BTreeMap<String, (Setting, Option<bool>)>,
}

impl ReasoningDefaults {
    pub fn from_config(config: &Config) -> Self {
        Self {
            global: Setting {
                effort: config.reasoning_effort,
                budget: config.reasoning_budget,
            },
            providers: config
                .providers
                .iter()
                .map(|(id, p)| {
                    let p = p.get_ref();
                    let s = Setting {
                        effort: p.reasoning_effort,
                        budget: p.reasoning_budget,
                    };
                    (id.clone(), s)
                })
                .collect(),
            models: config
                .models
                .iter()
                .map(|(id, m)| {
                    let s = Setting {
                        effort: m.reasoning_effort,
                        budget: m.reasoning_budget,
                    };
                    (id.clone(), (s, m.reasoning))
                })
                .collect(),
        }
    }

    /// The reasoning to ask of `model` at `provider` until the user changes it: the model's
    /// setting, else the provider's, else the global one; `None` when none is set (nothing
    /// is sent: the model's own default).
    pub fn for_model(&self, provider: &str, model: &str) -> Option<Reasoning> {
        let m = self.models.get(model).map(|(s, _)| *s).unwrap_or_default();
        let p = self.providers.get(provider).copied().unwrap_or_default();
        let effort = m.effort.or(p.effort).or(self.global.effort)?;
        Some(Reasoning {
            effort,
            budget: self.budget(provider, model),
        })
    }

    /// The budget config gives for `model` (for an effort the user picked at run time).
    pub fn budget(&self, provider: &str, model: &str) -> Option<u32> {
        let m = self.models.get(model).and_then(|(s, _)| s.budget);
        let p = self.providers.get(provider).and_then(|s| s.budget);
        m.or(p).or(self.global.budget)
    }

    /// Whether `model` reasons: config's `reasoning = true|false`, else what its name says.
    pub fn reasons(&self, model: &str) -> bool {
        self.models
            .get(model)
            .and_then(|(_, r)| *r)
            .unwrap_or_else(|| crate::providers::reasoning::reasons(model))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_then_the_provider_then_the_global_setting_decide() {
        let text = r#"
reasoning_effort = "low"
reasoning_budget = 3000
[providers.anthropic]
reasoning_effort = "high"
[models."claude-opus-4-1"]
reasoning_effort = "off"
[models."my-local-r1"]
reasoning = true
reasoning_budget = 500
[models."o3"]
reasoning = false
"#;
        let config: Config = toml::from_str(text).unwrap();
        let d = ReasoningDefaults::from_config(&config);
        let r = |p, m| d.for_model(p, m).map(|r| (r.effort, r.budget));
        assert_eq!(r("openai", "o4-mini"), Some((Effort::Low, Some(3000))));
        assert_eq!(
            r("anthropic", "claude-sonnet-4-5"),
            Some((Effort::High, Some(3000)))
        );
        assert_eq!(
            r("anthropic", "claude-opus-4-1"),
            Some((Effort::Off, Some(3000)))
        );
        assert_eq!(r("local", "my-local-r1"), Some((Effort::Low, Some(500))));
        assert!(d.reasons("my-local-r1") && !d.reasons("o3") && d.reasons("o4-mini"));
        assert!(!d.reasons("gpt-4o"));
        // Nothing set: nothing sent.
        let empty = ReasoningDefaults::from_config(&Config::default());
        assert_eq!(empty.for_model("openai", "o3"), None);
        // A level that is not one is an error naming its line.
        let err = toml::from_str::<Config>("reasoning_effort = \"max\"\n").unwrap_err();
        assert!(err.to_string().contains("unknown variant"), "{err}");
    }
}
