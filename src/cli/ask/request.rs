//! What `ask` sends: the provider and model, the preset, the system prompt and the
//! settings, by the precedence `config::presets` documents.

use super::AskArgs;
use crate::chat::{Conversation, Reasoning};
use crate::cli::CliError;
use crate::config::{Config, Preset, ProviderChoice};
use crate::providers::{ChatMessage, ChatRequest, Role};

/// Where the question goes and with which preset.
pub(super) struct Plan {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub preset: Option<Preset>,
    /// The system prompt to send ("" sends none).
    pub system: String,
    /// Files attached to the question (`-a`).
    pub attachments: Vec<crate::chat::Attachment>,
}

/// The provider, model and preset asked: the flags, else (continuing) the provider and
/// model that last answered in the conversation while config still has that provider, and
/// its preset; else config's defaults. The system prompt: `--system`, else `--preset`'s,
/// else the continued conversation's own, else the preset's, else `system_prompt`.
pub(super) fn plan(
    config: &Config,
    args: &AskArgs,
    earlier: Option<&Conversation>,
) -> Result<Plan, CliError> {
    let (provider, model, pinned) = if args.provider.is_some() || args.model.is_some() {
        (args.provider.clone(), args.model.clone(), true)
    } else {
        match earlier.and_then(Conversation::last_answerer) {
            Some((id, model)) if config.provider(id, None).is_ok() => {
                (Some(id.to_string()), Some(model.to_string()), true)
            }
            _ => (None, None, false),
        }
    };
    let presets = config.presets();
    let asked = args.preset.clone().or_else(|| {
        earlier
            .and_then(|c| c.preset.clone())
            .filter(|n| presets.get(n).is_some())
    });
    let start = config.start_choice(asked.as_deref(), provider, model, pinned)?;
    let preset_system = start.preset.as_ref().and_then(|p| p.system.clone());
    let system = match (&args.system, &args.preset) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(_)) => preset_system.or_else(|| config.system_prompt.clone()),
        (None, None) => earlier
            .and_then(|c| c.system.clone())
            .or(preset_system)
            .or_else(|| config.system_prompt.clone()),
    }
    .unwrap_or_default();
    Ok(Plan {
        provider: start.provider,
        model: start.model,
        preset: start.preset,
        system,
        attachments: Vec::new(),
    })
}

/// The request: the conversation's earlier turns (continuing), then the prompt (when there
/// is one), with the system prompt, the preset's settings over the provider's.
pub(super) fn build(
    config: &Config,
    args: &AskArgs,
    plan: &Plan,
    choice: &ProviderChoice,
    earlier: Option<&Conversation>,
    prompt: &str,
) -> ChatRequest {
    let mut messages = earlier.map(|c| c.history()).unwrap_or_default();
    if !prompt.is_empty() || !plan.attachments.is_empty() {
        let text = crate::chat::attachment::compose(prompt, &plan.attachments);
        let mut question = ChatMessage::new(Role::User, text);
        question.images = crate::chat::attachment::images(&plan.attachments);
        messages.push(question);
    }
    let preset = plan.preset.as_ref();
    ChatRequest {
        model: choice.model.clone(),
        system: Some(plan.system.clone()).filter(|s| !s.is_empty()),
        messages,
        temperature: preset.and_then(|p| p.temperature).or(choice.temperature),
        max_tokens: preset.and_then(|p| p.max_tokens).or(choice.max_tokens),
        reasoning: reasoning(config, args, preset, choice),
    }
}

/// Images to a model that does not take them (or that nothing says takes them) are
/// refused before anything is sent (exit 2).
pub(super) fn refuse_images(
    plan: &Plan,
    counted: &crate::estimate::Estimate,
) -> Result<(), CliError> {
    let Some(image) = plan.attachments.iter().find(|a| a.is_image()) else {
        return Ok(());
    };
    let model = &counted.model;
    let fix = format!(
        "leave out {} or ask a model that takes images (--model); if {model} does, set images = true under [models.\"{model}\"] in config.toml",
        image.name
    );
    match crate::providers::vision::refusal(model, counted.takes_images) {
        None => Ok(()),
        Some(why) => Err(CliError::Usage(format!("{why}: {fix}"))),
    }
}

/// `--reasoning`, else the preset's, else config's setting for the model; none for a model
/// that does not reason (said on stderr when `--reasoning` asked for it).
fn reasoning(
    config: &Config,
    args: &AskArgs,
    preset: Option<&Preset>,
    choice: &ProviderChoice,
) -> Option<Reasoning> {
    let defaults = crate::config::ReasoningDefaults::from_config(config);
    let (provider, model) = (&choice.endpoint.id, &choice.model);
    let asked = args.reasoning.map(|effort| Reasoning {
        effort,
        budget: defaults.budget(provider, model),
    });
    if !defaults.reasons(model) {
        if asked.is_some_and(|r| r.is_on()) {
            eprintln!(
                "keyturn: {model} does not reason, so --reasoning is not sent (if it does, set reasoning = true under [models.\"{model}\"] in config)"
            );
        }
        return None;
    }
    asked
        .or_else(|| preset.and_then(|p| p.reasoning))
        .or_else(|| defaults.for_model(provider, model))
}
