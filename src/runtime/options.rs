//! The TUI's starting options, from config and the command line.

use crate::app::{AppOptions, ProviderInfo};
use crate::config::{Config, Paths};

fn setup_hint(paths: &Paths) -> String {
    format!(
        "Welcome to keyturn. No provider is chosen yet.\n\n\
         Press F3 to add a key for OpenAI, Anthropic, Gemini, Mistral, Groq, Together, OpenRouter, \
         NVIDIA, DeepSeek or xAI, then Ctrl-P to pick a model. Or set default_provider in {}.\n\n\
         No account? Quit (Ctrl-C) and run `keyturn demo` to try everything offline.\n\n\
         A local server (Ollama, vLLM, llama.cpp, LM Studio) works too: see config.example.toml.",
        paths.config_file.display()
    )
}

/// The TUI's starting options from config and the command line.
pub fn tui_options(
    config: &Config,
    paths: &Paths,
    provider: Option<String>,
    model: Option<&str>,
    preset: Option<&str>,
) -> Result<AppOptions, crate::config::ProviderConfigError> {
    let flags_pinned = provider.is_some() || model.is_some();
    let start = config.start_choice(preset, provider, model.map(str::to_string), flags_pinned)?;
    // A `--preset` that names a model chose it as surely as `--model` does.
    let names_model = |p: &crate::config::Preset| p.provider.is_some() || p.model.is_some();
    let provider_pinned =
        flags_pinned || (preset.is_some() && start.preset.as_ref().is_some_and(names_model));
    let provider_id = start.provider.or_else(|| config.start_provider_id());
    let choice = provider_id
        .map(|id| config.provider(&id, start.model.as_deref()))
        .transpose()?;
    let provider = choice.as_ref().map(|c| ProviderInfo {
        id: c.endpoint.id.clone(),
        name: c.endpoint.name.clone(),
        model: c.model.clone(),
    });
    let provider_needs_key = choice.as_ref().is_some_and(|c| {
        c.auth == crate::config::AuthKind::Key
            && c.api_key_env
                .as_ref()
                .is_none_or(|v| std::env::var_os(v).is_none())
    });
    Ok(AppOptions {
        setup_hint: provider.is_none().then(|| setup_hint(paths)),
        provider_needs_key,
        provider,
        provider_pinned,
        system_prompt: config.system_prompt.clone(),
        show_reasoning: config.ui.show_reasoning,
        vi_mode: config.ui.vi_mode,
        temperature: choice.as_ref().and_then(|c| c.temperature),
        max_tokens: choice.as_ref().and_then(|c| c.max_tokens),
        failover: config.network.failover,
        keymap: config.keymap(),
        hyperlinks: config.ui.hyperlinks,
        budget: config.budget.clone(),
        titles: config.history.titles,
        auto_fit: config.context.auto,
        fit_threshold: *config.context.threshold.get_ref(),
        reasoning: crate::config::ReasoningDefaults::from_config(config),
        presets: config.presets(),
        start_preset: start.preset.map(|p| p.name),
        preset_pinned: preset.is_some(),
        ..Default::default()
    })
}
