//! Key bindings: which chord does which [`Action`] in which [`Scope`]. The default map is one
//! table below; `[keys]` rebinds any of it, and the help overlay and the README's key table
//! are generated from the live map.

pub mod action;
mod chord;
mod hint;

pub use action::Action;
pub use chord::{KeyChord, parse_chords};

/// Why a `[keys]` entry could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown key {0:?}")]
    UnknownKey(String),
    #[error("expected a key like \"ctrl-r\" or a list of keys")]
    NotAKey,
    #[error("{chord} is already bound to {action} in {scope}; rebind that too")]
    Taken {
        chord: String,
        action: &'static str,
        scope: &'static str,
    },
}

macro_rules! scopes {
    ($($variant:ident = $name:literal : $title:literal,)*) => {
        /// Where a binding applies: the chat's parts, each pane, and dialogs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Scope {
            $($variant,)*
        }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            /// The name used in `[keys.<scope>]`.
            pub fn config_name(self) -> &'static str {
                match self {
                    $(Scope::$variant => $name,)*
                }
            }

            /// The heading in the help overlay and the README.
            pub fn title(self) -> &'static str {
                match self {
                    $(Scope::$variant => $title,)*
                }
            }
        }
    };
}

scopes! {
    Global = "global": "Everywhere in the chat",
    Composer = "composer": "Composer (typing a message)",
    Conversation = "conversation": "Conversation (after Tab)",
    Keys = "keys": "Key manager (F3)",
    Dialog = "dialog": "Dialogs (key manager, rename, delete)",
    Picker = "picker": "Model picker (Ctrl-P)",
    Conversations = "conversations": "Saved conversations (F4)",
    Usage = "usage": "Usage (F5)",
    Presets = "presets": "Presets (F6)",
}

impl Scope {
    pub fn from_config_name(name: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|s| s.config_name() == name)
    }
}

