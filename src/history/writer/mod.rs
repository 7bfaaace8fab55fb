//! Keeps a conversation's file in step with the model: after each batch of messages the
//! runtime asks [`HistoryWriter::plan`] what changed (new messages, streamed text, turn ends,
//! branches made and switched, messages moved or forgotten) and hands the [`WriteOp`]s to
//! the history worker, which appends them off the event loop ([`FileWork`]). Streamed text
//! is written as it arrives, so kill -9 loses nothing the terminal showed; turn ends are
//! fsynced. The file is a tree: each message names the one it follows.

use std::collections::{HashMap, HashSet};

pub use super::files::{FileWork, WriteOp};
use super::{HistoryStore, Record, SavedUsage};
use crate::chat::{Conversation, EndState, Role, TurnEnded, TurnState};

#[derive(Debug, Clone)]
struct Persisted {
    /// Its number in the file.
    n: usize,
    /// The number of the message it follows, as the file says.
    parent: Option<usize>,
    text_len: usize,
    ended: bool,
}

struct Open {
    id: String,
    /// Message id → what the file holds of it.
    persisted: HashMap<u64, Persisted>,
    next_n: usize,
    /// The message a replay would show the branch of, as the file stands.
    leaf: Option<usize>,
    /// The cut last written (`Conversation::sent_from`).
    sent_from: usize,
    /// Created here and not yet known to the model by its id.
    unclaimed: bool,
    /// The system prompt and preset last written.
    system: Option<(String, Option<String>)>,
    /// Messages numbered by this plan: (message id, number).
    numbered: Vec<(u64, usize)>,
}

/// What a sync plans that the rest of the runtime cares about.
#[derive(Debug, Default)]
pub struct Synced {
    /// A new file is made for the conversation: the model should learn its id.
    pub created: Option<String>,
    pub ended: Vec<TurnEnded>,
    /// The file work to carry out.
    pub ops: Vec<WriteOp>,
    /// Messages written for the first time, with their numbers in the file (the model
    /// keeps them: a branch's replies are found in the ledger by them).
    pub numbered: Vec<(u64, usize)>,
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

    /// Continues a conversation loaded from disk: what it holds is already written (each
    /// message knows its number there). Turns that were cut off get their end written now,
    /// so the file reads the same next time; those the provider had begun answering are
    /// returned for the ledger (a crash is why they never reached it), their tokens
    /// estimated.
    pub fn resume_plan(&mut self, conv: &Conversation) -> Synced {
        let mut lines = Lines::default();
        let mut ended = Vec::new();
        for (i, m) in conv.messages.iter().enumerate() {
            // Only a turn the file left open gets an end (once: next time the file has it).
            let Some(n) = m.file_n.filter(|_| m.role == Role::Assistant) else {
                continue;
            };
            if conv.unended.contains(&i) {
                if !m.text.is_empty() || !m.reasoning.is_empty() {
                    let mut turn = turn_ended(conv, i, EndState::Cancelled, n);
                    turn.conversation = Some(conv.id.clone());
                    ended.push(turn);
                }
                // The note goes into the file with the end, so it is there next time too.
                lines.push(&Record::End {
                    n,
                    at: now(),
                    state: EndState::Cancelled,
                    error: Some(super::INCOMPLETE_NOTE.into()),
                    usage: None,
                    carry: None,
                });
            }
        }
        let number = |id: u64| {
            conv.messages
                .iter()
                .chain(&conv.parked)
                .find(|m| m.id == id)
                .and_then(|m| m.file_n)
        };
        let persisted = conv
            .messages
            .iter()
            .chain(&conv.parked)
            .filter_map(|m| {
                let n = m.file_n?;
                Some((
                    m.id,
                    Persisted {
                        n,
                        parent: m.parent.and_then(number),
                        text_len: m.text.len(),
                        ended: true,
                    },
                ))
            })
            .collect();
        self.open = Some(Open {
            id: conv.id.clone(),
            persisted,
            next_n: conv.next_n,
            leaf: conv.messages.last().and_then(|m| m.file_n),
            sent_from: conv.sent_from,
            unclaimed: false,
            system: system_of(conv),
            numbered: Vec::new(),
        });
        let mut ops = Vec::new();
        if !lines.0.is_empty() {
            ops.push(WriteOp::Append {
                id: conv.id.clone(),
                lines: lines.0,
                sync: true,
            });
        }
        ops.push(WriteOp::SetLast(conv.id.clone()));
        Synced {
            created: None,
            ended,
            ops,
            numbered: Vec::new(),
        }
    }

