//! Counting a request before it is sent: `keyturn ask --estimate` prints it and sends
//! nothing; every `ask` refuses a request that cannot fit its model's context window.

use super::CliError;
use crate::chat::ChatRequest;
use crate::config::{Config, Paths, ProviderChoice};
use crate::estimate::Estimate;
use crate::estimate::windows::WindowTable;
use crate::usage::prices::PriceTable;

/// The request to `choice` counted and priced; the model's limits from config, the provider's
/// cached model list and the shipped table.
pub fn of(
    paths: &Paths,
    config: &Config,
    choice: &ProviderChoice,
    request: &ChatRequest,
    prices: &PriceTable,
) -> Estimate {
    let provider = choice.endpoint.id.as_str();
    let live =
        crate::runtime::model_service::read_cache_file(&paths.data_dir.join("models"), provider)
            .and_then(|(models, _)| models.into_iter().find(|m| m.id == request.model));
    let limits = WindowTable::for_config(config).limits(provider, &request.model, live.as_ref());
    crate::estimate::estimate(
        provider,
        choice.endpoint.protocol,
        request,
        limits,
        prices.find(provider, &request.model),
    )
}

/// The estimate as one JSON object on stdout.
pub fn print(estimate: &Estimate) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(estimate)
        .map_err(|e| CliError::Usage(format!("cannot print the estimate: {e}")))?;
    println!("{json}");
    Ok(())
}

/// Refuses (exit 2, nothing sent) a request whose input and reserved output exceed the
/// model's context window.
pub fn refuse_if_over(estimate: &Estimate) -> Result<(), CliError> {
    let (Some(over), Some(window)) = (estimate.over_by(), estimate.context_window) else {
        return Ok(());
    };
    let model = &estimate.model;
    let reserved = match estimate.reserved_output_tokens {
        0 => String::new(),
        n => format!(" plus {n} reserved for the reply"),
    };
    Err(CliError::Usage(format!(
        "the request does not fit {model}'s context window of {window} tokens: about {} tokens \
         of input{reserved} is {over} over. Nothing was sent. Shorten the prompt, leave out \
         earlier turns (ask without --continue), or choose a model with a larger window \
         (--model); if the window is wrong, set [models.\"{model}\"] context_window in config.toml.",
        estimate.input_tokens
    )))
}