/// The default key map: (scope, key, action).
const DEFAULTS: &[(Scope, &str, Action)] = {
    use Action::*;
    use Scope::*;
    &[
        (Global, "ctrl-c", Quit),
        (Global, "ctrl-q", Quit),
        (Global, "f1", Help),
        (Global, "esc", Cancel),
        (Global, "ctrl-r", Retry),
        (Global, "ctrl-t", ToggleReasoning),
        (Global, "alt-r", CycleReasoning),
        (Global, "ctrl-g", EditInEditor),
        (Global, "ctrl-x", Detach),
        (Global, "ctrl-n", NewConversation),
        (Global, "f3", OpenKeys),
        (Global, "f4", OpenConversations),
        (Global, "f5", OpenUsage),
        (Global, "f6", OpenPresets),
        (Global, "alt-p", OpenPresets),
        (Global, "alt-s", EditSystemPrompt),
        (Global, "ctrl-f", Failover),
        (Global, "ctrl-p", OpenPicker),
        (Global, "f2", OpenPicker),
        (Global, "tab", FocusNext),
        (Global, "pgup", PageUp),
        (Global, "pgdn", PageDown),
        (Global, "ctrl-home", ScrollTop),
        (Global, "ctrl-end", ScrollBottom),
        (Global, "ctrl-up", SelectPrev),
        (Global, "ctrl-down", SelectNext),
        (Global, "alt-y", CopyMessage),
        (Global, "alt-c", CopyCode),
        (Global, "alt-e", EditLast),
        (Global, "ctrl-s", Search),
        (Composer, "enter", Submit),
        (Composer, "alt-up", Unqueue),
        (Composer, "alt-enter", Newline),
        (Composer, "shift-enter", Newline),
        (Composer, "ctrl-j", Newline),
        (Conversation, "?", Help),
        (Conversation, "up", ScrollUp),
        (Conversation, "k", ScrollUp),
        (Conversation, "down", ScrollDown),
        (Conversation, "j", ScrollDown),
        (Conversation, "home", ScrollTop),
        (Conversation, "g", ScrollTop),
        (Conversation, "end", ScrollBottom),
        (Conversation, "G", ScrollBottom),
        (Conversation, "space", PageDown),
        (Conversation, "t", ToggleReasoning),
        (Conversation, "r", Retry),
        (Conversation, "q", Quit),
        (Conversation, "[", SelectPrev),
        (Conversation, "]", SelectNext),
        (Conversation, "{", CodePrev),
        (Conversation, "}", CodeNext),
        (Conversation, "y", CopyMessage),
        (Conversation, "c", CopyCode),
        (Conversation, "e", EditLast),
        (Conversation, "/", Search),
        (Conversation, "n", SearchNext),
        (Conversation, "N", SearchPrev),
        (Conversation, "x", ExportConversation),
        (Conversation, "<", BranchPrev),
        (Conversation, ">", BranchNext),
        (Conversation, "f", Fork),
        (Global, "alt-left", BranchPrev),
        (Global, "alt-right", BranchNext),
        (Keys, "up", ListUp),
        (Keys, "k", ListUp),
        (Keys, "down", ListDown),
        (Keys, "j", ListDown),
        (Keys, "a", KeyAdd),
        (Keys, "t", KeyTest),
        (Keys, "T", KeyTestAll),
        (Keys, "r", KeyRotate),
        (Keys, "u", KeyUndo),
        (Keys, "d", KeyDelete),
        (Keys, "enter", KeyActivate),
        (Keys, "e", KeyEditLabel),
        (Keys, "x", KeyExport),
        (Keys, "I", KeyImportBundle),
        (Keys, "i", KeyImportEnv),
        (Keys, "p", KeyFixPermissions),
        (Keys, "b", KeyBudget),
        (Keys, "?", Help),
        (Keys, "esc", Close),
        (Keys, "q", Close),
        (Keys, "f3", Close),
        (Dialog, "enter", Confirm),
        (Dialog, "esc", Cancel),
        (Dialog, "y", Yes),
        (Dialog, "n", No),
        (Dialog, "tab", DialogNext),
        (Dialog, "up", ListUp),
        (Dialog, "down", ListDown),
        (Picker, "up", ListUp),
        (Picker, "down", ListDown),
        (Picker, "pgup", ListPageUp),
        (Picker, "pgdn", ListPageDown),
        (Picker, "enter", PickModel),
        (Picker, "ctrl-d", PickDefault),
        (Picker, "esc", Close),
        (Conversations, "up", ListUp),
        (Conversations, "down", ListDown),
        (Conversations, "enter", OpenConversation),
        (Conversations, "ctrl-n", NewConversation),
        (Conversations, "ctrl-r", RenameConversation),
        (Conversations, "ctrl-d", DeleteConversation),
        (Conversations, "delete", DeleteConversation),
        (Conversations, "esc", Close),
        (Conversations, "f4", Close),
        (Usage, "tab", UsageGroup),
        (Usage, "g", UsageGroup),
        (Usage, "left", UsageMonthPrev),
        (Usage, "right", UsageMonthNext),
        (Usage, "esc", Close),
        (Usage, "q", Close),
        (Usage, "f5", Close),
        (Presets, "up", ListUp),
        (Presets, "k", ListUp),
        (Presets, "down", ListDown),
        (Presets, "j", ListDown),
        (Presets, "pgup", ListPageUp),
        (Presets, "pgdn", ListPageDown),
        (Presets, "enter", UsePreset),
        (Presets, "e", EditSystemPrompt),
        (Presets, "esc", Close),
        (Presets, "q", Close),
        (Presets, "f6", Close),
    ]
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<(Scope, KeyChord, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            bindings: DEFAULTS
                .iter()
                .filter_map(|&(s, k, a)| KeyChord::parse(k).ok().map(|c| (s, c, a)))
                .collect(),
        }
    }
}

