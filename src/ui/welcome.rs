//! The welcome pane shown on the first run: one step at a time, each skippable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::hanging::hanging;
use super::theme::Theme;
use crate::app::App;
use crate::app::welcome::{Step, Welcome};

pub fn render(frame: &mut Frame, area: Rect, app: &App, w: &Welcome, theme: &Theme) {
    let width = area.width as usize;
    let mut lines = hanging(
        vec![Span::raw(" ")],
        vec![
            Span::styled("Welcome to keyturn", theme.status_accent),
            Span::styled(
                format!(
                    "  step {} of 4 · s skips, F1 lists keys, everything can be done later",
                    w.step.number()
                ),
                theme.meta,
            ),
        ],
        width,
    );
    lines.push(Line::default());
    if let Some(note) = &w.note {
        lines.extend(text(&format!("✓ {note}"), theme.meta, width));
        lines.push(Line::default());
    }
    lines.extend(step_lines(app, w, theme, width));
    if let Some(e) = &w.error {
        lines.push(Line::default());
        lines.extend(text(e, theme.error, width));
    }
    // Every line is wrapped already: its height is the count, and nothing is cut.
    let text_h = lines.len() as u16 + 1;
    frame.render_widget(Paragraph::new(lines), area);
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

/// The one line kept above the key manager or picker while they do a step of the welcome,
/// so the flow stays visibly the welcome.
pub fn header(w: &Welcome, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(" Welcome to keyturn ", theme.status_accent),
        Span::styled(
            format!("  step {} of 4: {}", w.step.number(), w.step.title()),
            theme.meta,
        ),
    ])
}

/// What one step of the flow says, with its choices (a flat match over the steps).
fn step_lines(app: &App, w: &Welcome, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let option = |key: &str, title: &str, why: &str| {
        hanging(
            vec![Span::styled(format!("  {key}  "), theme.help_key)],
            vec![
                Span::styled(title.to_string(), theme.base),
                Span::styled(format!(" — {why}"), theme.hint),
            ],
            width,
        )
    };
    let say = |t: &str, style| text(t, style, width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    match w.step {
        Step::Protect => {
            lines.extend(say("Your API keys will live in keys.age, encrypted with age. How should it be unlocked?", theme.base));
            lines.push(Line::default());
            lines.extend(option(
                "1",
                "a passphrase",
                "asked once per session; `age -d` opens the file with it anywhere",
            ));
            lines.extend(option(
                "2",
                "an age identity file",
                "a key file you keep safe; best for scripts and servers",
            ));
            if let Some(ssh) = &w.ssh_key {
                lines.extend(option(
                    "3",
                    &format!("your SSH key {}", ssh.display()),
                    "nothing new to remember; only where that key is",
                ));
            }
            lines.extend(option("s", "skip", "decide when you add the first key"));
            lines.push(Line::default());
            lines.extend(say("No account yet? Quit (Ctrl-C) and run `keyturn demo`: everything works offline, with fake keys.", theme.hint));
        }
        Step::IdentityPath => {
            lines.extend(say("Path of the age identity file (make one with `age-keygen -o FILE`), Enter to use it, Esc to go back:", theme.base));
        }
        Step::Import => {
            lines.extend(say(
                "These environment variables hold API keys:",
                theme.base,
            ));
            for (var, provider) in &app.key_manager.env_candidates {
                lines.extend(hanging(
                    vec![Span::raw("    ")],
                    vec![Span::styled(format!("{var} ({provider})"), theme.help_key)],
                    width,
                ));
            }
            lines.push(Line::default());
            lines.extend(option(
                "i",
                "import them",
                "into keys.age; then unset them in your shell profile",
            ));
            lines.extend(option("s", "skip", "F3 then i imports them later"));
        }
        Step::FirstKey => {
            lines.extend(say("Add an API key for a provider. It is tested against the provider (no tokens spent) before it is saved.", theme.base));
            lines.push(Line::default());
            lines.extend(option(
                "a",
                "add a key",
                "choose the provider, paste the key (hidden)",
            ));
            lines.extend(option(
                "s",
                "skip",
                "F3 adds keys later; local servers need none",
            ));
        }
        Step::Model => {
            lines.extend(say(
                "Pick the model to start with; it is saved as your default.",
                theme.base,
            ));
            lines.push(Line::default());
            lines.extend(option(
                "m",
                "pick a model",
                "every provider, with live model lists",
            ));
            lines.extend(option("s", "skip", "Ctrl-P picks one any time"));
        }
    }
    lines
}

/// A sentence of the flow, one space in, wrapped under itself.
fn text(t: &str, style: ratatui::style::Style, width: usize) -> Vec<Line<'static>> {
    hanging(
        vec![Span::raw(" ")],
        vec![Span::styled(t.to_string(), style)],
        width,
    )
}
