//! Every colour keyturn draws with lives here; no colour literals elsewhere. `NO_COLOR`
//! turns colours off and keeps only bold/dim/reverse.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
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
}

impl Theme {
    pub fn new(name: ThemeName, no_color: bool) -> Self {
        if no_color {
            return Self::monochrome();
        }
        match name {
            ThemeName::Dark => Self {
                base: Style::default(),
                user_label: Style::default()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD),
                assistant_label: Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD),
                meta: Style::default().fg(Color::DarkGray),
                reasoning: Style::default()
                    .fg(Color::DarkGray)
                    .add_modifier(Modifier::ITALIC),
                error: Style::default().fg(Color::LightRed),
                warning: Style::default().fg(Color::Yellow),
                hint: Style::default().fg(Color::Gray),
                border: Style::default().fg(Color::DarkGray),
                border_focus: Style::default().fg(Color::Cyan),
                status: Style::default().bg(Color::Indexed(236)).fg(Color::Gray),
                status_accent: Style::default()
                    .bg(Color::Indexed(236))
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD),
                help_key: Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            },
            ThemeName::Light => Self {
                base: Style::default(),
                user_label: Style::default()
                    .fg(Color::Blue)
                    .add_modifier(Modifier::BOLD),
                assistant_label: Style::default()
                    .fg(Color::Magenta)
                    .add_modifier(Modifier::BOLD),
                meta: Style::default().fg(Color::Gray),
                reasoning: Style::default()
                    .fg(Color::Gray)
                    .add_modifier(Modifier::ITALIC),
                error: Style::default().fg(Color::Red),
                warning: Style::default().fg(Color::Indexed(130)),
                hint: Style::default().fg(Color::DarkGray),
                border: Style::default().fg(Color::Gray),
                border_focus: Style::default().fg(Color::Blue),
                status: Style::default().bg(Color::Indexed(253)).fg(Color::Black),
                status_accent: Style::default()
                    .bg(Color::Indexed(253))
                    .fg(Color::Blue)
                    .add_modifier(Modifier::BOLD),
                help_key: Style::default()
                    .fg(Color::Blue)
                    .add_modifier(Modifier::BOLD),
            },
        }
    }

    fn monochrome() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        let dim = plain.add_modifier(Modifier::DIM);
        Self {
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
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(ThemeName::Dark, false)
    }
}
