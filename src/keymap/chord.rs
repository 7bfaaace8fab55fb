//! Key chords and their text form: "ctrl-r", "alt-enter", "pgup", "?", "G".

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::KeymapError;

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
    pub fn parse(text: &str) -> Result<Self, KeymapError> {
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
                    return Err(KeymapError::UnknownKey(text.to_string()));
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
            _ => return Err(KeymapError::UnknownKey(text.to_string())),
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

/// Parses one `[keys]` value: a key string or a list of them.
pub fn parse_chords(value: &toml::Value) -> Result<Vec<KeyChord>, KeymapError> {
    let texts: Vec<&str> = match value {
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().ok_or(KeymapError::NotAKey))
            .collect::<Result<_, _>>()?,
        _ => return Err(KeymapError::NotAKey),
    };
    texts.into_iter().map(KeyChord::parse).collect()
}
