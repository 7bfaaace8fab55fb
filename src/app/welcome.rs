//! The first-run welcome flow: how to protect keys, importing keys from the environment, a
//! first key (tested before saving, by the key manager), a default model (by the picker).
//! Every step can be skipped; at the end the choices are written to config.toml.

use std::path::PathBuf;

use tui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Protect,
    IdentityPath,
    Import,
    FirstKey,
    Model,
}

impl Step {
    /// What the step is about, for the header kept while another pane does its work.
    pub fn title(self) -> &'static str {
        match self {
            Step::Protect | Step::IdentityPath => "protect your keys",
            Step::Import => "import keys from the environment",
            Step::FirstKey => "add a first key",
            Step::Model => "pick a model",
        }
    }

    pub fn number(self) -> usize {
        match self {
            Step::Protect | Step::IdentityPath => 1,
            Step::Import => 2,
            Step::FirstKey => 3,
            Step::Model => 4,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Welcome {
    pub step: Step,
    /// An SSH key found at ~/.ssh/id_ed25519 (with its .pub), offered as the unlock method.
    pub ssh_key: Option<PathBuf>,
    pub path_input: TextArea<'static>,
    /// The identity chosen to protect keys.age, written to config at the end.
    pub identity_file: Option<PathBuf>,
    /// Another pane (key manager, picker) is doing this step; resume when it is done.
    pub waiting: bool,
    pub error: Option<String>,
    /// What the last step did (the keys it imported), shown above the next one.
    pub note: Option<String>,
    /// The model picked in the last step, saved as the default.
    pub chosen: Option<(String, String)>,
}

impl Welcome {
    pub fn new(ssh_key: Option<PathBuf>) -> Self {
        let mut path_input = TextArea::default();
        path_input.set_placeholder_text("~/.config/age/keyturn.txt");
        Self {
            step: Step::Protect,
            ssh_key,
            path_input,
            identity_file: None,
            waiting: false,
            error: None,
            note: None,
            chosen: None,
        }
    }
}

impl Welcome {
    /// Pasted text goes into the identity path field, the only text field of the flow.
    pub fn paste(&mut self, text: &str) {
        if self.step == Step::IdentityPath {
            self.path_input.insert_str(text.trim());
        }
    }
}

/// What the welcome flow asks the runtime to do when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct WelcomeResult {
    pub identity_file: Option<PathBuf>,
    pub default: Option<(String, String)>,
}
