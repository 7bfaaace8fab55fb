//! `[keys]`: the default key map with the user's rebindings applied; a bad entry is an
//! error that names its line.

use super::Config;

impl Config {
    /// The default key map with `[keys]` applied (validated when the config is parsed).
    pub fn keymap(&self) -> crate::keymap::Keymap {
        self.try_keymap().unwrap_or_default()
    }

    pub(super) fn try_keymap(
        &self,
    ) -> Result<crate::keymap::Keymap, (std::ops::Range<usize>, String)> {
        use crate::keymap::{Scope, parse_chords};
        let mut keymap = crate::keymap::Keymap::default();
        let action = |name: &str| {
            crate::keymap::Action::from_name(name).ok_or_else(|| {
                format!(
                    "keys.{name}: no action by that name (F1 lists them, e.g. retry, open_picker)"
                )
            })
        };
        for (name, value) in &self.keys {
            let span = value.span();
            match value.get_ref() {
                toml::Value::Table(table) => {
                    let scope = Scope::from_config_name(name)
                        .ok_or_else(|| (span.clone(), format!("[keys.{name}]: no such scope (global, composer, conversation, keys)")))?;
                    for (act, keys) in table {
                        let a = action(act).map_err(|m| (span.clone(), m))?;
                        let chords = parse_chords(keys)
                            .map_err(|m| (span.clone(), format!("keys.{name}.{act}: {m}")))?;
                        keymap
                            .rebind(scope, a, chords)
                            .map_err(|m| (span.clone(), format!("keys.{name}.{act}: {m}")))?;
                    }
                }
                other => {
                    let a = action(name).map_err(|m| (span.clone(), m))?;
                    let chords = parse_chords(other)
                        .map_err(|m| (span.clone(), format!("keys.{name}: {m}")))?;
                    keymap
                        .rebind(Scope::Global, a, chords)
                        .map_err(|m| (span.clone(), format!("keys.{name}: {m}")))?;
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
        let c = parse("[keys]\nretry = \"ctrl-g\"\nopen_picker = [\"ctrl-o\", \"f2\"]\n[keys.composer]\nnewline = \"ctrl-j\"\n").unwrap();
        let km = c.keymap();
        assert_eq!(
            km.lookup(Scope::Global, chord("ctrl-g")),
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
        assert!(km.key_for(Action::Retry) == "Ctrl-G");
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
