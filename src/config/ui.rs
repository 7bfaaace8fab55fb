//! `[ui]`: theme, colours, syntax theme, mouse, hyperlinks and where copies go.

use serde::Deserialize;

pub use crate::theme::{ColorMode, ThemeName};
use toml::Spanned;

/// Where a copy goes: OSC 52 (the terminal's clipboard, works over SSH and in tmux), a
/// local clipboard program (wl-copy, xclip, xsel, pbcopy), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardMode {
    #[default]
    Osc52,
    Native,
    Both,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: ThemeName,
    /// Show reasoning text expanded instead of folded.
    pub show_reasoning: bool,
    pub color: ColorMode,
    /// syntect theme for code blocks; default follows `theme`.
    pub syntax_theme: Option<Spanned<String>>,
    /// Capture the mouse (wheel scrolls); off keeps the terminal's own selection working.
    pub mouse: bool,
    /// Make links clickable with OSC 8 (terminals that lack it may show stray text).
    pub hyperlinks: bool,
    pub clipboard: ClipboardMode,
    /// How a reply that finished or failed is announced when the terminal is not focused or
    /// the reply took `notify_after_secs` or longer: a bell, OSC 9 and OSC 777, both, or not.
    pub notify: NotifyMode,
    /// Announce replies that took at least this long even when the terminal is focused
    /// (0: every reply).
    pub notify_after_secs: u64,
    /// Vi editing in the composer (normal, insert and visual modes); Esc then leaves insert
    /// mode, and stops a reply from normal mode.
    pub vi_mode: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            theme: ThemeName::default(),
            show_reasoning: false,
            color: ColorMode::default(),
            syntax_theme: None,
            mouse: false,
            hyperlinks: false,
            clipboard: ClipboardMode::default(),
            notify: NotifyMode::default(),
            notify_after_secs: 10,
            vi_mode: false,
        }
    }
}

/// How a finished reply is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyMode {
    Off,
    Bell,
    Osc,
    #[default]
    Both,
}