impl Keymap {
    fn find(&self, scope: Scope, chord: KeyChord) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(s, c, _)| *s == scope && *c == chord)
            .map(|(_, _, a)| *a)
    }

    /// The action for a chord in the chat: the part's own binding first, then the global one.
    pub fn lookup(&self, scope: Scope, chord: KeyChord) -> Option<Action> {
        self.find(scope, chord)
            .or_else(|| self.find(Scope::Global, chord))
    }

    /// The action for a chord in a pane or dialog: only its own bindings (the chat's keys
    /// mean nothing there; unbound keys type into its field), and quit and help from
    /// everywhere.
    pub fn lookup_pane(&self, scope: Scope, chord: KeyChord) -> Option<Action> {
        self.find(scope, chord).or_else(|| {
            self.find(Scope::Global, chord)
                .filter(|a| matches!(a, Action::Quit | Action::Help))
        })
    }

    /// How to show the key of an action in hints: its global binding, else any binding.
    pub fn key_for(&self, action: Action) -> String {
        self.key_in(Scope::Global, action)
    }

    /// How to show the key of an action in a scope (else its global one, else any).
    pub fn key_in(&self, scope: Scope, action: Action) -> String {
        let in_scope = |s: Scope| {
            self.bindings
                .iter()
                .find(move |(bs, _, a)| *a == action && *bs == s)
        };
        in_scope(scope)
            .or_else(|| in_scope(Scope::Global))
            .or_else(|| self.bindings.iter().find(|(_, _, a)| *a == action))
            .map_or_else(|| action.name().to_string(), |(_, c, _)| c.display())
    }

    /// Help rows of these scopes, in the order given: (scope, "Ctrl-C, Ctrl-Q", action).
    pub fn help_rows_for(&self, scopes: &[Scope]) -> Vec<(Scope, String, Action)> {
        let mut rows: Vec<(Scope, String, Action)> = Vec::new();
        for &scope in scopes {
            for (_, chord, action) in self.bindings.iter().filter(|(s, _, _)| *s == scope) {
                match rows.iter_mut().find(|(s, _, a)| *s == scope && a == action) {
                    Some(row) => {
                        row.1.push_str(", ");
                        row.1.push_str(&chord.display());
                    }
                    None => rows.push((scope, chord.display(), *action)),
                }
            }
        }
        rows
    }

    /// Replaces an action's keys in one scope (`[keys]` is the global scope).
    pub fn rebind(
        &mut self,
        scope: Scope,
        action: Action,
        chords: Vec<KeyChord>,
    ) -> Result<(), KeymapError> {
        self.bindings
            .retain(|(s, _, a)| !(*s == scope && *a == action));
        for chord in &chords {
            if let Some(other) = self.find(scope, *chord) {
                return Err(KeymapError::Taken {
                    chord: chord.display(),
                    action: other.name(),
                    scope: scope.config_name(),
                });
            }
            self.bindings.push((scope, *chord, action));
        }
        Ok(())
    }
}

/// The key table for the README, generated from the same map as the help overlay.
pub fn markdown_table(keymap: &Keymap) -> String {
    let mut out = String::from("| Where | Keys | Action | What it does |\n|---|---|---|---|\n");
    for (scope, keys, action) in keymap.help_rows_for(Scope::ALL) {
        let keys = keys.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} |\n",
            scope.title(),
            keys.replace(", ", "`, `"),
            action.name(),
            action.describe()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn parse_and_display_round_trip() {
        for text in [
            "ctrl-r",
            "alt-enter",
            "shift-enter",
            "f1",
            "pgup",
            "?",
            "G",
            "ctrl-home",
            "space",
        ] {
            let chord = KeyChord::parse(text).unwrap();
            let shown = chord.display();
            assert_eq!(KeyChord::parse(&shown).unwrap(), chord, "{text} -> {shown}");
        }
        assert!(KeyChord::parse("ctrl-bogus").is_err());
        assert!(KeyChord::parse("f99").is_err());
    }

    #[test]
    fn shifted_chars_match_their_binding() {
        let km = Keymap::default();
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            km.lookup(Scope::Conversation, KeyChord::from_event(&ev)),
            Some(Action::Help)
        );
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            km.lookup(Scope::Conversation, KeyChord::from_event(&ev)),
            Some(Action::ScrollBottom)
        );
    }

    #[test]
    fn panes_use_their_own_keys_not_the_chats() {
        let km = Keymap::default();
        let chord = |t: &str| KeyChord::parse(t).unwrap();
        // Ctrl-N starts a conversation from the chat; in the picker it means nothing.
        assert_eq!(km.lookup_pane(Scope::Picker, chord("ctrl-n")), None);
        assert_eq!(
            km.lookup_pane(Scope::Conversations, chord("ctrl-n")),
            Some(Action::NewConversation)
        );
        // Quit and help work in every pane.
        assert_eq!(
            km.lookup_pane(Scope::Usage, chord("ctrl-c")),
            Some(Action::Quit)
        );
        assert_eq!(
            km.lookup_pane(Scope::Picker, chord("f1")),
            Some(Action::Help)
        );
        // The key manager's arrows move its selection, and say so.
        assert_eq!(
            km.lookup_pane(Scope::Keys, chord("down")),
            Some(Action::ListDown)
        );
        assert!(
            km.help_rows_for(&[Scope::Keys])
                .iter()
                .all(|(_, _, a)| !a.describe().contains("conversation"))
        );
    }

    #[test]
    fn every_action_has_a_default_key() {
        let km = Keymap::default();
        for &a in Action::ALL {
            assert!(
                km.bindings.iter().any(|(_, _, b)| *b == a),
                "{} unbound",
                a.name()
            );
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
    }
}
