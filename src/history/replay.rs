//! A conversation file read back into a conversation: every message into a tree (by the
//! parents its records name, or by place in files from before branches), the branch shown
//! onto the path and the rest parked. What cannot be read costs only its own line; a reply
//! cut off mid-stream is marked incomplete.

use std::collections::HashMap;

use super::record::{INCOMPLETE_NOTE, LoadReport, Record};
use crate::chat::{Conversation, EndState, Message, Role, TurnError, TurnState, Usage};

struct Node {
    msg: Message,
    parent: Option<usize>,
    gone: bool,
}

#[derive(Default)]
struct Replay {
    conv: Conversation,
    nodes: Vec<Node>,
    /// File number → node (the newest with that number: old files reuse places).
    by_n: HashMap<usize, usize>,
    /// The branch shown, as nodes from the first message.
    path: Vec<usize>,
    next_n: usize,
}

impl Replay {
    /// The chain of nodes from the first message to `node`, cut before any gone one; at
    /// most as many steps as there are nodes (a damaged file can make a loop).
    fn path_to(&self, node: Option<usize>) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = node;
        while let Some(i) = at {
            if chain.len() > self.nodes.len() {
                return Vec::new();
            }
            chain.push(i);
            at = self.nodes[i].parent;
        }
        chain.reverse();
        if let Some(cut) = chain.iter().position(|&i| self.nodes[i].gone) {
            chain.truncate(cut);
        }
        chain
    }

    fn add(&mut self, n: usize, parent: Option<usize>, msg: Message) {
        let i = self.nodes.len();
        self.nodes.push(Node {
            msg: Message {
                file_n: Some(n),
                ..msg
            },
            parent,
            gone: false,
        });
        self.by_n.insert(n, i);
        self.next_n = self.next_n.max(n + 1);
        self.path = self.path_to(Some(i));
    }

    /// Where a new message goes: under `p` (a tree record), at the root (`root`), or at
    /// place `n` of the branch shown (files from before branches). None: its parent is
    /// unknown (damage), and the line is skipped.
    fn parent_for(&mut self, n: usize, p: Option<usize>, root: bool) -> Option<Option<usize>> {
        match (p, root) {
            (Some(p), _) => self.by_n.get(&p).copied().map(Some),
            (None, true) => Some(None),
            (None, false) => {
                self.path.truncate(n.min(self.path.len()));
                Some(self.path.last().copied())
            }
        }
    }

    fn node(&mut self, n: usize) -> Option<&mut Node> {
        let i = *self.by_n.get(&n)?;
        self.nodes.get_mut(i).filter(|node| !node.gone)
    }

    fn apply(&mut self, record: Record) -> bool {
        match record {
            Record::Meta { id, .. } => self.conv.id = id,
            Record::Title { title } => self.conv.title = title,
            Record::System { text, preset } => {
                self.conv.system = Some(text);
                self.conv.preset = preset;
            }
            Record::Msg {
                n,
                p,
                root,
                role,
                text,
                checkpoint,
                attachments,
                ..
            } => {
                let Some(parent) = self.parent_for(n, p, root) else {
                    return false;
                };
                let mut m = Message::new(0, role, text, TurnState::Done);
                m.checkpoint = checkpoint;
                m.attachments = attachments.iter().map(|a| a.unread()).collect();
                self.add(n, parent, m);
            }
            Record::Start {
                n,
                p,
                root,
                provider,
                model,
                key_id,
                preset,
                ..
            } => {
                let Some(parent) = self.parent_for(n, p, root) else {
                    return false;
                };
                let mut m = Message::new(0, Role::Assistant, String::new(), TurnState::Streaming);
                m.provider_id = provider.clone();
                m.provider = provider;
                m.model = model;
                m.key_id = key_id;
                m.preset = preset;
                self.add(n, parent, m);
            }
            Record::Delta { n, text } => {
                if let Some(node) = self.node(n) {
                    node.msg.text.push_str(&text);
                }
            }
            Record::End {
                n,
                state,
                error,
                usage,
                carry,
                ..
            } => {
                if let Some(node) = self.node(n) {
                    end(&mut node.msg, state, error, usage.map(Usage::from), carry);
                }
            }
            Record::Truncate { n } => {
                // Before branches a take-back deleted what it took back.
                for &i in self.path.iter().skip(n) {
                    self.nodes[i].gone = true;
                }
                self.path.truncate(n);
            }
            Record::Cut { n } => self.conv.sent_from = n,
            Record::Switch { n } => {
                let Some(&i) = self.by_n.get(&n) else {
                    return false;
                };
                self.path = self.path_to(Some(i));
            }
            Record::Move { n, p } => {
                let (Some(&i), parent) = (self.by_n.get(&n), p.map(|p| self.by_n.get(&p))) else {
                    return false;
                };
                let parent = match parent {
                    Some(Some(&q)) => Some(q),
                    Some(None) => return false,
                    None => None,
                };
                self.nodes[i].parent = parent;
                self.path = self.path_to(self.path.last().copied());
            }
            Record::Forget { n } => {
                let Some(&i) = self.by_n.get(&n) else {
                    return false;
                };
                self.nodes[i].gone = true;
                if let Some(at) = self.path.iter().position(|&k| k == i) {
                    self.path.truncate(at);
                }
            }
        }
        true
    }

    /// The conversation: the path shown, every other message still in the tree parked.
    fn finish(mut self, report: &mut LoadReport) -> Conversation {
        // What can be reached from a first message through messages not gone.
        let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.gone {
                children.entry(node.parent).or_default().push(i);
            }
        }
        let mut reachable = vec![false; self.nodes.len()];
        let mut todo: Vec<usize> = children.get(&None).cloned().unwrap_or_default();
        while let Some(i) = todo.pop() {
            if !std::mem::replace(&mut reachable[i], true) {
                todo.extend(children.get(&Some(i)).into_iter().flatten());
            }
        }
        let path = self.path_to(self.path.last().copied());
        let on_path: Vec<bool> = {
            let mut v = vec![false; self.nodes.len()];
            for &i in &path {
                v[i] = true;
            }
            v
        };
        let ids: Vec<Option<u64>> = (0..self.nodes.len()).map(|i| Some(i as u64 + 1)).collect();
        let mut conv = std::mem::take(&mut self.conv);
        let take = |i: usize, nodes: &mut Vec<Node>| {
            let mut m = std::mem::replace(
                &mut nodes[i].msg,
                Message::new(0, Role::User, String::new(), TurnState::Done),
            );
            m.id = i as u64 + 1;
            m.parent = nodes[i].parent.and_then(|p| ids[p]);
            m
        };
        for &i in &path {
            let m = take(i, &mut self.nodes);
            conv.messages.push(m);
        }
        for i in 0..self.nodes.len() {
            if reachable[i] && !on_path[i] {
                let m = take(i, &mut self.nodes);
                conv.parked.push(m);
            }
        }
        conv.next_n = self.next_n;
        conv.clamp_cut();
        for (i, msg) in conv.messages.iter_mut().enumerate() {
            if msg.state.is_open() {
                msg.state = TurnState::Cancelled;
                msg.notes.push(INCOMPLETE_NOTE.into());
                conv.unended.push(i);
                report.incomplete = true;
            }
        }
        for msg in &mut conv.parked {
            if msg.state.is_open() {
                msg.state = TurnState::Cancelled;
                msg.notes.push(INCOMPLETE_NOTE.into());
            }
        }
        conv.relabel();
        conv
    }
}

