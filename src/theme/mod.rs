//! Every colour keyturn draws with lives here; no colour literals elsewhere. `NO_COLOR`
//! turns colours off and keeps only bold/dim/italic/reverse. Colours are reduced to what the
//! terminal can show (truecolor, 256 or 16) in one place, [`Theme::color`].

use ratatui::style::{Color, Modifier, Style};

use serde::Deserialize;

mod color;

use color::reduce;
pub use color::{rgb_to_16, rgb_to_256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

/// How many colours to use: detected from the terminal, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum ColorMode {
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "truecolor")]
    Truecolor,
    #[serde(rename = "256")]
    Ansi256,
    #[serde(rename = "16")]
    Ansi16,
    #[serde(rename = "none")]
    None,
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
    None,
}

impl ColorDepth {
    /// From config, else from `NO_COLOR`, `COLORTERM` and `TERM` (what terminals advertise).
    pub fn detect(
        mode: ColorMode,
        no_color: bool,
        colorterm: Option<&str>,
        term: Option<&str>,
    ) -> Self {
        if no_color {
            return ColorDepth::None;
        }
        match mode {
            ColorMode::Truecolor => return ColorDepth::TrueColor,
            ColorMode::Ansi256 => return ColorDepth::Ansi256,
            ColorMode::Ansi16 => return ColorDepth::Ansi16,
            ColorMode::None => return ColorDepth::None,
            ColorMode::Auto => {}
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        match term.unwrap_or("") {
            "dumb" => ColorDepth::None,
            t if t.contains("256") || t.starts_with("tmux") || t.starts_with("xterm-kitty") => {
                ColorDepth::Ansi256
            }
            _ => ColorDepth::Ansi16,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub depth: ColorDepth,
    pub name: ThemeName,
    /// The syntect theme code blocks are highlighted with.
    pub syntax_theme: String,
    pub base: Style,
    pub user_label: Style,
    pub assistant_label: Style,
    pub meta: Style,
    pub reasoning: Style,
    pub error: Style,
    pub warning: Style,
    pub hint: Style,
    pub border: Style,
    pub border_focus: Style,
    pub status: Style,
    pub status_accent: Style,
    pub help_key: Style,
    // Markdown.
    pub heading: [Style; 3],
    pub inline_code: Style,
    pub link: Style,
    pub link_url: Style,
    pub quote: Style,
    pub bullet: Style,
    pub rule: Style,
    pub code_frame: Style,
    pub code_label: Style,
    pub code_text: Style,
    pub table_border: Style,
    pub table_head: Style,
    // Working in the conversation.
    pub selection: Style,
    pub search_match: Style,
    pub search_current: Style,
}

/// The syntect themes shipped in the binary (syntect's defaults).
pub const SYNTAX_THEMES: [&str; 7] = [
    "base16-ocean.dark",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.light",
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
];

pub fn default_syntax_theme(name: ThemeName) -> &'static str {
    match name {
        ThemeName::Dark => "base16-ocean.dark",
        ThemeName::Light => "InspiredGitHub",
    }
}

impl Theme {
    pub fn new(name: ThemeName, depth: ColorDepth, syntax_theme: Option<&str>) -> Self {
        let syntax_theme = syntax_theme
            .unwrap_or(default_syntax_theme(name))
            .to_string();
        let mut theme = if depth == ColorDepth::None {
            Self::monochrome(name)
        } else {
            match name {
                ThemeName::Dark => Self::dark(),
                ThemeName::Light => Self::light(),
            }
        };
        theme.depth = depth;
        theme.syntax_theme = syntax_theme;
        if depth == ColorDepth::Ansi16 {
            theme.reduce_to_16();
        }
        theme
    }

    fn dark() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Self {
            depth: ColorDepth::Ansi256,
            name: ThemeName::Dark,
            syntax_theme: String::new(),
            base: plain,
            user_label: bold.fg(Color::Cyan),
            assistant_label: bold.fg(Color::Green),
            meta: plain.fg(Color::DarkGray),
            reasoning: plain.fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            error: plain.fg(Color::LightRed),
            warning: plain.fg(Color::Yellow),
            hint: plain.fg(Color::Gray),
            border: plain.fg(Color::DarkGray),
            border_focus: plain.fg(Color::Cyan),
            status: plain.bg(Color::Indexed(236)).fg(Color::Gray),
            status_accent: bold.bg(Color::Indexed(236)).fg(Color::Cyan),
            help_key: bold.fg(Color::Yellow),
            heading: [
                bold.fg(Color::LightMagenta)
                    .add_modifier(Modifier::UNDERLINED),
                bold.fg(Color::LightMagenta),
                bold.fg(Color::Magenta),
            ],
            inline_code: plain.fg(Color::LightYellow),
            link: plain
                .fg(Color::LightBlue)
                .add_modifier(Modifier::UNDERLINED),
            link_url: plain.fg(Color::DarkGray),
            quote: plain.fg(Color::Gray).add_modifier(Modifier::ITALIC),
            bullet: plain.fg(Color::Cyan),
            rule: plain.fg(Color::DarkGray),
            code_frame: plain.fg(Color::DarkGray),
            code_label: bold.fg(Color::Cyan),
            code_text: plain.fg(Color::Gray),
            table_border: plain.fg(Color::DarkGray),
            table_head: bold,
            selection: bold.fg(Color::Yellow),
            search_match: plain.bg(Color::Indexed(58)).fg(Color::White),
            search_current: plain.bg(Color::Yellow).fg(Color::Black),
        }
    }

    fn light() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Self {
            user_label: bold.fg(Color::Blue),
            assistant_label: bold.fg(Color::Magenta),
            meta: plain.fg(Color::Gray),
            reasoning: plain.fg(Color::Gray).add_modifier(Modifier::ITALIC),
            error: plain.fg(Color::Red),
            warning: plain.fg(Color::Indexed(130)),
            hint: plain.fg(Color::DarkGray),
            border: plain.fg(Color::Gray),
            border_focus: plain.fg(Color::Blue),
            status: plain.bg(Color::Indexed(253)).fg(Color::Black),
            status_accent: bold.bg(Color::Indexed(253)).fg(Color::Blue),
            help_key: bold.fg(Color::Blue),
            heading: [
                bold.fg(Color::Magenta).add_modifier(Modifier::UNDERLINED),
                bold.fg(Color::Magenta),
                bold.fg(Color::Blue),
            ],
            inline_code: plain.fg(Color::Indexed(124)),
            link: plain.fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            link_url: plain.fg(Color::Gray),
            quote: plain.fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            bullet: plain.fg(Color::Blue),
            rule: plain.fg(Color::Gray),
            code_frame: plain.fg(Color::Gray),
            code_label: bold.fg(Color::Blue),
            code_text: plain.fg(Color::Black),
            table_border: plain.fg(Color::Gray),
            selection: bold.fg(Color::Indexed(130)),
            search_match: plain.bg(Color::Indexed(229)).fg(Color::Black),
            search_current: plain.bg(Color::Indexed(214)).fg(Color::Black),
            name: ThemeName::Light,
            ..Self::dark()
        }
    }

