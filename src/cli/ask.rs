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

pub async fn run(
    paths: &crate::config::Paths,
    config: &Config,
    args: AskArgs,
) -> Result<(), CliError> {
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
    drop(store);
    let (key, key_name, key_id) = match key {
        Some(k) => (Some(k.secret), Some(k.describe), k.id),
        None => (None, None, None),
    };
    let (provider_id, model) = (choice.endpoint.id.clone(), choice.model.clone());
    // The same caps as the TUI, checked before anything is sent.
    let mut budget = config.budget.clone();
    budget.keys.extend(key_cap);
    let now = crate::time::now_local();
    let spend = crate::usage::budget::spend_now(
        &crate::usage::Ledger::new(&paths.data_dir),
        &now,
        budget.reset_day,
    );
    if let crate::usage::budget::Verdict::Over(why) =
        crate::usage::budget::check(&budget, &spend, &provider_id, key_id.as_deref())
        && !args.over_budget
    {
        return Err(CliError::Usage(format!(
            "{why}. Nothing was sent; add --over-budget to send this one anyway."
        )));
    }
    let prompt_chars = prompt.chars().count();
    let request = ChatRequest {
        model: choice.model.clone(),
        system: args.system.or_else(|| config.system_prompt.clone()),
        messages: vec![ChatMessage {
            role: Role::User,
            content: prompt,
        }],
        temperature: choice.temperature,
        max_tokens: choice.max_tokens,
    };
    let client = build_client(config.timeouts());
    let (tx, mut rx) = mpsc::channel(256);
    let timeouts = config.timeouts();
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
    let mut out = std::io::stdout().lock();
    let mut last_char = '\n';
    let mut last_retry = 0;
    let mut usage = None;
    let mut reply_chars = 0;
    let ending = loop {
        let event = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::signal::ctrl_c() => {
                task.abort();
                break Ending::Interrupted;
            }
        };
        match event {
            Some(StreamEvent::Usage(u)) => usage = Some(u),
            Some(StreamEvent::Text(t)) => {
                reply_chars += t.chars().count();
                if let Some(c) = t.chars().last() {
                    last_char = c;
                }
                if out
                    .write_all(t.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    task.abort();
                    break Ending::ReaderGone;
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
            }) => {
                if attempt != last_retry {
                    last_retry = attempt;
                    eprintln!(
                        "keyturn: {reason} Retrying in {in_secs}s (attempt {attempt} of {of})."
                    );
                }
            }
            Some(StreamEvent::Done) | None => break Ending::Done,
            Some(StreamEvent::Error(e)) => {
                if last_char != '\n' {
                    let _ = writeln!(out);
                }
                let e = match &key_name {
                    Some(k) => e.attribute_key(k),
                    None => e,
                };
                break Ending::Failed(e.to_string());
            }
            Some(_) => {}
        }
    };
    if matches!(ending, Ending::Done) && last_char != '\n' {
        let _ = writeln!(out);
    }
    let _ = out.flush();
    // Every request that got an answer goes into the usage ledger, as in the TUI.
    if matches!(ending, Ending::Done | Ending::ReaderGone) || reply_chars > 0 {
        let turn = crate::chat::TurnEnded {
            provider: provider_id,
            model,
            key_id,
            usage,
            prompt_chars,
            reply_chars,
            state: crate::chat::EndState::Done,
        };
        let prices = crate::usage::prices::PriceTable::load(&paths.config_dir.join("prices.toml"))
            .unwrap_or_default();
        let record = crate::usage::record_for(&turn, crate::time::now(), &prices);
        if let Err(e) = crate::usage::Ledger::new(&paths.data_dir)
            .append(&record, &jiff::tz::TimeZone::system())
        {
            eprintln!("keyturn: could not record usage: {e}");
        }
    }
    match ending {
        Ending::Done | Ending::ReaderGone => Ok(()),
        Ending::Interrupted => Err(CliError::Interrupted),
        Ending::Failed(e) => Err(CliError::Provider(e)),
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
