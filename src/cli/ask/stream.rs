//! The answer streamed to stdout as it arrives: notes, retries and errors to stderr, and
//! what the ledger and the saved conversation need kept.

use std::io::Write;

use tokio::sync::mpsc;

use super::Target;
use crate::config::Config;
use crate::providers::http::{ChannelSink, build_client};
use crate::providers::retry::{RetryPolicy, stream_with_retries};
use crate::providers::{ChatRequest, StreamEvent};

/// How the streamed answer ended.
pub(super) enum Ending {
    Done,
    /// stdout was closed (e.g. piped into head): not an error.
    ReaderGone,
    Interrupted,
    Failed(String),
}

/// What the stream gave, for the usage ledger and the saved conversation.
pub(super) struct Streamed {
    pub ending: Ending,
    pub usage: Option<crate::chat::Usage>,
    /// The answer as printed.
    pub text: String,
    /// The provider answered (or began to): only then is the request billed.
    pub answered: bool,
    /// Why it failed, for the saved conversation.
    pub failure: Option<crate::chat::TurnError>,
    pub notes: Vec<String>,
}

/// Streams the answer to stdout as it arrives; notes and retries go to stderr.
pub(super) async fn stream_to_stdout(
    config: &Config,
    target: Target,
    request: ChatRequest,
) -> Streamed {
    let client = build_client(config.timeouts());
    let (tx, mut rx) = mpsc::channel(256);
    // Nothing but this stream and its printer runs here: the thread may sleep between
    // windows of a trickling reply.
    let timeouts = crate::providers::http::Timeouts {
        nap: true,
        ..config.timeouts()
    };
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
        text: String::new(),
        answered: false,
        failure: None,
        notes: Vec::new(),
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
    Streamed {
        ending,
        usage: printer.usage,
        text: printer.text,
        answered: printer.answered,
        failure: printer.failure,
        notes: printer.notes,
    }
}

/// Writes the answer to stdout as it streams, notes and retries to stderr, and keeps what
/// the ledger needs.
struct Printer<'a> {
    out: std::io::StdoutLock<'a>,
    last_char: char,
    last_retry: u32,
    usage: Option<crate::chat::Usage>,
    text: String,
    answered: bool,
    failure: Option<crate::chat::TurnError>,
    notes: Vec<String>,
    /// How the key is named in errors.
    key_name: Option<String>,
}

impl Printer<'_> {
    /// Handles one event; returns how the stream ended once it has.
    fn on_event(&mut self, event: Option<StreamEvent>) -> Option<Ending> {
        self.answered |= event.as_ref().is_some_and(StreamEvent::is_an_answer);
        match event {
            Some(StreamEvent::Usage(u)) => self.usage = Some(u),
            Some(StreamEvent::Text(t)) => {
                self.text.push_str(&t);
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
                    self.notes.push(note);
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
                let failure = crate::chat::TurnError::from(&e);
                let message = failure.message.clone();
                self.failure = Some(failure);
                return Some(Ending::Failed(message));
            }
            Some(_) => {}
        }
        None
    }
}
