//! A secret typed into the TUI, on its way to the runtime. Wraps `SecretString`; `Debug`
//! shows nothing, and equality exists only so effects can be compared in tests.

use secrecy::{ExposeSecret, SecretString};

#[derive(Clone)]
pub struct Secret(pub SecretString);

impl Secret {
    pub fn new(text: &str) -> Self {
        Self(crate::keystore::entry::clean_secret(text))
    }

    /// The text of a masked field, read straight into a buffer that is wiped when dropped
    /// (no plain joined copy is left behind), trimmed of what a paste brings along.
    pub fn from_field(field: &tui_textarea::TextArea) -> Self {
        let mut joined = zeroize::Zeroizing::new(String::new());
        for (i, line) in field.lines().iter().enumerate() {
            if i > 0 {
                joined.push('\n');
            }
            joined.push_str(line);
        }
        Self(crate::keystore::entry::clean_secret(&joined))
    }

    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}
