//! `keyturn ask [PROMPT...]`: one question, the answer streamed to stdout as it arrives.
//! Text piped on stdin is appended to the prompt (`git diff | keyturn ask "review this"`).

use std::io::{IsTerminal, Read, Write};

use tokio::sync::mpsc;

use super::CliError;
use crate::config::Config;
use crate::providers::http::{ChannelSink, build_client};
use crate::providers::retry::{RetryPolicy, stream_with_retries};
use crate::providers::{ChatMessage, ChatRequest, Role, StreamEvent};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct AskArgs {
    /// The question; stdin is appended when it is not a terminal.
    pub prompt: Vec<String>,
    /// Provider id from config (default: default_provider).
    #[arg(long)]
    pub provider: Option<String>,
    /// Model to use (default: the provider's default model).
    #[arg(long)]
    pub model: Option<String>,
    /// System prompt for this question (default: system_prompt from config).
    #[arg(long)]
    pub system: Option<String>,
    /// Send even though a monthly budget cap is reached (this once).
    #[arg(long)]
    pub over_budget: bool,
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

/// How the streamed answer ended.
enum Ending {
    Done,
    /// stdout was closed (e.g. piped into head): not an error.
    ReaderGone,
    Interrupted,
    Failed(String),
}

/// What the stream gave, for the usage ledger.
struct Streamed {
    ending: Ending,
    usage: Option<crate::chat::Usage>,
    reply_chars: usize,
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
    let prompt = read_prompt(&args)?;
    let target = resolve_target(paths, config, &args)?;
    let (prices, note) =
        crate::usage::prices::PriceTable::load_or_shipped(&paths.config_dir.join("prices.toml"));
    if let Some(note) = note {
        eprintln!("keyturn: {note}");
    }
    check_budget(paths, config, &target, &prices, args.over_budget)?;
    let prompt_chars = prompt.chars().count();
    let request = ChatRequest {
        model: target.choice.model.clone(),
        system: args.system.clone().or_else(|| config.system_prompt.clone()),
        messages: vec![ChatMessage {
            role: Role::User,
            content: prompt,
        }],
        temperature: target.choice.temperature,
        max_tokens: target.choice.max_tokens,
    };
    let (provider_id, model, key_id) = (
        target.choice.endpoint.id.clone(),
        target.choice.model.clone(),
        target.key_id.clone(),
    );
    let streamed = stream_to_stdout(config, target, request).await;
    // Every request that got an answer goes into the usage ledger, as in the TUI.
    if matches!(streamed.ending, Ending::Done | Ending::ReaderGone) || streamed.reply_chars > 0 {
        record_usage(
            paths,
            &prices,
            crate::chat::TurnEnded {
                provider: provider_id,
                model,
                key_id,
                usage: streamed.usage,
                prompt_chars,
                reply_chars: streamed.reply_chars,
                state: crate::chat::EndState::Done,
                conversation: None,
            },
        );
    }
    match streamed.ending {
        Ending::Done | Ending::ReaderGone => Ok(()),
        Ending::Interrupted => Err(CliError::Interrupted),
        Ending::Failed(e) => Err(CliError::Provider(e)),
    }
}

/// The arguments, with stdin appended when it is not a terminal.
fn read_prompt(args: &AskArgs) -> Result<String, CliError> {
    let mut piped = None;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut input = String::new();
        stdin
            .lock()
            .read_to_string(&mut input)
            .map_err(|e| CliError::Usage(format!("cannot read stdin: {e}")))?;
        piped = Some(input);
    }
    let prompt = build_prompt(&args.prompt, piped.as_deref());
    if prompt.trim().is_empty() {
        return Err(CliError::Usage(
            "nothing to ask: give a prompt (keyturn ask \"...\") or pipe text in".into(),
        ));
    }
    Ok(prompt)
}

