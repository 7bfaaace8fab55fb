//! Keeps a conversation's file in step with the model: after each batch of messages the
//! runtime asks [`HistoryWriter::plan`] what changed (new messages, streamed text, turn ends,
//! take-backs) and hands the [`WriteOp`]s to the history worker, which appends them off the
//! event loop ([`FileWork`]). Streamed text is written as it arrives, so kill -9 loses nothing
//! the terminal showed; turn ends are fsynced.

pub use super::files::{FileWork, WriteOp};
use super::{HistoryStore, Record, SavedUsage};
use crate::chat::{Conversation, EndState, Message, Role, TurnEnded, TurnState};

#[derive(Debug, Clone)]
struct Persisted {
    msg_id: u64,
    text_len: usize,
    ended: bool,
}

struct Open {
    id: String,
    persisted: Vec<Persisted>,
    /// The cut last written (`Conversation::sent_from`).
    sent_from: usize,
    /// Created here and not yet known to the model by its id.
    unclaimed: bool,
    /// The system prompt and preset last written.
    system: Option<(String, Option<String>)>,
}

/// What a sync plans that the rest of the runtime cares about.
#[derive(Debug, Default)]
pub struct Synced {
    /// A new file is made for the conversation: the model should learn its id.
    pub created: Option<String>,
    pub ended: Vec<TurnEnded>,
    /// The file work to carry out.
    pub ops: Vec<WriteOp>,
}

pub struct HistoryWriter {
    open: Option<Open>,
    /// For [`sync`](Self::sync) and [`resume`](Self::resume), which do the work at once.
    files: FileWork,
}

fn now() -> u64 {
    crate::time::now()
}

fn end_state(state: &TurnState) -> Option<(EndState, Option<String>)> {
    match state {
        TurnState::Done => Some((EndState::Done, None)),
        TurnState::Cancelled => Some((EndState::Cancelled, None)),
        TurnState::Failed(e) => Some((EndState::Failed, Some(e.message.clone()))),
        TurnState::Connecting | TurnState::Streaming => None,
    }
}

impl HistoryWriter {
    pub fn new(store: HistoryStore) -> Self {
        Self {
            open: None,
            files: FileWork::new(store),
        }
    }

    /// [`resume_plan`](Self::resume_plan), carried out at once; returns the turns a crash
    /// kept from the ledger.
    pub fn resume(&mut self, conv: &Conversation) -> std::io::Result<Vec<TurnEnded>> {
        let synced = self.resume_plan(conv);
        for op in &synced.ops {
            self.files.apply(op)?;
        }
        Ok(synced.ended)
    }

    /// [`plan`](Self::plan), carried out at once (tests and the CLI).
    pub fn sync(&mut self, conv: &Conversation) -> std::io::Result<Synced> {
        let synced = self.plan(conv);
        for op in &synced.ops {
            self.files.apply(op)?;
        }
        Ok(synced)
    }

    /// Continues a conversation loaded from disk: what it holds is already written. Turns
    /// that were cut off get their end written now, so the file reads the same next time;
    /// those the provider had begun answering are returned for the ledger (a crash is why
    /// they never reached it), their tokens estimated.
    pub fn resume_plan(&mut self, conv: &Conversation) -> Synced {
        let mut lines = String::new();
        let mut persisted = Vec::new();
        let mut ended = Vec::new();
        for (n, m) in conv.messages.iter().enumerate() {
            // Only a turn the file left open gets an end (once: next time the file has it).
            if m.role == Role::Assistant && conv.unended.contains(&n) {
                if !m.text.is_empty() || !m.reasoning.is_empty() {
                    let mut turn = turn_ended(conv, n, EndState::Cancelled);
                    turn.conversation = Some(conv.id.clone());
                    ended.push(turn);
                }
                // The note goes into the file with the end, so it is there next time too.
                let rec = Record::End {
                    n,
                    at: now(),
                    state: EndState::Cancelled,
                    error: Some(super::INCOMPLETE_NOTE.into()),
                    usage: None,
                    carry: None,
                };
                lines.push_str(&serde_json::to_string(&rec).unwrap_or_default());
                lines.push('\n');
            }
            persisted.push(Persisted {
                msg_id: m.id,
                text_len: m.text.len(),
                ended: true,
            });
        }
        self.open = Some(Open {
            id: conv.id.clone(),
            persisted,
            sent_from: conv.sent_from,
            unclaimed: false,
            system: system_of(conv),
        });
        let mut ops = Vec::new();
        if !lines.is_empty() {
            ops.push(WriteOp::Append {
                id: conv.id.clone(),
                lines,
                sync: true,
            });
        }
        ops.push(WriteOp::SetLast(conv.id.clone()));
        Synced {
            created: None,
            ended,
            ops,
        }
    }

