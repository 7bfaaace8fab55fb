//! The records a plan writes for one message: where it goes in the tree (new under its
//! parent, or moved), its streamed text and end, and the turn the ledger records.

use super::{Open, Persisted, SavedUsage, end_state, now};
use crate::chat::{Conversation, EndState, Message, Role, TurnEnded};
use crate::history::Record;
use crate::history::files::WriteOp;

/// Records as JSON lines, ready to append.
#[derive(Default)]
pub(super) struct Lines(pub(super) String);

impl Lines {
    pub(super) fn push(&mut self, record: &Record) {
        self.0
            .push_str(&serde_json::to_string(record).unwrap_or_default());
        self.0.push('\n');
    }
}

/// Puts `m` in the file under `parent`: a new message is written (a reply opens with
/// `start`, anything else whole: a turn boundary, returned), one that now follows another
/// message is moved.
pub(super) fn place(
    open: &mut Open,
    lines: &mut Lines,
    blobs: &mut Vec<WriteOp>,
    m: &Message,
    parent: Option<usize>,
) -> bool {
    if let Some(p) = open.persisted.get_mut(&m.id) {
        if p.parent != parent {
            lines.push(&Record::Move { n: p.n, p: parent });
            p.parent = parent;
            return true;
        }
        return false;
    }
    let n = open.next_n;
    open.next_n += 1;
    open.leaf = Some(n);
    open.numbered.push((m.id, n));
    let (p, root) = (parent, parent.is_none());
    let whole = m.role != Role::Assistant;
    if whole {
        blobs.extend(m.attachments.iter().cloned().map(WriteOp::Blob));
        lines.push(&Record::Msg {
            n,
            p,
            root,
            role: m.role,
            text: m.text.clone(),
            at: now(),
            checkpoint: m.checkpoint,
            attachments: m.attachments.iter().map(Into::into).collect(),
        });
    } else {
        lines.push(&Record::Start {
            n,
            p,
            root,
            at: now(),
            provider: m.provider_ref().to_string(),
            model: m.model.clone(),
            key_id: m.key_id.clone(),
            preset: m.preset.clone(),
        });
    }
    open.persisted.insert(
        m.id,
        Persisted {
            n,
            parent,
            text_len: if whole { m.text.len() } else { 0 },
            ended: whole,
        },
    );
    whole
}

/// A reply in progress: its new text, and its end when it ended (returned: how it ended).
pub(super) fn continue_message(
    p: &mut Persisted,
    lines: &mut Lines,
    m: &Message,
) -> Option<EndState> {
    if p.ended {
        return None;
    }
    if m.text.len() > p.text_len && m.text.is_char_boundary(p.text_len) {
        lines.push(&Record::Delta {
            n: p.n,
            text: m.text[p.text_len..].to_string(),
        });
        p.text_len = m.text.len();
    }
    let (state, error) = end_state(&m.state)?;
    lines.push(&Record::End {
        n: p.n,
        at: now(),
        state,
        error,
        usage: m.usage.map(SavedUsage::from),
        carry: m.carry.clone(),
    });
    p.ended = true;
    Some(state)
}

/// Path message `i` as a turn for the usage ledger: who answered, what it reported, the
/// characters sent and received (for an estimate when it reported no usage), and its
/// number in the file (its branch).
pub(super) fn turn_ended(conv: &Conversation, i: usize, state: EndState, n: usize) -> TurnEnded {
    let m = &conv.messages[i];
    TurnEnded {
        provider: m.provider_ref().to_string(),
        model: m.model.clone(),
        key_id: m.key_id.clone(),
        usage: m.usage,
        prompt_chars: conv.messages[..i]
            .iter()
            .map(|m| m.text.chars().count())
            .sum(),
        reply_chars: m.text.chars().count(),
        state,
        conversation: None,
        message: Some(n),
    }
}
