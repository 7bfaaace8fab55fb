//! The preset picker: "no preset", then each preset with what it sets, and below the list
//! the selected one's system prompt as it will be sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use crate::app::presets::PresetsPane;
use crate::app::{Action, App, Scope};
use crate::config::Preset;
use crate::text::sanitize::{sanitize, sanitize_line};
use crate::text::wrap::truncate;

/// What a preset sets besides its prompt, in a few words.
pub fn settings(p: &Preset) -> String {
    let mut parts = Vec::new();
    match (&p.provider, &p.model) {
        (Some(pr), Some(m)) => parts.push(format!("{pr} · {m}")),
        (Some(pr), None) => parts.push(pr.clone()),
        (None, Some(m)) => parts.push(m.clone()),
        (None, None) => {}
    }
    if let Some(t) = p.temperature {
        parts.push(format!("temp {t}"));
    }
    if let Some(n) = p.max_tokens {
        parts.push(format!("max {n} tokens"));
    }
    if let Some(r) = p.reasoning {
        parts.push(format!("think {}", r.effort.name()));
    }
    sanitize_line(&parts.join(" · "))
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, pane: &PresetsPane, theme: &Theme) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let width = area.width as usize;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Presets ", theme.status_accent),
            Span::styled(" a system prompt with its model and settings", theme.meta),
        ])),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let presets = &app.options.presets.list;
    let in_use = app.session.preset.as_ref().map(|p| p.name.as_str());
    let mut lines = Vec::new();
    let row = |name: String, extra: String, selected: bool, current: bool| {
        let marker = if selected { " ▸ " } else { "   " };
        let style = if selected {
            theme.status_accent
        } else {
            theme.base
        };
        let name = format!("{name}{}", if current { " (in use)" } else { "" });
        let room = width.saturating_sub(4);
        let name = truncate(&name, room);
        let extra = truncate(
            &format!("  {extra}"),
            room.saturating_sub(name.chars().count()),
        );
        Line::from(vec![
            Span::styled(marker, theme.border_focus),
            Span::styled(name, style),
            Span::styled(extra, theme.meta),
        ])
    };
    lines.push(row(
        "no preset".into(),
        "system_prompt from config".into(),
        pane.selected == 0,
        in_use.is_none(),
    ));
    for (i, p) in presets.iter().enumerate() {
        lines.push(row(
            sanitize_line(&p.name),
            settings(p),
            pane.selected == i + 1,
            in_use == Some(p.name.as_str()),
        ));
    }
    if presets.is_empty() {
        lines.push(Line::from(Span::styled(
            truncate(
                "   No presets yet: add [presets.NAME] with system = \"…\" to config.toml.",
                width,
            ),
            theme.hint,
        )));
    }
    // The list takes what it needs up to half the pane; the preview the rest.
    let body = area.height.saturating_sub(2);
    let list_h = (lines.len() as u16).min((body / 2).max(1));
    let top = pane
        .selected
        .saturating_sub(list_h as usize / 2)
        .min(lines.len().saturating_sub(list_h as usize));
    let visible: Vec<Line> = lines.into_iter().skip(top).take(list_h as usize).collect();
    frame.render_widget(
        Paragraph::new(visible),
        Rect::new(area.x, area.y + 1, area.width, list_h),
    );
    let preview_h = body.saturating_sub(list_h);
    if preview_h > 1 {
        let system = pane
            .selected
            .checked_sub(1)
            .and_then(|i| presets.get(i))
            .map_or(app.options.system_prompt.as_deref(), |p| {
                p.system.as_deref()
            });
        let mut preview = vec![Line::from(Span::styled(
            truncate(" System prompt:", width),
            theme.meta,
        ))];
        match system.filter(|s| !s.trim().is_empty()) {
            Some(s) => preview.extend(
                sanitize(s)
                    .lines()
                    .map(|l| Line::from(Span::styled(format!(" {l}"), theme.base))),
            ),
            None => preview.push(Line::from(Span::styled(" (none)", theme.hint))),
        }
        frame.render_widget(
            Paragraph::new(preview).wrap(Wrap { trim: false }),
            Rect::new(area.x, area.y + 1 + list_h, area.width, preview_h),
        );
    }
    let footer = app.options.keymap.hint(
        Scope::Presets,
        &[
            (Action::UsePreset, "use"),
            (Action::EditSystemPrompt, "edit this chat's prompt"),
            (Action::Close, "close"),
        ],
    );
    super::hint_footer(frame, area, &format!(" ↑↓ choose ·{footer}"), theme);
}
