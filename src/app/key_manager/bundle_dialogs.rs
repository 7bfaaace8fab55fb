//! The key manager's bundle dialogs: export keys to another machine (recipients, then the
//! file; Tab chooses this provider's keys or all), and import a bundle (the file, then the
//! identity that opens it).

use tui_textarea::TextArea;

use super::dialogs::{Outcome, Press, field_key};
use super::{input, text_of};
use crate::keymap::Action;

#[derive(Clone)]
pub struct ExportBundle {
    /// The selected key's provider; `all` exports every key instead.
    pub provider: Option<String>,
    pub all: bool,
    pub recipients: TextArea<'static>,
    pub file: TextArea<'static>,
    /// The recipients are in; the file is asked.
    pub on_file: bool,
}

impl ExportBundle {
    pub fn new(provider: Option<String>) -> Self {
        let mut file = input(false, "file");
        file.insert_str("keyturn-keys.bundle");
        Self {
            all: provider.is_none(),
            provider,
            recipients: input(
                false,
                "age1…, ssh-ed25519 …, or a .pub / authorized_keys file",
            ),
            file,
            on_file: false,
        }
    }

    pub fn on_key(&mut self, press: &Press) -> Outcome {
        if press.action == Some(Action::DialogNext) && self.provider.is_some() {
            self.all = !self.all;
            return Outcome::Stay;
        }
        let field = if self.on_file {
            &mut self.file
        } else {
            &mut self.recipients
        };
        if let Some(o) = field_key(field, press) {
            return o;
        }
        let recipients: Vec<String> = text_of(&self.recipients)
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        if recipients.is_empty() {
            return Outcome::Note {
                text: "Give at least one recipient: the other machine's SSH or age public key, or a file of them.".into(),
                is_error: true,
            };
        }
        if !self.on_file {
            self.on_file = true;
            return Outcome::Stay;
        }
        let path = text_of(&self.file).trim().to_string();
        if path.is_empty() {
            return Outcome::Note {
                text: "Give the file to write the bundle to.".into(),
                is_error: true,
            };
        }
        Outcome::Effect(super::KeysEffect::ExportBundle {
            provider: if self.all {
                None
            } else {
                self.provider.clone()
            },
            recipients,
            path,
        })
    }
}

#[derive(Clone)]
pub struct ImportBundle {
    pub file: TextArea<'static>,
    pub identity: TextArea<'static>,
    pub on_identity: bool,
}

impl Default for ImportBundle {
    fn default() -> Self {
        Self {
            file: input(false, "the bundle file"),
            identity: input(false, "empty: the store's identity, else ~/.ssh/id_ed25519"),
            on_identity: false,
        }
    }
}

impl ImportBundle {
    pub fn on_key(&mut self, press: &Press) -> Outcome {
        let field = if self.on_identity {
            &mut self.identity
        } else {
            &mut self.file
        };
        if let Some(o) = field_key(field, press) {
            return o;
        }
        let path = text_of(&self.file).trim().to_string();
        if path.is_empty() {
            return Outcome::Note {
                text: "Give the bundle's file (made by keyturn keys export).".into(),
                is_error: true,
            };
        }
        if !self.on_identity {
            self.on_identity = true;
            return Outcome::Stay;
        }
        Outcome::Effect(super::KeysEffect::ImportBundle {
            path,
            identity: text_of(&self.identity).trim().to_string(),
        })
    }
}