    /// What changed since the last plan, as file work: appends only (a take-back is a
    /// `truncate` record). Touches no file.
    pub fn plan(&mut self, conv: &Conversation) -> Synced {
        let mut synced = Synced::default();
        let mut lines = Lines::default();
        let Some(open) = self.open_for(conv, &mut lines, &mut synced) else {
            return synced;
        };
        // The first message that differs from what was written: everything from it is new.
        let first_diff = open
            .persisted
            .iter()
            .zip(&conv.messages)
            .position(|(p, m)| p.msg_id != m.id)
            .unwrap_or(open.persisted.len().min(conv.messages.len()));
        // The system prompt goes before the message it is first sent with.
        let system = system_of(conv);
        if system.is_some() && system != open.system {
            if let Some((text, preset)) = system.clone() {
                lines.push(&Record::System { text, preset });
            }
            open.system = system;
        }
        if first_diff < open.persisted.len() {
            lines.push(&Record::Truncate { n: first_diff });
            open.persisted.truncate(first_diff);
        }
        // New messages' attachments are kept before the lines that name them.
        let blobs: Vec<WriteOp> = conv
            .messages
            .iter()
            .skip(open.persisted.len())
            .flat_map(|m| m.attachments.iter().cloned().map(WriteOp::Blob))
            .collect();
        let mut boundary = false;
        for (n, m) in conv.messages.iter().enumerate() {
            if n >= open.persisted.len() {
                boundary |= start_message(open, &mut lines, n, m);
            }
            if let Some(mut ended) = continue_message(&mut open.persisted[n], &mut lines, conv, n) {
                boundary = true;
                ended.conversation = Some(open.id.clone());
                synced.ended.push(ended);
            }
        }
        if conv.sent_from != open.sent_from {
            lines.push(&Record::Cut { n: conv.sent_from });
            open.sent_from = conv.sent_from;
            boundary = true;
        }
        if !lines.0.is_empty() || boundary {
            // The file before "last" names it: append first, then set last.
            synced.ops.insert(
                0,
                WriteOp::Append {
                    id: open.id.clone(),
                    lines: lines.0,
                    // fsync at turn boundaries.
                    sync: boundary,
                },
            );
        }
        synced.ops.splice(0..0, blobs);
        synced
    }

    /// The file this conversation is saved in: the open one, or a new one (its first lines
    /// go into `lines`). None when there is nothing to save.
    fn open_for(
        &mut self,
        conv: &Conversation,
        lines: &mut Lines,
        synced: &mut Synced,
    ) -> Option<&mut Open> {
        let same = self
            .open
            .as_ref()
            .is_some_and(|o| o.id == conv.id || (conv.id.is_empty() && o.unclaimed));
        if !same {
            self.open = None;
        }
        if let Some(o) = self.open.as_mut()
            && o.id == conv.id
        {
            o.unclaimed = false;
        }
        if conv.messages.is_empty() && self.open.is_none() {
            return None;
        }
        if self.open.is_none() {
            // A conversation with an id that is not open (switched to) or a new one.
            let (id, fresh) = if conv.id.is_empty() {
                (super::new_id(now()), true)
            } else {
                (conv.id.clone(), false)
            };
            if fresh {
                lines.push(&Record::Meta {
                    v: 1,
                    id: id.clone(),
                    created: now(),
                });
                synced.created = Some(id.clone());
            }
            synced.ops.push(WriteOp::SetLast(id.clone()));
            self.open = Some(Open {
                id,
                persisted: Vec::new(),
                sent_from: 0,
                unclaimed: fresh,
                system: None,
            });
        }
        self.open.as_mut()
    }
}

/// The conversation's system prompt and preset, once chosen.
fn system_of(conv: &Conversation) -> Option<(String, Option<String>)> {
    conv.system.clone().map(|s| (s, conv.preset.clone()))
}

/// Records as JSON lines, ready to append.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn push(&mut self, record: &Record) {
        self.0
            .push_str(&serde_json::to_string(record).unwrap_or_default());
        self.0.push('\n');
    }
}

/// A message not written yet: a reply opens with `start`, anything else is written whole
/// (a turn boundary). Returns whether it was a boundary.
fn start_message(open: &mut Open, lines: &mut Lines, n: usize, m: &Message) -> bool {
    if m.role == Role::Assistant {
        lines.push(&Record::Start {
            n,
            at: now(),
            provider: m.provider_ref().to_string(),
            model: m.model.clone(),
            key_id: m.key_id.clone(),
            preset: m.preset.clone(),
        });
        open.persisted.push(Persisted {
            msg_id: m.id,
            text_len: 0,
            ended: false,
        });
        false
    } else {
        lines.push(&Record::Msg {
            n,
            role: m.role,
            text: m.text.clone(),
            at: now(),
            checkpoint: m.checkpoint,
            attachments: m.attachments.iter().map(Into::into).collect(),
        });
        open.persisted.push(Persisted {
            msg_id: m.id,
            text_len: m.text.len(),
            ended: true,
        });
        true
    }
}

/// A reply in progress: its new text, and its end when it ended (the finished turn is
/// returned for the usage ledger).
fn continue_message(
    p: &mut Persisted,
    lines: &mut Lines,
    conv: &Conversation,
    n: usize,
) -> Option<TurnEnded> {
    let m = &conv.messages[n];
    if p.ended {
        return None;
    }
    if m.text.len() > p.text_len && m.text.is_char_boundary(p.text_len) {
        lines.push(&Record::Delta {
            n,
            text: m.text[p.text_len..].to_string(),
        });
        p.text_len = m.text.len();
    }
    let (state, error) = end_state(&m.state)?;
    lines.push(&Record::End {
        n,
        at: now(),
        state,
        error,
        usage: m.usage.map(SavedUsage::from),
        carry: m.carry.clone(),
    });
    p.ended = true;
    // A request that never reached a provider (no key, a locked store, a refused
    // connection) cost nothing and is not billed.
    if !m.answered {
        return None;
    }
    Some(turn_ended(conv, n, state)) // the caller knows the file
}

/// Message `n` as a turn for the usage ledger: who answered, what it reported, and the
/// characters sent and received (for an estimate when it reported no usage).
fn turn_ended(conv: &Conversation, n: usize, state: EndState) -> TurnEnded {
    let m = &conv.messages[n];
    TurnEnded {
        provider: m.provider_ref().to_string(),
        model: m.model.clone(),
        key_id: m.key_id.clone(),
        usage: m.usage,
        prompt_chars: conv.messages[..n]
            .iter()
            .map(|m| m.text.chars().count())
            .sum(),
        reply_chars: m.text.chars().count(),
        state,
        conversation: None,
    }
}

#[cfg(test)]
mod tests;
