//! `keyturn ask [PROMPT...]`: one question, the answer streamed to stdout as it arrives.
//! Text piped on stdin is appended to the prompt (`git diff | keyturn ask "review this"`).

mod estimate;
mod request;
mod save;
mod stream;

use std::io::{IsTerminal, Read};

use super::CliError;
use crate::config::Config;
use crate::history::HistoryStore;
use save::{Answerer, Saving};
use stream::{Ending, stream_to_stdout};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct AskArgs {
    /// The question; stdin is appended when it is not a terminal.
    pub prompt: Vec<String>,
    /// Provider id from config (default: default_provider).
    #[arg(long, add = clap_complete::ArgValueCandidates::new(crate::cli::complete::providers))]
    pub provider: Option<String>,
    /// Model to use (default: the provider's default model).
    #[arg(long, add = clap_complete::ArgValueCandidates::new(crate::cli::complete::models))]
    pub model: Option<String>,
    /// System prompt for this question (over the preset's and config's system_prompt).
    #[arg(long)]
    pub system: Option<String>,
    /// Preset to ask with (`[presets.NAME]`): its system prompt, model and settings; the
    /// other flags win over it.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Attach a file: text is sent under its name, an image (PNG, JPEG, WebP, GIF) natively
    /// to a model that takes images. Repeatable; globs and directories expand within
    /// [attachments]'s limits.
    #[arg(short = 'a', long = "attach", value_name = "FILE")]
    pub attach: Vec<String>,
    /// Send even though a monthly budget cap is reached (this once).
    #[arg(long)]
    pub over_budget: bool,
    /// Continue a saved conversation (the last one, or ID: an id, a unique prefix, `last`),
    /// sending its earlier turns; its provider and model unless --provider/--model say.
    #[arg(
        short = 'c',
        long = "continue",
        value_name = "ID",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "last",
        add = clap_complete::ArgValueCandidates::new(crate::cli::complete::conversations)
    )]
    pub continue_from: Option<String>,
    /// Do not save this exchange as a conversation (history.save_ask = false does it always).
    #[arg(long)]
    pub no_save: bool,
    /// Refuse stdin that is not valid UTF-8 instead of replacing the bad bytes.
    #[arg(long)]
    pub strict_utf8: bool,
    /// Print the request's estimated tokens, the model's context window and the estimated
    /// cost as JSON, and send nothing (no key needed).
    #[arg(long)]
    pub estimate: bool,
    /// Reasoning effort for this request: off, low, medium or high (over config's
    /// reasoning_effort); a model that does not reason is sent none.
    #[arg(long, value_name = "LEVEL", value_parser = parse_effort)]
    pub reasoning: Option<crate::chat::Effort>,
}

fn parse_effort(s: &str) -> Result<crate::chat::Effort, String> {
    crate::chat::Effort::parse(s)
        .ok_or_else(|| format!("{s:?} is not a reasoning level; use off, low, medium or high"))
}

/// Joins the arguments and piped input into one prompt.
pub fn build_prompt(args: &[String], piped: Option<&str>) -> String {
    let mut prompt = args.join(" ");
    if let Some(input) = piped.filter(|s| !s.trim().is_empty()) {
        if !prompt.is_empty() {
            prompt.push_str("\n\n");
        }
        prompt.push_str(input.trim_end());
    }
    prompt
}

/// Where the question goes: the provider, model and key (its secret stays in here).
struct Target {
    choice: crate::config::ProviderChoice,
    key: Option<secrecy::SecretString>,
    /// How the key is named in errors ("the openai key …abcd").
    key_name: Option<String>,
    key_id: Option<String>,
    /// The key's own monthly cap, if it has one.
    key_cap: Option<(String, crate::chat::money::Usd)>,
}