/// The provider and model to ask, and the key to ask with (from the key store or the
/// environment).
fn resolve_target(
    paths: &crate::config::Paths,
    config: &Config,
    args: &AskArgs,
) -> Result<Target, CliError> {
    let provider_id = args
        .provider
        .clone()
        .or_else(|| config.start_provider_id())
        .ok_or_else(|| {
            CliError::Usage(
                "no provider configured: add a [providers.<id>] table to config.toml (see config.example.toml)"
                    .into(),
            )
        })?;
    let choice = config.provider(&provider_id, args.model.as_deref())?;
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

/// Streams the answer to stdout as it arrives; notes and retries go to stderr.
async fn stream_to_stdout(config: &Config, target: Target, request: ChatRequest) -> Streamed {
    let client = build_client(config.timeouts());
    let (tx, mut rx) = mpsc::channel(256);
    let timeouts = config.timeouts();
    let Target {
        choice,
        key,
        key_name,
        ..
    } = target;
    let task = tokio::spawn(async move {
        let mut sink = ChannelSink { tx, wrap: |e| e };
        stream_with_retries(
            &client,
            &choice.endpoint,
            &request,
            key.as_ref(),
            timeouts,
            RetryPolicy::default(),
            &mut sink,
        )
        .await;
    });
    let mut printer = Printer {
        out: std::io::stdout().lock(),
        last_char: '\n',
        last_retry: 0,
        usage: None,
        reply_chars: 0,
        key_name,
    };
    let ending = loop {
        let event = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::signal::ctrl_c() => {
                task.abort();
                break Ending::Interrupted;
            }
        };
        if let Some(ending) = printer.on_event(event) {
            if matches!(ending, Ending::ReaderGone) {
                task.abort();
            }
            break ending;
        }
    };
    if matches!(ending, Ending::Done) && printer.last_char != '\n' {
        let _ = writeln!(printer.out);
    }
    let _ = printer.out.flush();
    let (usage, reply_chars) = (printer.usage, printer.reply_chars);
    Streamed {
        ending,
        usage,
        reply_chars,
    }
}

/// Writes the answer to stdout as it streams, notes and retries to stderr, and keeps what
/// the ledger needs.
struct Printer<'a> {
    out: std::io::StdoutLock<'a>,
    last_char: char,
    last_retry: u32,
    usage: Option<crate::chat::Usage>,
    reply_chars: usize,
    /// How the key is named in errors.
    key_name: Option<String>,
}

impl Printer<'_> {
    /// Handles one event; returns how the stream ended once it has.
    fn on_event(&mut self, event: Option<StreamEvent>) -> Option<Ending> {
        match event {
            Some(StreamEvent::Usage(u)) => self.usage = Some(u),
            Some(StreamEvent::Text(t)) => {
                self.reply_chars += t.chars().count();
                if let Some(c) = t.chars().last() {
                    self.last_char = c;
                }
                let written = self
                    .out
                    .write_all(t.as_bytes())
                    .and_then(|_| self.out.flush());
                if written.is_err() {
                    return Some(Ending::ReaderGone);
                }
            }
            Some(StreamEvent::Finish(reason)) => {
                if let Some(note) = reason.note() {
                    eprintln!("\nkeyturn: note: {note}");
                }
            }
            Some(StreamEvent::Malformed(s)) => {
                eprintln!("\nkeyturn: skipped a chunk that could not be read: {s}")
            }
            Some(StreamEvent::Retrying {
                attempt,
                of,
                in_secs,
                reason,
            }) if attempt != self.last_retry => {
                self.last_retry = attempt;
                eprintln!("keyturn: {reason} Retrying in {in_secs}s (attempt {attempt} of {of}).");
            }
            Some(StreamEvent::Done) | None => return Some(Ending::Done),
            Some(StreamEvent::Error(e)) => {
                if self.last_char != '\n' {
                    let _ = writeln!(self.out);
                }
                let e = match &self.key_name {
                    Some(k) => e.attribute_key(k),
                    None => e,
                };
                return Some(Ending::Failed(e.to_string()));
            }
            Some(_) => {}
        }
        None
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
    fn prompt_joins_args_and_stdin() {
        assert_eq!(
            build_prompt(&["review".into(), "this".into()], Some("diff\n")),
            "review this\n\ndiff"
        );
        assert_eq!(build_prompt(&[], Some("only stdin\n")), "only stdin");
        assert_eq!(build_prompt(&["hi".into()], Some("  \n")), "hi");
    }
}
