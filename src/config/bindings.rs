//! `[keys]`: the default key map with the user's rebindings applied; a bad entry is an
//! error that names its line.

use super::Config;

/// A `[keys]` entry that cannot be used, with where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BindingError {
    pub span: std::ops::Range<usize>,
    pub message: String,
}

impl Config {
    /// The default key map with `[keys]` applied (validated when the config is parsed).
    pub fn keymap(&self) -> crate::keymap::Keymap {
        self.try_keymap().unwrap_or_default()
    }

    pub(super) fn try_keymap(&self) -> Result<crate::keymap::Keymap, BindingError> {
        use crate::keymap::{Action, Scope, parse_chords};
        let mut keymap = crate::keymap::Keymap::default();
        for (name, value) in &self.keys {
            let at = |message: String| BindingError {
                span: value.span(),
                message,
            };
            let action = |act: &str| {
                Action::from_name(act).ok_or_else(|| {
                    at(format!(
                        "keys.{act}: no action by that name (F1 lists them, e.g. retry, open_picker)"
                    ))
                })
            };
            match value.get_ref() {
                toml::Value::Table(table) => {
                    let scope = Scope::from_config_name(name).ok_or_else(|| {
                        let names: Vec<&str> = Scope::ALL.iter().map(|s| s.config_name()).collect();
                        at(format!(
                            "[keys.{name}]: no such scope ({})",
                            names.join(", ")
                        ))
                    })?;
                    for (act, keys) in table {
                        let a = action(act)?;
                        parse_chords(keys)
                            .and_then(|chords| keymap.rebind(scope, a, chords))
                            .map_err(|e| at(format!("keys.{name}.{act}: {e}")))?;
                    }
                }
                other => {
                    let a = action(name)?;
                    parse_chords(other)
                        .and_then(|chords| keymap.rebind(Scope::Global, a, chords))
                        .map_err(|e| at(format!("keys.{name}: {e}")))?;
                }
            }
        }
        Ok(keymap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;
    use crate::keymap::Action;
    use crate::keymap::{KeyChord, Scope};
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/tmp/c.toml"), text)
    }

    fn chord(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    #[test]
    fn keys_rebind_actions_in_their_scope_or_a_named_one() {
        let c = parse("[keys]\nretry = \"ctrl-l\"\nopen_picker = [\"ctrl-o\", \"f2\"]\n[keys.composer]\nnewline = \"ctrl-j\"\n").unwrap();
        let km = c.keymap();
        assert_eq!(
            km.lookup(Scope::Global, chord("ctrl-l")),
            Some(Action::Retry)
        );
        assert_eq!(km.lookup(Scope::Global, chord("ctrl-r")), None);
        assert_eq!(
            km.lookup(Scope::Conversation, chord("r")),
            Some(Action::Retry),
            "retry is rebound in each scope it had keys in"
        );
        assert_eq!(
            km.lookup(Scope::Global, chord("ctrl-o")),
            Some(Action::OpenPicker)
        );
        assert_eq!(km.lookup(Scope::Composer, chord("alt-enter")), None);
        assert_eq!(
            km.lookup(Scope::Composer, chord("ctrl-j")),
            Some(Action::Newline)
        );
        assert!(km.key_for(Action::Retry) == "Ctrl-L");
    }

    #[test]
    fn every_pane_and_dialog_can_be_rebound() {
        let c = parse(
            "[keys.picker]\npick_model = \"ctrl-o\"\n[keys.usage]\nusage_month_prev = \"h\"\n\
             [keys.conversations]\ndelete_conversation = \"ctrl-x\"\n[keys.dialog]\nyes = \"j\"\n",
        )
        .unwrap();
        let km = c.keymap();
        assert_eq!(
            km.lookup_pane(Scope::Picker, chord("ctrl-o")),
            Some(Action::PickModel)
        );
        assert_eq!(km.lookup_pane(Scope::Picker, chord("enter")), None);
        assert_eq!(
            km.lookup_pane(Scope::Usage, chord("h")),
            Some(Action::UsageMonthPrev)
        );
        assert_eq!(
            km.lookup_pane(Scope::Conversations, chord("ctrl-x")),
            Some(Action::DeleteConversation)
        );
        assert_eq!(km.lookup_pane(Scope::Dialog, chord("j")), Some(Action::Yes));
        // Hints follow the rebinding.
        assert!(
            km.hint(Scope::Picker, &[(Action::PickModel, "use")])
                .contains("Ctrl-O use")
        );
    }

    #[test]
    fn bad_key_config_is_an_error_with_its_line() {
        for (text, line, needle) in [
            ("[keys]\nretyr = \"ctrl-g\"\n", 2, "no action by that name"),
            ("\n[keys]\nretry = \"ctrl-bogus\"\n", 3, "unknown key"),
            ("[keys]\nretry = \"ctrl-c\"\n", 2, "already bound to quit"),
            ("[keys.nowhere]\nretry = \"x\"\n", 1, "no such scope"),
            ("[keys]\nretry = 5\n", 2, "expected a key"),
            (
                "[ui]\n\nsyntax_theme = \"monokai\"\n",
                3,
                "choose one of: base16-ocean.dark",
            ),
            ("[ui]\ncolor = \"8\"\n", 2, "unknown variant"),
            ("[ui]\nclipboard = \"xclip\"\n", 2, "unknown variant"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("/tmp/c.toml:{line}:")),
                "{text:?}: {e}"
            );
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }
}