pub async fn run(
    paths: &crate::config::Paths,
    config: &Config,
    args: AskArgs,
) -> Result<(), CliError> {
    // An estimate may be of the conversation alone (`--estimate -c`): no prompt needed.
    let prompt = match read_prompt(&args) {
        Err(CliError::Usage(_)) if args.estimate => String::new(),
        other => other?,
    };
    let store = HistoryStore::new(&paths.data_dir);
    let earlier = match &args.continue_from {
        Some(spec) => Some(super::history::load(&store, spec)?),
        None => None,
    };
    let mut plan = request::plan(config, &args, earlier.as_ref())?;
    let cwd = std::env::current_dir().unwrap_or_default();
    plan.attachments = crate::runtime::attach::load(&args.attach, &cwd, &config.attachments, 0)
        .map_err(|why| CliError::Usage(format!("cannot attach: {why}")))?;
    let (provider, model) = (plan.provider.clone(), plan.model.clone());
    let (prices, note) =
        crate::usage::prices::PriceTable::load_or_shipped(&paths.config_dir.join("prices.toml"));
    if let Some(note) = note {
        eprintln!("keyturn: {note}");
    }
    if args.estimate {
        // Counting needs neither the key store nor the network.
        let choice = config.provider(&provider_id(config, provider)?, model.as_deref())?;
        let request = request::build(config, &args, &plan, &choice, earlier.as_ref(), &prompt);
        return estimate::print(&estimate::of(paths, config, &choice, &request, &prices));
    }
    let target = resolve_target(paths, config, provider, model.as_deref())?;
    let request = request::build(
        config,
        &args,
        &plan,
        &target.choice,
        earlier.as_ref(),
        &prompt,
    );
    let counted = estimate::of(paths, config, &target.choice, &request, &prices);
    estimate::refuse_if_over(&counted)?;
    request::refuse_images(&plan, &counted)?;
    check_budget(paths, config, &target, &prices, &counted, args.over_budget)?;
    let prompt_chars = request
        .messages
        .iter()
        .map(|m| m.content.chars().count())
        .sum();
    let who = Answerer {
        provider_id: target.choice.endpoint.id.clone(),
        provider_name: target.choice.endpoint.name.clone(),
        model: target.choice.model.clone(),
        key_id: target.key_id.clone(),
        preset: plan.preset.as_ref().map(|p| p.name.clone()),
    };
    // The question is saved before it is sent: a failed request loses nothing typed.
    let mut saving = if config.history.save_ask && !args.no_save {
        let system = (
            plan.system.clone(),
            plan.preset.as_ref().map(|p| p.name.clone()),
        );
        let question = (prompt.as_str(), plan.attachments.clone());
        Saving::begin(store, earlier.unwrap_or_default(), system, question)
            .map_err(|e| eprintln!("keyturn: could not save the conversation: {e}"))
            .ok()
    } else {
        None
    };
    for turn in saving
        .iter_mut()
        .flat_map(|s| std::mem::take(&mut s.recovered))
    {
        record_usage(paths, &prices, turn);
    }
    let streamed = stream_to_stdout(config, target, request).await;
    // Only a request the provider answered (or began to) goes into the usage ledger.
    let turn = match saving {
        Some(saving) => match saving.finish(&streamed, who) {
            Ok((_, ended)) => ended,
            Err(e) => {
                eprintln!("keyturn: could not save the answer: {e}");
                None
            }
        },
        None => streamed
            .answered
            .then(|| save::unsaved_turn(&streamed, who, prompt_chars)),
    };
    if let Some(turn) = turn {
        record_usage(paths, &prices, turn);
    }
    match streamed.ending {
        Ending::Done | Ending::ReaderGone => Ok(()),
        Ending::Interrupted => Err(CliError::Interrupted),
        Ending::Failed(e) => Err(CliError::Provider(e)),
    }
}

/// The provider asked for, else config's default.
fn provider_id(config: &Config, provider: Option<String>) -> Result<String, CliError> {
    provider
        .or_else(|| config.start_provider_id())
        .ok_or_else(|| {
            CliError::Usage(
                "no provider configured: add a [providers.<id>] table to config.toml (see config.example.toml)"
                    .into(),
            )
        })
}

/// The arguments, with stdin appended when it is not a terminal.
fn read_prompt(args: &AskArgs) -> Result<String, CliError> {
    let mut piped = None;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut bytes = Vec::new();
        stdin
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::Usage(format!("cannot read stdin: {e}")))?;
        piped = Some(decode_stdin(bytes, args.strict_utf8)?);
    }
    let prompt = build_prompt(&args.prompt, piped.as_deref());
    if prompt.trim().is_empty() && args.attach.is_empty() {
        return Err(CliError::Usage(
            "nothing to ask: give a prompt (keyturn ask \"...\") or pipe text in".into(),
        ));
    }
    Ok(prompt)
}

