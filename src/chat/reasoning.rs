//! How hard a reasoning model should think before it answers: the effort the user chose and,
//! where an API takes one, an explicit budget of reasoning tokens. Each protocol maps it to
//! its own parameter (see `providers::reasoning`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    /// Ask for no reasoning (a model that always reasons still does, at its least).
    #[default]
    Off,
    Low,
    Medium,
    High,
}

impl Effort {
    pub const ALL: [Effort; 4] = [Self::Off, Self::Low, Self::Medium, Self::High];

    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The next level, round: off, low, medium, high, off.
    pub fn next(self) -> Self {
        match self {
            Self::Off => Self::Low,
            Self::Low => Self::Medium,
            Self::Medium => Self::High,
            Self::High => Self::Off,
        }
    }
}

/// The reasoning asked of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Reasoning {
    pub effort: Effort,
    /// Reasoning tokens, for the APIs that take a number (Anthropic, Gemini, OpenRouter);
    /// `None`: the effort's own budget.
    pub budget: Option<u32>,
}

impl Reasoning {
    pub fn new(effort: Effort) -> Self {
        Self {
            effort,
            budget: None,
        }
    }

    pub fn is_on(self) -> bool {
        self.effort != Effort::Off
    }

    /// The token budget for APIs that want one: the explicit budget, else the effort's.
    /// Anthropic's minimum is 1,024; Gemini Flash's maximum is 24,576.
    pub fn budget_tokens(self) -> u32 {
        match self.effort {
            Effort::Off => 0,
            _ => self.budget.unwrap_or(match self.effort {
                Effort::Low => 2048,
                Effort::Medium => 8192,
                _ => 24576,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effort_cycles_and_parses_and_budgets_follow_it() {
        let mut e = Effort::Off;
        let seen: Vec<&str> = (0..5)
            .map(|_| {
                e = e.next();
                e.name()
            })
            .collect();
        assert_eq!(seen, ["low", "medium", "high", "off", "low"]);
        assert_eq!(Effort::parse(" High "), Some(Effort::High));
        assert_eq!(Effort::parse("max"), None);
        assert_eq!(Reasoning::new(Effort::Off).budget_tokens(), 0);
        assert_eq!(Reasoning::new(Effort::Low).budget_tokens(), 2048);
        assert_eq!(Reasoning::new(Effort::High).budget_tokens(), 24576);
        let explicit = Reasoning {
            effort: Effort::Low,
            budget: Some(5000),
        };
        assert_eq!(explicit.budget_tokens(), 5000);
        assert!(!Reasoning::default().is_on());
    }
}
