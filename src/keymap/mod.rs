//! Key chords, their text form ("ctrl-r", "alt-enter", "pgup"), and the default key map of
//! each pane. The help overlay and the README table are generated from here.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod action;

pub use action::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        Self { code, mods }
    }

    /// Normalizes an event: for characters the shift state is already in the character
    /// ('?' arrives with or without SHIFT depending on the terminal).
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, mods }
    }

    /// Parses "ctrl-r", "alt-enter", "shift-enter", "f1", "pgup", "?", "ctrl-home".
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_ascii_lowercase();
        let mut mods = KeyModifiers::NONE;
        let mut rest = lower.as_str();
        loop {
            let (m, tail) = if let Some(t) = rest.strip_prefix("ctrl-") {
                (KeyModifiers::CONTROL, t)
            } else if let Some(t) = rest.strip_prefix("alt-") {
                (KeyModifiers::ALT, t)
            } else if let Some(t) = rest.strip_prefix("shift-") {
                (KeyModifiers::SHIFT, t)
            } else {
                break;
            };
            if tail.is_empty() {
                break;
            }
            mods |= m;
            rest = tail;
        }
        let code = match rest {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                let n: u8 = f[1..].parse().unwrap_or(0);
                if !(1..=24).contains(&n) {
                    return Err(format!("unknown key {text:?}"));
                }
                KeyCode::F(n)
            }
            s if s.chars().count() == 1 => {
                // Keep the case the user wrote for plain characters ("T" differs from "t").
                let original = text.trim().chars().last().unwrap_or(' ');
                let c = if mods.is_empty() {
                    original
                } else {
                    s.chars().next().unwrap_or(' ')
                };
                KeyCode::Char(c)
            }
            _ => return Err(format!("unknown key {text:?}")),
        };
        Ok(Self { code, mods })
    }

    /// Display form, the inverse of [`parse`](Self::parse): "Ctrl-R", "Alt-Enter", "PgUp".
    pub fn display(&self) -> String {
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        let key = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "BackTab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) if self.mods.is_empty() => c.to_string(),
            KeyCode::Char(c) => c.to_ascii_uppercase().to_string(),
            other => format!("{other:?}"),
        };
        out.push_str(&key);
        out
    }
}

/// Which key map applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Works everywhere unless a pane binds the same key.
    Global,
    Composer,
    Conversation,
    Keys,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Composer => "Composer (typing a message)",
            Scope::Conversation => "Conversation (after Tab)",
            Scope::Keys => "Key manager (F3)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<(Scope, KeyChord, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        use Scope::*;
        let table: &[(Scope, &str, Action)] = &[
            (Global, "ctrl-c", Quit),
            (Global, "ctrl-q", Quit),
            (Global, "f1", Help),
            (Global, "esc", Cancel),
            (Global, "ctrl-r", Retry),
            (Global, "ctrl-t", ToggleReasoning),
            (Global, "ctrl-n", NewConversation),
            (Global, "f3", OpenKeys),
            (Global, "f4", OpenConversations),
            (Global, "f5", OpenUsage),
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
            (Keys, "up", ScrollUp),
            (Keys, "k", ScrollUp),
            (Keys, "down", ScrollDown),
            (Keys, "j", ScrollDown),
            (Keys, "a", KeyAdd),
            (Keys, "t", KeyTest),
            (Keys, "T", KeyTestAll),
            (Keys, "r", KeyRotate),
            (Keys, "u", KeyUndo),
            (Keys, "d", KeyDelete),
            (Keys, "enter", KeyActivate),
            (Keys, "e", KeyEditLabel),
            (Keys, "i", KeyImportEnv),
            (Keys, "p", KeyFixPermissions),
            (Keys, "b", KeyBudget),
            (Keys, "?", Help),
            (Keys, "q", OpenKeys),
        ];
        Self {
            bindings: table
                .iter()
                .map(|(s, k, a)| {
                    (
                        *s,
                        KeyChord::parse(k).expect("default key chords parse"),
                        *a,
                    )
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The action for a chord in a pane: the pane's own binding first, then the global one.
    pub fn lookup(&self, scope: Scope, chord: KeyChord) -> Option<Action> {
        let find = |s: Scope| {
            self.bindings
                .iter()
                .find(|(bs, c, _)| *bs == s && *c == chord)
                .map(|(_, _, a)| *a)
        };
        find(scope).or_else(|| find(Scope::Global))
    }

    /// How to show the key of an action in hints: its global binding, else any binding.
    pub fn key_for(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|(s, _, a)| *a == action && *s == Scope::Global)
            .or_else(|| self.bindings.iter().find(|(_, _, a)| *a == action))
            .map_or_else(|| action.name().to_string(), |(_, c, _)| c.display())
    }

    /// Help rows grouped by scope: (scope, "Ctrl-C, Ctrl-Q", action).
    pub fn help_rows(&self) -> Vec<(Scope, String, Action)> {
        let mut rows: Vec<(Scope, String, Action)> = Vec::new();
        for (scope, chord, action) in &self.bindings {
            match rows.iter_mut().find(|(s, _, a)| s == scope && a == action) {
                Some(row) => {
                    row.1.push_str(", ");
                    row.1.push_str(&chord.display());
                }
                None => rows.push((*scope, chord.display(), *action)),
            }
        }
        rows
    }
}

/// The key table for the README, generated from the same map as the help overlay.
pub fn markdown_table(keymap: &Keymap) -> String {
    let mut out = String::from("| Where | Keys | Action | What it does |\n|---|---|---|---|\n");
    for (scope, keys, action) in keymap.help_rows() {
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

impl Scope {
    /// The name used in `[keys.<scope>]`.
    pub fn config_name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Composer => "composer",
            Scope::Conversation => "conversation",
            Scope::Keys => "keys",
        }
    }

    pub fn from_config_name(name: &str) -> Option<Scope> {
        [
            Scope::Global,
            Scope::Composer,
            Scope::Conversation,
            Scope::Keys,
        ]
        .into_iter()
        .find(|s| s.config_name() == name)
    }
}

impl Keymap {
    /// Replaces an action's keys in one scope (`[keys]` is the global scope).
    pub fn rebind(
        &mut self,
        scope: Scope,
        action: Action,
        chords: Vec<KeyChord>,
    ) -> Result<(), String> {
        let s = scope;
        self.bindings
            .retain(|(bs, _, a)| !(*bs == s && *a == action));
        for chord in &chords {
            if let Some((_, _, other)) = self
                .bindings
                .iter()
                .find(|(bs, c, _)| *bs == s && c == chord)
            {
                return Err(format!(
                    "{} is already bound to {} in {}; rebind that too",
                    chord.display(),
                    other.name(),
                    s.config_name()
                ));
            }
            self.bindings.push((s, *chord, action));
        }
        Ok(())
    }
}

/// Parses one `[keys]` value: a key string or a list of them.
pub fn parse_chords(value: &toml::Value) -> Result<Vec<KeyChord>, String> {
    let texts: Vec<&str> = match value {
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().ok_or("keys must be strings like \"ctrl-r\""))
            .collect::<Result<_, _>>()?,
        _ => return Err("expected a key like \"ctrl-r\" or a list of keys".into()),
    };
    texts.into_iter().map(KeyChord::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_action_has_a_default_key() {
        let km = Keymap::default();
        for a in Action::ALL {
            assert!(
                km.bindings.iter().any(|(_, _, b)| *b == a),
                "{} unbound",
                a.name()
            );
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
    }
}