/// A turn's end as its record says.
fn end(
    msg: &mut Message,
    state: EndState,
    error: Option<String>,
    usage: Option<Usage>,
    carry: Option<crate::chat::Carry>,
) {
    msg.carry = carry;
    msg.state = match state {
        EndState::Done => TurnState::Done,
        EndState::Cancelled => {
            // Cut off by a crash: the mark survives every later start.
            if error.as_deref() == Some(INCOMPLETE_NOTE)
                && !msg.notes.iter().any(|n| n == INCOMPLETE_NOTE)
            {
                msg.notes.push(INCOMPLETE_NOTE.into());
            }
            TurnState::Cancelled
        }
        EndState::Failed => TurnState::Failed(TurnError::recorded(error.unwrap_or_default())),
    };
    msg.usage = usage;
}

/// Rebuilds a conversation from its records.
pub fn replay(text: &str) -> (Conversation, LoadReport) {
    let mut r = Replay::default();
    let mut report = LoadReport::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Ok(record) = serde_json::from_str::<Record>(line) else {
            report.skipped_lines.push(i + 1);
            continue;
        };
        // A message number is never more than the lines before it: a larger one (a huge
        // number, damage) is a damaged line, and costs only itself.
        let numbers = match &record {
            Record::Msg { n, p, .. } | Record::Start { n, p, .. } | Record::Move { n, p } => {
                [Some(*n), *p]
            }
            Record::Delta { n, .. }
            | Record::End { n, .. }
            | Record::Truncate { n }
            | Record::Cut { n }
            | Record::Switch { n }
            | Record::Forget { n } => [Some(*n), None],
            Record::Meta { .. } | Record::Title { .. } | Record::System { .. } => [None, None],
        };
        if numbers.iter().flatten().any(|&n| n > i) || !r.apply(record) {
            report.skipped_lines.push(i + 1);
        }
    }
    let conv = r.finish(&mut report);
    (conv, report)
}
