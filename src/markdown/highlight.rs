//! syntect, loaded lazily off the UI thread: the syntax and theme sets take tens of
//! milliseconds to deserialize, so start-up never waits for them. Until they are ready code
//! is drawn plain; [`generation`] changes when they arrive so caches can redo code blocks.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::style::{Modifier, Style};
use syntect::highlighting::{FontStyle, HighlightIterator, HighlightState, Highlighter, ThemeSet};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

use crate::theme::Theme;

pub struct Sets {
    pub syntaxes: SyntaxSet,
    pub themes: ThemeSet,
}

static SETS: OnceLock<Sets> = OnceLock::new();
static STARTED: AtomicBool = AtomicBool::new(false);

fn load() -> Sets {
    Sets {
        syntaxes: SyntaxSet::load_defaults_newlines(),
        themes: ThemeSet::load_defaults(),
    }
}

/// Starts loading in a background thread (once); `on_ready` runs when the sets are there.
pub fn preload(on_ready: impl FnOnce() + Send + 'static) {
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    std::thread::Builder::new()
        .name("keyturn-syntax".into())
        .spawn(move || {
            SETS.get_or_init(load);
            on_ready();
        })
        .ok();
}

/// The sets if they are loaded; never blocks.
pub fn ready() -> Option<&'static Sets> {
    SETS.get()
}

/// The sets, loading them on this thread if need be (CLI output, tests, benches).
pub fn blocking() -> &'static Sets {
    SETS.get_or_init(load)
}

/// 0 before the sets are loaded, 1 after: render caches compare it to know when plain code
/// blocks can be redone in colour.
pub fn generation() -> u8 {
    u8::from(SETS.get().is_some())
}

/// The syntax for a fence's info string ("rust", "py", "sh", "c++"...); None when unknown.
fn syntax_for(sets: &'static Sets, lang: &str) -> Option<&'static SyntaxReference> {
    let token = lang.trim().to_ascii_lowercase();
    if token.is_empty() {
        return None;
    }
    let alias = match token.as_str() {
        "shell" | "zsh" | "console" => "bash",
        "c++" => "cpp",
        "jsonc" | "json5" => "json",
        "ts" | "tsx" | "typescript" => "js",
        "golang" => "go",
        "yml" => "yaml",
        "dockerfile" => "Dockerfile",
        other => other,
    };
    sets.syntaxes.find_syntax_by_token(alias)
}

/// Highlights one code block line by line, keeping syntect's state between lines so a
/// streamed block costs one line per new line, never the whole block again.
#[derive(Clone)]
pub struct LineHighlighter {
    parse: ParseState,
    state: HighlightState,
    highlighter: std::sync::Arc<Highlighter<'static>>,
}

impl std::fmt::Debug for LineHighlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineHighlighter")
    }
}

impl LineHighlighter {
    /// None when the sets are not loaded yet or the language is unknown (draw plain).
    pub fn new(lang: &str, theme: &Theme) -> Option<Self> {
        let sets = ready()?;
        let syntax = syntax_for(sets, lang)?;
        let syn_theme = sets
            .themes
            .themes
            .get(&theme.syntax_theme)
            .or_else(|| sets.themes.themes.values().next())?;
        let highlighter = std::sync::Arc::new(Highlighter::new(syn_theme));
        let state = HighlightState::new(&highlighter, ScopeStack::new());
        Some(Self {
            parse: ParseState::new(syntax),
            state,
            highlighter,
        })
    }

    /// Styled pieces of `line` (without its newline); advances the state.
    pub fn line(&mut self, line: &str, theme: &Theme) -> Vec<(String, Style)> {
        let sets = blocking();
        let with_nl = format!("{line}\n");
        let Ok(ops) = self.parse.parse_line(&with_nl, &sets.syntaxes) else {
            return vec![(line.to_string(), theme.code_text)];
        };
        let mut out: Vec<(String, Style)> = Vec::new();
        for (style, piece) in
            HighlightIterator::new(&mut self.state, &ops, &with_nl, &self.highlighter)
        {
            let piece = piece.strip_suffix('\n').unwrap_or(piece);
            if piece.is_empty() {
                continue;
            }
            let mut s = Style::default();
            if let Some(c) = theme.color(style.foreground.r, style.foreground.g, style.foreground.b)
            {
                s = s.fg(c);
            } else {
                s = theme.code_text;
            }
            if style.font_style.contains(FontStyle::BOLD) {
                s = s.add_modifier(Modifier::BOLD);
            }
            if style.font_style.contains(FontStyle::ITALIC) {
                s = s.add_modifier(Modifier::ITALIC);
            }
            match out.last_mut() {
                Some((text, last)) if *last == s => text.push_str(piece),
                _ => out.push((piece.to_string(), s)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_highlight_and_unknown_ones_do_not() {
        blocking();
        let theme = Theme::new(
            crate::theme::ThemeName::Dark,
            crate::theme::ColorDepth::TrueColor,
            None,
        );
        for lang in ["rust", "py", "sh", "c++", "ts", "json", "yml", "go"] {
            assert!(LineHighlighter::new(lang, &theme).is_some(), "{lang}");
        }
        assert!(LineHighlighter::new("no-such-lang", &theme).is_none());
        assert!(LineHighlighter::new("", &theme).is_none());
        let mut h = LineHighlighter::new("rust", &theme).unwrap();
        let pieces = h.line("fn main() { let x = \"s\"; }", &theme);
        let colours: std::collections::HashSet<_> = pieces.iter().map(|(_, s)| s.fg).collect();
        assert!(colours.len() >= 3, "{pieces:?}");
        let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, "fn main() { let x = \"s\"; }");
    }

    #[test]
    fn the_theme_list_matches_what_syntect_ships() {
        let mut names: Vec<_> = blocking().themes.themes.keys().cloned().collect();
        names.sort();
        let mut ours: Vec<_> = crate::theme::SYNTAX_THEMES
            .iter()
            .map(|s| s.to_string())
            .collect();
        ours.sort();
        assert_eq!(names, ours);
    }
}