    /// What changed since the last plan, as file work: appends only. Touches no file.
    pub fn plan(&mut self, conv: &Conversation) -> Synced {
        let mut synced = Synced::default();
        let mut lines = Lines::default();
        let Some(open) = self.open_for(conv, &mut lines, &mut synced) else {
            return synced;
        };
        // The system prompt goes before the message it is first sent with.
        let system = system_of(conv);
        if system.is_some() && system != open.system {
            if let Some((text, preset)) = system.clone() {
                lines.push(&Record::System { text, preset });
            }
            open.system = system;
        }
        let mut blobs = Vec::new();
        let mut boundary = false;
        // The branch shown: new messages, moved ones, streamed text and ends.
        let mut parent: Option<usize> = None;
        for (i, m) in conv.messages.iter().enumerate() {
            boundary |= place(open, &mut lines, &mut blobs, m, parent);
            let p = open.persisted.get_mut(&m.id).expect("placed above");
            parent = Some(p.n);
            let n = p.n;
            if let Some(state) = continue_message(p, &mut lines, m) {
                boundary = true;
                if m.answered {
                    let mut turn = turn_ended(conv, i, state, n);
                    turn.conversation = Some(open.id.clone());
                    synced.ended.push(turn);
                }
            }
        }
        // Other branches: a reply parked before its end was written gets it now.
        for m in &conv.parked {
            // Placed only under a parent the file has (or at the root).
            let parent = match m.parent {
                None => Some(None),
                Some(p) => open.persisted.get(&p).map(|q| Some(q.n)),
            };
            if let Some(parent) = parent {
                place(open, &mut lines, &mut blobs, m, parent);
            }
            if let Some(p) = open.persisted.get_mut(&m.id) {
                continue_message(p, &mut lines, m);
            }
        }
        // Messages that are gone from the tree (a failed answer asked again).
        let present: HashSet<u64> = conv
            .messages
            .iter()
            .chain(&conv.parked)
            .map(|m| m.id)
            .collect();
        let mut gone: Vec<(u64, usize, Option<usize>)> = open
            .persisted
            .iter()
            .filter(|(id, _)| !present.contains(id))
            .map(|(id, p)| (*id, p.n, p.parent))
            .collect();
        gone.sort_by_key(|g| std::cmp::Reverse(g.1));
        for (id, n, parent) in gone {
            lines.push(&Record::Forget { n });
            open.persisted.remove(&id);
            if open.leaf == Some(n) {
                open.leaf = parent;
            }
            boundary = true;
        }
        // The branch shown, when a replay would show another.
        if parent.is_some() && parent != open.leaf {
            lines.push(&Record::Switch {
                n: parent.unwrap_or_default(),
            });
            open.leaf = parent;
            boundary = true;
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
        // Attachments' bytes are kept before the lines that name them.
        synced.ops.splice(0..0, blobs);
        synced.numbered = std::mem::take(&mut open.numbered);
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
                    v: 2,
                    id: id.clone(),
                    created: now(),
                });
                synced.created = Some(id.clone());
            }
            synced.ops.push(WriteOp::SetLast(id.clone()));
            self.open = Some(Open {
                id,
                persisted: HashMap::new(),
                next_n: conv.next_n,
                leaf: None,
                sent_from: 0,
                unclaimed: fresh,
                system: None,
                numbered: Vec::new(),
            });
        }
        self.open.as_mut()
    }
}

/// The conversation's system prompt and preset, once chosen.
fn system_of(conv: &Conversation) -> Option<(String, Option<String>)> {
    conv.system.clone().map(|s| (s, conv.preset.clone()))
}

mod records;

use records::{Lines, continue_message, place, turn_ended};

#[cfg(test)]
mod tests;