    fn monochrome(name: ThemeName) -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        let dim = plain.add_modifier(Modifier::DIM);
        let italic = plain.add_modifier(Modifier::ITALIC);
        Self {
            depth: ColorDepth::None,
            name,
            syntax_theme: String::new(),
            base: plain,
            user_label: bold,
            assistant_label: bold,
            meta: dim,
            reasoning: dim.add_modifier(Modifier::ITALIC),
            error: bold,
            warning: bold,
            hint: dim,
            border: dim,
            border_focus: bold,
            status: plain.add_modifier(Modifier::REVERSED),
            status_accent: bold.add_modifier(Modifier::REVERSED),
            help_key: bold,
            heading: [bold.add_modifier(Modifier::UNDERLINED), bold, bold],
            inline_code: bold,
            link: plain.add_modifier(Modifier::UNDERLINED),
            link_url: dim,
            quote: italic,
            bullet: bold,
            rule: dim,
            code_frame: dim,
            code_label: bold,
            code_text: plain,
            table_border: dim,
            table_head: bold,
            selection: bold,
            search_match: plain.add_modifier(Modifier::UNDERLINED),
            search_current: plain.add_modifier(Modifier::REVERSED),
        }
    }

    /// Swaps 256-colour indices for their nearest of the 16 basic colours.
    fn reduce_to_16(&mut self) {
        let depth = self.depth;
        let fix = |s: &mut Style| {
            s.fg = s.fg.and_then(|c| reduce(c, depth));
            s.bg = s.bg.and_then(|c| reduce(c, depth));
        };
        let [h1, h2, h3] = &mut self.heading;
        for s in [
            &mut self.base,
            &mut self.user_label,
            &mut self.assistant_label,
            &mut self.meta,
            &mut self.reasoning,
            &mut self.error,
            &mut self.warning,
            &mut self.hint,
            &mut self.border,
            &mut self.border_focus,
            &mut self.status,
            &mut self.status_accent,
            &mut self.help_key,
            h1,
            h2,
            h3,
            &mut self.inline_code,
            &mut self.link,
            &mut self.link_url,
            &mut self.quote,
            &mut self.bullet,
            &mut self.rule,
            &mut self.code_frame,
            &mut self.code_label,
            &mut self.code_text,
            &mut self.table_border,
            &mut self.table_head,
            &mut self.selection,
            &mut self.search_match,
            &mut self.search_current,
        ] {
            fix(s);
        }
    }

    /// A colour from outside the theme (syntect's RGB) as this terminal can show it.
    pub fn color(&self, r: u8, g: u8, b: u8) -> Option<Color> {
        reduce(Color::Rgb(r, g, b), self.depth)
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(ThemeName::Dark, ColorDepth::Ansi256, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_depth_from_the_environment_and_config() {
        use ColorMode::{Ansi16, Auto, Truecolor};
        let d = ColorDepth::detect;
        assert_eq!(
            d(Auto, false, Some("truecolor"), Some("xterm")),
            ColorDepth::TrueColor
        );
        assert_eq!(
            d(Auto, false, None, Some("xterm-256color")),
            ColorDepth::Ansi256
        );
        assert_eq!(d(Auto, false, None, Some("screen")), ColorDepth::Ansi16);
        assert_eq!(d(Auto, false, None, Some("dumb")), ColorDepth::None);
        assert_eq!(d(Auto, true, Some("truecolor"), None), ColorDepth::None);
        assert_eq!(
            d(Ansi16, false, Some("truecolor"), None),
            ColorDepth::Ansi16
        );
        assert_eq!(
            d(Truecolor, false, None, Some("screen")),
            ColorDepth::TrueColor
        );
    }

    #[test]
    fn colours_are_reduced_to_the_depth() {
        assert_eq!(rgb_to_256(255, 0, 0), 196);
        assert_eq!(rgb_to_256(128, 128, 128), 244);
        assert_eq!(rgb_to_16(250, 10, 10), Color::LightRed);
        assert_eq!(rgb_to_16(10, 10, 10), Color::Black);
        let t16 = Theme::new(ThemeName::Dark, ColorDepth::Ansi16, None);
        assert_eq!(t16.color(255, 0, 0), Some(Color::LightRed));
        // No 256-colour index survives in a 16-colour theme.
        for s in [t16.status, t16.status_accent, t16.search_match] {
            assert!(!matches!(s.fg, Some(Color::Indexed(i)) if i >= 16));
            assert!(!matches!(s.bg, Some(Color::Indexed(i)) if i >= 16));
        }
        let none = Theme::new(ThemeName::Dark, ColorDepth::None, None);
        assert_eq!(none.color(1, 2, 3), None);
        assert_eq!(none.base.fg, None);
        let tc = Theme::new(
            ThemeName::Light,
            ColorDepth::TrueColor,
            Some("Solarized (light)"),
        );
        assert_eq!(tc.color(1, 2, 3), Some(Color::Rgb(1, 2, 3)));
        assert_eq!(tc.syntax_theme, "Solarized (light)");
    }
}
