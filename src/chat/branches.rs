//! A conversation as a tree: `messages` is the branch shown (each message following the
//! one before it), `parked` holds the messages of every other branch with their parents.
//! Regenerating or editing a message parks the branch below it and starts a sibling;
//! switching swaps a sibling's branch onto the path.

use super::{Conversation, Message};

impl Conversation {
    /// Makes each message on the path follow the one before it (after one was put in
    /// among them: a checkpoint).
    pub fn relink(&mut self) {
        let mut parent = None;
        for m in &mut self.messages {
            m.parent = parent;
            parent = Some(m.id);
        }
    }

    /// Parks the path from `i` on: it stays as a branch, and the path ends before it.
    pub fn park_from(&mut self, i: usize) {
        let i = i.min(self.messages.len());
        let taken: Vec<Message> = self.messages.drain(i..).collect();
        self.parked.extend(taken);
        self.clamp_cut();
    }

    /// The parent that message `i` on the path has (None: the first message).
    fn parent_at(&self, i: usize) -> Option<u64> {
        i.checked_sub(1).map(|p| self.messages[p].id)
    }

    /// The ids of path message `i` and its siblings, oldest first.
    pub fn siblings(&self, i: usize) -> Vec<u64> {
        let Some(here) = self.messages.get(i) else {
            return Vec::new();
        };
        let parent = self.parent_at(i);
        let mut ids: Vec<u64> = self
            .parked
            .iter()
            .filter(|m| m.parent == parent)
            .map(|m| m.id)
            .chain([here.id])
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Shows the sibling `by` steps from path message `i` (and the branch below it that
    /// was seen last). Returns whether the path changed.
    pub fn switch(&mut self, i: usize, by: isize) -> bool {
        let ids = self.siblings(i);
        let Some(at) = ids.iter().position(|&id| id == self.messages[i].id) else {
            return false;
        };
        let to = at as isize + by;
        if to < 0 || to as usize >= ids.len() {
            return false;
        }
        let target = ids[to as usize];
        // A cut below the branch point was the other branch's: this one is sent from it.
        self.sent_from = self.sent_from.min(i);
        self.park_from(i);
        let mut next = Some(target);
        while let Some(id) = next {
            let Some(k) = self.parked.iter().position(|m| m.id == id) else {
                break;
            };
            let m = self.parked.remove(k);
            self.messages.push(m);
            // The child seen last: the one parked last.
            next = self
                .parked
                .iter()
                .rev()
                .find(|c| c.parent == Some(id))
                .map(|c| c.id);
        }
        self.relabel();
        true
    }

    /// Each path message's place among its siblings, touching those whose place changed
    /// (their label shows it).
    pub fn relabel(&mut self) {
        for i in 0..self.messages.len() {
            let ids = self.siblings(i);
            let branch = (ids.len() > 1).then(|| {
                let at = ids.iter().position(|&id| id == self.messages[i].id);
                (at.map_or(1, |a| a + 1), ids.len())
            });
            let m = &mut self.messages[i];
            if m.branch != branch {
                m.branch = branch;
                m.touch();
            }
        }
    }

    /// The index of the deepest path message that has siblings.
    pub fn last_branch_point(&self) -> Option<usize> {
        (0..self.messages.len())
            .rev()
            .find(|&i| self.messages[i].branch.is_some())
    }

    /// A new conversation of the path up to and including message `i` (no branches, no
    /// file yet), with this one's system prompt and preset.
    pub fn fork(&self, i: usize) -> Conversation {
        let end = (i + 1).min(self.messages.len());
        let mut messages: Vec<Message> = self.messages[..end]
            .iter()
            .cloned()
            .map(|mut m| {
                m.file_n = None;
                m.branch = None;
                m.touch();
                m
            })
            .collect();
        for m in &mut messages {
            if m.state.is_open() {
                m.state = super::TurnState::Cancelled;
            }
        }
        Conversation {
            messages,
            system: self.system.clone(),
            preset: self.preset.clone(),
            sent_from: self.sent_from.min(i + 1),
            ..Default::default()
        }
    }

    /// Every message of the tree in order, each with its depth and whether it is on the
    /// path shown: a parent before its children, children oldest first.
    pub fn tree(&self) -> Vec<(usize, &Message, bool)> {
        let all: Vec<(&Message, bool)> = self
            .messages
            .iter()
            .map(|m| (m, true))
            .chain(self.parked.iter().map(|m| (m, false)))
            .collect();
        let mut out = Vec::with_capacity(all.len());
        // Depth-first from the roots, children by id.
        fn visit<'a>(
            all: &[(&'a Message, bool)],
            parent: Option<u64>,
            depth: usize,
            out: &mut Vec<(usize, &'a Message, bool)>,
        ) {
            let mut kids: Vec<&(&Message, bool)> =
                all.iter().filter(|(m, _)| m.parent == parent).collect();
            kids.sort_by_key(|(m, _)| m.id);
            for (m, on) in kids {
                out.push((depth, m, *on));
                visit(all, Some(m.id), depth + 1, out);
            }
        }
        visit(&all, None, 0, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::chat::{Conversation, Role, TurnState};

    fn conv(texts: &[&str]) -> Conversation {
        let mut c = Conversation::default();
        for (i, t) in texts.iter().enumerate() {
            let role = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            c.push_with_id(i as u64 + 1, role, (*t).into(), TurnState::Done);
        }
        c
    }

    fn texts(c: &Conversation) -> Vec<&str> {
        c.messages.iter().map(|m| m.text.as_str()).collect()
    }

    #[test]
    fn siblings_switch_with_the_branch_below_them() {
        let mut c = conv(&["q", "a1", "q2", "b1"]);
        // Regenerate the first answer: its branch is parked, a sibling answers.
        c.park_from(1);
        c.push_with_id(10, Role::Assistant, "a2".into(), TurnState::Done);
        c.relabel();
        assert_eq!(texts(&c), ["q", "a2"]);
        assert_eq!(c.messages[1].branch, Some((2, 2)));
        assert!(c.switch(1, -1));
        assert_eq!(texts(&c), ["q", "a1", "q2", "b1"]);
        assert_eq!(c.messages[1].branch, Some((1, 2)));
        assert!(!c.switch(1, -1), "no sibling before the first");
        assert!(c.switch(1, 1));
        assert_eq!(texts(&c), ["q", "a2"]);
        assert_eq!(c.last_branch_point(), Some(1));
        let tree: Vec<(usize, &str, bool)> = c
            .tree()
            .iter()
            .map(|(d, m, on)| (*d, m.text.as_str(), *on))
            .collect();
        assert_eq!(
            tree,
            [
                (0, "q", true),
                (1, "a1", false),
                (2, "q2", false),
                (3, "b1", false),
                (1, "a2", true)
            ]
        );
    }

    #[test]
    fn a_fork_is_the_path_up_to_a_message() {
        let mut c = conv(&["q", "a", "q2", "a2"]);
        c.system = Some("Be brief.".into());
        let f = c.fork(1);
        assert_eq!(texts(&f), ["q", "a"]);
        assert!(f.id.is_empty() && f.parked.is_empty());
        assert_eq!(f.system.as_deref(), Some("Be brief."));
    }
}
