//! The welcome pane shown on the first run: one step at a time, each skippable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use crate::app::App;
use crate::app::welcome::{Step, Welcome};

pub fn render(frame: &mut Frame, area: Rect, app: &App, w: &Welcome, theme: &Theme) {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" Welcome to keyturn ", theme.status_accent),
            Span::styled(
                format!(
                    "  step {} of 4 · s skips, everything can be done later",
                    w.step.number()
                ),
                theme.meta,
            ),
        ]),
        Line::default(),
    ];
    lines.extend(step_lines(app, w, theme));
    if let Some(e) = &w.error {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(format!(" {e}"), theme.error)));
    }
    let text_h = lines.len() as u16 + 1;
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect {
            height: area.height.min(text_h + 4),
            ..area
        },
    );
    if w.step == Step::IdentityPath && area.height > text_h + 1 {
        let mut field = w.path_input.clone();
        field.set_cursor_line_style(theme.base);
        field.set_placeholder_style(theme.hint);
        frame.render_widget(
            &field,
            Rect::new(area.x + 2, area.y + text_h, area.width.saturating_sub(4), 1),
        );
    }
}

/// What one step of the flow says, with its choices (a flat match over the steps).
fn step_lines(app: &App, w: &Welcome, theme: &Theme) -> Vec<Line<'static>> {
    let option = |key: &str, title: &str, why: &str| {
        Line::from(vec![
            Span::styled(format!("  {key}  "), theme.help_key),
            Span::styled(title.to_string(), theme.base),
            Span::styled(format!(" — {why}"), theme.hint),
        ])
    };
    let mut lines = Vec::new();
    match w.step {
        Step::Protect => {
            lines.push(Line::from(Span::styled(" Your API keys will live in keys.age, encrypted with age. How should it be unlocked?", theme.base)));
            lines.push(Line::default());
            lines.push(option(
                "1",
                "a passphrase",
                "asked once per session; `age -d` opens the file with it anywhere",
            ));
            if let Some(ssh) = &w.ssh_key {
                lines.push(option(
                    "2",
                    &format!("your SSH key {}", ssh.display()),
                    "nothing new to remember; only where that key is",
                ));
            }
            lines.push(option(
                "3",
                "an age identity file",
                "a key file you keep safe; best for scripts and servers",
            ));
            lines.push(option("s", "skip", "decide when you add the first key"));
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(" No account yet? Quit (Ctrl-C) and run `keyturn demo`: everything works offline, with fake keys.", theme.hint)));
        }
        Step::IdentityPath => {
            lines.push(Line::from(Span::styled(" Path of the age identity file (make one with `age-keygen -o FILE`), Enter to use it, Esc to go back:", theme.base)));
        }
        Step::Import => {
            lines.push(Line::from(Span::styled(
                " These environment variables hold API keys:",
                theme.base,
            )));
            for (var, provider) in &app.key_manager.env_candidates {
                lines.push(Line::from(Span::styled(
                    format!("    {var} ({provider})"),
                    theme.help_key,
                )));
            }
            lines.push(Line::default());
            lines.push(option(
                "i",
                "import them",
                "into keys.age; then unset them in your shell profile",
            ));
            lines.push(option("s", "skip", "F3 then i imports them later"));
        }
        Step::FirstKey => {
            lines.push(Line::from(Span::styled(" Add an API key for a provider. It is tested against the provider (no tokens spent) before it is saved.", theme.base)));
            lines.push(Line::default());
            lines.push(option(
                "a",
                "add a key",
                "choose the provider, paste the key (hidden)",
            ));
            lines.push(option(
                "s",
                "skip",
                "F3 adds keys later; local servers need none",
            ));
        }
        Step::Model => {
            lines.push(Line::from(Span::styled(
                " Pick the model to start with; it is saved as your default.",
                theme.base,
            )));
            lines.push(Line::default());
            lines.push(option(
                "m",
                "pick a model",
                "every provider, with live model lists",
            ));
            lines.push(option("s", "skip", "Ctrl-P picks one any time"));
        }
    }
    lines
}
