//! What the app starts with, from config and the command line. Immutable once the app runs:
//! what changes at run time (the catalogue, the caps) moves into the session.

use super::{Keymap, key_manager, picker};
use crate::chat::Conversation;

/// The provider and model in use, as shown in the status bar.
/// `keyturn demo`: any key that starts with this is accepted by the demo provider, so adding
/// a key can be tried (the add dialog says so).
pub const DEMO_ACCEPTS: &str = "sk-test-";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub id: String,
    pub name: String,
    pub model: String,
}

/// Settings the app starts with (from config and CLI).
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    pub provider: Option<ProviderInfo>,
    /// `--provider`/`--model` chose it: a resumed conversation does not switch away.
    pub provider_pinned: bool,
    pub system_prompt: Option<String>,
    pub show_reasoning: bool,
    /// Vi editing in the composer (`ui.vi_mode`).
    pub vi_mode: bool,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// Shown in the empty conversation when no provider is configured.
    pub setup_hint: Option<String>,
    pub keymap: Keymap,
    /// The key store's state at start, and what can be added.
    pub store: Option<key_manager::StoreState>,
    pub key_providers: Vec<(String, String)>,
    pub auto_unlock_source: bool,
    /// The start provider needs a key: a locked store asks for its passphrase at once.
    pub provider_needs_key: bool,
    pub failover: crate::config::Failover,
    /// Every provider the picker offers.
    pub catalogue: Vec<picker::PickerProvider>,
    /// `keyturn demo`: the status bar says so.
    pub demo: bool,
    /// Links are made clickable with OSC 8 (`ui.hyperlinks`).
    pub hyperlinks: bool,
    /// The conversation to continue (the last one, loaded from history).
    pub resume: Option<Conversation>,
    /// Monthly caps (`[budget]`).
    pub budget: crate::usage::budget::BudgetConfig,
    /// The price table the ledger uses: a cap over a model it cannot price is said to be
    /// unenforceable.
    pub prices: std::sync::Arc<crate::usage::prices::PriceTable>,
    /// Context windows (config's `[models]` over the shipped table): the picker shows which
    /// models a request that did not fit would fit.
    pub windows: std::sync::Arc<crate::estimate::windows::WindowTable>,
    /// Where titles come from (`[history] titles`).
    pub titles: crate::config::TitleMode,
    /// What keyturn does by itself past `fit_threshold` of the window (`[context]`).
    pub auto_fit: crate::config::AutoFit,
    pub fit_threshold: f64,
    /// Reasoning effort per model (config's global, provider and model settings).
    pub reasoning: crate::config::ReasoningDefaults,
    /// `[presets]` and which one applies where.
    pub presets: crate::config::Presets,
    /// The preset the session starts with (`--preset`, else the default for the model).
    pub start_preset: Option<String>,
    /// `--preset` chose it: a resumed conversation does not switch to its own.
    pub preset_pinned: bool,
    /// Attached to the first message at start (text piped into `keyturn`).
    pub initial_attachments: Vec<crate::chat::Attachment>,
    /// No config and no key store: open the welcome flow (with an SSH key to offer, if any).
    pub first_run: Option<Option<std::path::PathBuf>>,
}
