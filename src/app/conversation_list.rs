//! The conversations pane (F4): saved conversations by last activity, filtered as you type
//! (titles and full text, searched by the runtime), Enter to open, Ctrl-N new, Ctrl-R rename,
//! Ctrl-D (or Delete) delete after a y/n confirmation.

use crossterm::event::{KeyCode, KeyEvent};

use super::line_edit::LineEdit;

use crate::history::Summary;
use crate::keymap::Action;

/// A row: the conversation and, for a search, where the text matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub summary: Summary,
    pub excerpt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// The new title, starting as the old one selected (typing replaces it).
    Rename {
        id: String,
        title: LineEdit,
    },
    Delete {
        id: String,
        title: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationsPane {
    pub query: LineEdit,
    pub items: Vec<Item>,
    pub selected: usize,
    pub loading: bool,
    /// The newest list request; older answers are ignored.
    pub req: u64,
    pub dialog: Option<Dialog>,
}

/// What the pane asks the runtime for.
#[derive(Debug, Clone, PartialEq)]
pub enum ConvEffect {
    List { req: u64, query: String },
    Open { id: String },
    Rename { id: String, title: String },
    Delete { id: String },
}

/// What the pane decided, for the reducer.
#[derive(Debug, Clone, PartialEq)]
pub enum ConvOutcome {
    Stay(Vec<ConvEffect>),
    Close,
    New,
    Open(String),
    Renamed { id: String, title: String },
    Deleted(String),
}

impl ConversationsPane {
    /// Opens the pane and asks for the list.
    pub fn open(next_req: &mut u64) -> (Self, ConvEffect) {
        *next_req += 1;
        let pane = Self {
            loading: true,
            req: *next_req,
            ..Default::default()
        };
        let effect = ConvEffect::List {
            req: pane.req,
            query: String::new(),
        };
        (pane, effect)
    }

    fn relist(&mut self, next_req: &mut u64) -> ConvEffect {
        *next_req += 1;
        self.req = *next_req;
        self.loading = true;
        ConvEffect::List {
            req: self.req,
            query: self.query.text().to_string(),
        }
    }

    /// A list arrived: the selection stays on the same conversation, and starts on the
    /// open one.
    pub fn on_list(&mut self, req: u64, items: Vec<Item>, current_id: &str) {
        if req != self.req {
            return;
        }
        let keep = self
            .items
            .get(self.selected)
            .map(|i| i.summary.id.clone())
            .unwrap_or_else(|| current_id.to_string());
        self.items = items;
        self.loading = false;
        self.selected = self
            .items
            .iter()
            .position(|i| i.summary.id == keep)
            .unwrap_or(self.selected.min(self.items.len().saturating_sub(1)));
    }

    fn current(&self) -> Option<&Item> {
        self.items.get(self.selected)
    }

    /// A key: `action` is what the pane's key map makes of it (the dialog key map while a
    /// dialog is open); other keys type into the search or the new title.
    pub fn on_key(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
        next_req: &mut u64,
    ) -> ConvOutcome {
        if let Some(dialog) = self.dialog.as_mut() {
            return match (dialog, action, key.code) {
                (_, Some(Action::Cancel), _) => {
                    self.dialog = None;
                    ConvOutcome::Stay(Vec::new())
                }
                (Dialog::Delete { id, .. }, Some(Action::Yes), _) => {
                    let id = id.clone();
                    self.dialog = None;
                    ConvOutcome::Deleted(id)
                }
                (Dialog::Delete { .. }, _, _) => {
                    self.dialog = None;
                    ConvOutcome::Stay(Vec::new())
                }
                (Dialog::Rename { id, title }, Some(Action::Confirm), _) => {
                    let (id, title) = (id.clone(), title.text().trim().to_string());
                    self.dialog = None;
                    if title.is_empty() {
                        ConvOutcome::Stay(Vec::new())
                    } else {
                        ConvOutcome::Renamed { id, title }
                    }
                }
                (Dialog::Rename { title, .. }, _, _) => {
                    title.key(key);
                    ConvOutcome::Stay(Vec::new())
                }
            };
        }
        match (action, key.code) {
            (Some(Action::Close), _) => ConvOutcome::Close,
            (Some(Action::ListUp), _) => {
                self.selected = self.selected.saturating_sub(1);
                ConvOutcome::Stay(Vec::new())
            }
            (Some(Action::ListDown), _) => {
                self.selected = (self.selected + 1).min(self.items.len().saturating_sub(1));
                ConvOutcome::Stay(Vec::new())
            }
            (Some(Action::OpenConversation), _) => match self.current() {
                Some(item) => ConvOutcome::Open(item.summary.id.clone()),
                None => ConvOutcome::Stay(Vec::new()),
            },
            (Some(Action::NewConversation), _) => ConvOutcome::New,
            (Some(Action::RenameConversation), _) => {
                if let Some(item) = self.current() {
                    self.dialog = Some(Dialog::Rename {
                        id: item.summary.id.clone(),
                        title: LineEdit::selecting_all(&item.summary.title),
                    });
                }
                ConvOutcome::Stay(Vec::new())
            }
            (Some(Action::DeleteConversation), _) => self.ask_delete(),
            (Some(_), _) => ConvOutcome::Stay(Vec::new()),
            (None, KeyCode::Enter | KeyCode::Esc) => ConvOutcome::Stay(Vec::new()),
            (None, _) => {
                // Shell editing keys; only a changed query is searched again.
                if self.query.key(key) {
                    ConvOutcome::Stay(vec![self.relist(next_req)])
                } else {
                    ConvOutcome::Stay(Vec::new())
                }
            }
        }
    }

    /// Pasted text goes into the rename field when it is open, else into the search.
    pub fn paste(&mut self, text: &str, next_req: &mut u64) -> Option<ConvEffect> {
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        match self.dialog.as_mut() {
            Some(Dialog::Rename { title, .. }) => {
                title.insert(&line);
                None
            }
            Some(Dialog::Delete { .. }) => None,
            None if line.is_empty() => None,
            None => {
                self.query.insert(&line);
                Some(self.relist(next_req))
            }
        }
    }

    fn ask_delete(&mut self) -> ConvOutcome {
        if let Some(item) = self.current() {
            self.dialog = Some(Dialog::Delete {
                id: item.summary.id.clone(),
                title: item.summary.title.clone(),
            });
        }
        ConvOutcome::Stay(Vec::new())
    }

    /// After a rename or delete: list again.
    pub fn refresh(&mut self, next_req: &mut u64) -> ConvEffect {
        self.relist(next_req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn rename_starts_with_the_old_title_selected_and_the_search_edits_like_a_shell() {
        let mut next = 0;
        let (mut pane, _) = ConversationsPane::open(&mut next);
        let req = pane.req;
        let item = Item {
            summary: Summary {
                id: "c1".into(),
                title: "Old title".into(),
                modified: 1,
                messages: 2,
            },
            excerpt: None,
        };
        pane.on_list(req, vec![item], "");
        pane.on_key(
            Some(Action::RenameConversation),
            press(KeyCode::Char('r'), KeyModifiers::CONTROL),
            &mut next,
        );
        for c in "New".chars() {
            pane.on_key(None, press(KeyCode::Char(c), KeyModifiers::NONE), &mut next);
        }
        let outcome = pane.on_key(
            Some(Action::Confirm),
            press(KeyCode::Enter, KeyModifiers::NONE),
            &mut next,
        );
        assert!(
            matches!(&outcome, ConvOutcome::Renamed { title, .. } if title == "New"),
            "typing replaces the selected old title"
        );
        // The search: Ctrl-W takes the last word back, Ctrl-U the rest; each is searched.
        for c in "rust lifetimes".chars() {
            pane.on_key(None, press(KeyCode::Char(c), KeyModifiers::NONE), &mut next);
        }
        let ConvOutcome::Stay(effects) = pane.on_key(
            None,
            press(KeyCode::Char('w'), KeyModifiers::CONTROL),
            &mut next,
        ) else {
            panic!("the pane stays")
        };
        assert!(matches!(&effects[..], [ConvEffect::List { query, .. }] if query == "rust "));
        pane.on_key(
            None,
            press(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &mut next,
        );
        assert_eq!(pane.query.text(), "");
    }
}