/// Piped input as text: invalid UTF-8 (a stray Latin-1 byte in a build log) is replaced
/// with U+FFFD and said once on stderr with where it starts, or refused with `--strict-utf8`.
pub fn decode_stdin(bytes: Vec<u8>, strict: bool) -> Result<String, CliError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            if strict {
                return Err(CliError::Usage(format!(
                    "stdin is not valid UTF-8 (first bad byte at offset {at}); \
                     convert it (iconv -f latin1 -t utf-8) or drop --strict-utf8"
                )));
            }
            let bytes = e.into_bytes();
            eprintln!(
                "keyturn: warning: stdin is not valid UTF-8 (first bad byte at offset {at}); \
                 bad bytes were replaced with U+FFFD"
            );
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// The provider and model to ask, and the key to ask with (from the key store or the
/// environment).
fn resolve_target(
    paths: &crate::config::Paths,
    config: &Config,
    provider: Option<String>,
    model: Option<&str>,
) -> Result<Target, CliError> {
    let choice = config.provider(&provider_id(config, provider)?, model)?;
    let store = if choice.auth == crate::config::AuthKind::Key {
        super::keys::open_existing(paths, config)?
    } else {
        None
    };
    let key = crate::runtime::api_keys::resolve(&choice, store.as_ref(), None)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let key_cap = key
        .as_ref()
        .and_then(|k| k.id.as_deref())
        .and_then(|id| store.as_ref().and_then(|s| s.find(id).ok()))
        .and_then(|e| e.monthly_usd.map(|cap| (e.id.clone(), cap)));
    Ok(match key {
        Some(k) => Target {
            choice,
            key: Some(k.secret),
            key_name: Some(k.describe),
            key_id: k.id,
            key_cap,
        },
        None => Target {
            choice,
            key: None,
            key_name: None,
            key_id: None,
            key_cap,
        },
    })
}

/// The same caps as the TUI, checked before anything is sent.
fn check_budget(
    paths: &crate::config::Paths,
    config: &Config,
    target: &Target,
    prices: &crate::usage::prices::PriceTable,
    counted: &crate::estimate::Estimate,
    over_budget: bool,
) -> Result<(), CliError> {
    let mut budget = config.budget.clone();
    budget.keys.extend(target.key_cap.clone());
    let spend = crate::usage::budget::spend_now(
        &crate::usage::Ledger::new(&paths.data_dir),
        &crate::time::now_local(),
        budget.reset_day,
    );
    let verdict = crate::usage::budget::check(
        &budget,
        &spend,
        &target.choice.endpoint.id,
        target.key_id.as_deref(),
        (!prices.knows(&target.choice.endpoint.id, &target.choice.model))
            .then_some(target.choice.model.as_str()),
    );
    // A cap not reached yet that this request's estimate would cross refuses it too.
    let ahead = counted.cost.or(counted.input_cost).and_then(|next| {
        crate::usage::budget::would_cross(
            &budget,
            &spend,
            &target.choice.endpoint.id,
            target.key_id.as_deref(),
            next,
        )
    });
    let verdict = match (verdict, ahead) {
        (crate::usage::budget::Verdict::Ok | crate::usage::budget::Verdict::Warn(_), Some(why)) => {
            crate::usage::budget::Verdict::Over(why)
        }
        (v, _) => v,
    };
    match verdict {
        crate::usage::budget::Verdict::Unpriced(why) => {
            eprintln!("keyturn: warning: {why}.");
            Ok(())
        }
        crate::usage::budget::Verdict::Over(why) if !over_budget => Err(CliError::Usage(format!(
            "{why}. Nothing was sent; add --over-budget to send this one anyway."
        ))),
        _ => Ok(()),
    }
}

/// Puts the request into the usage ledger, priced like the TUI's.
fn record_usage(
    paths: &crate::config::Paths,
    prices: &crate::usage::prices::PriceTable,
    turn: crate::chat::TurnEnded,
) {
    let record = crate::usage::record_for(&turn, crate::time::now(), prices);
    if let Err(e) =
        crate::usage::Ledger::new(&paths.data_dir).append(&record, &jiff::tz::TimeZone::system())
    {
        eprintln!("keyturn: could not record usage: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_that_is_not_utf8_is_replaced_or_refused() {
        let latin1 = b"build ok\ncaf\xe9 failed\n".to_vec();
        let text = decode_stdin(latin1.clone(), false).unwrap();
        assert_eq!(text, "build ok\ncaf\u{FFFD} failed\n");
        let Err(CliError::Usage(why)) = decode_stdin(latin1, true) else {
            panic!("--strict-utf8 refuses");
        };
        assert!(why.contains("offset 12"), "{why}");
        assert_eq!(decode_stdin(b"fine".to_vec(), true).unwrap(), "fine");
    }

    #[test]
    fn prompt_joins_args_and_stdin() {
        assert_eq!(
            build_prompt(&["review".into(), "this".into()], Some("diff\n")),
            "review this\n\ndiff"
        );
        assert_eq!(build_prompt(&[], Some("only stdin\n")), "only stdin");
        assert_eq!(build_prompt(&["hi".into()], Some("  \n")), "hi");
    }
}
