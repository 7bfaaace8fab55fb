//! The key manager's dialogs: what each one says (a flat match over the dialog kinds) and
//! the box they are drawn in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::SPINNER;
use crate::app::App;
use crate::app::key_manager::KeyDialog;
use crate::theme::Theme;

pub(super) fn render_dialog(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    dialog: &KeyDialog,
    theme: &Theme,
) {
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let view = match dialog {
        KeyDialog::Passphrase(d) => super::views::passphrase(d, theme),
        KeyDialog::ChooseProvider(d) => super::views::choose_provider(d, app, area, theme),
        KeyDialog::Label(d) => super::views::label(d, theme),
        KeyDialog::Secret(d) => super::views::secret(d, app.options.demo, theme),
        KeyDialog::Testing(d) => super::views::testing(d, spin, theme),
        KeyDialog::ConfirmUnverified(d) => super::views::confirm_unverified(d, app, theme),
        KeyDialog::ConfirmDelete(d) => super::views::confirm_delete(d, app, theme),
        KeyDialog::OfferPurge(d) => super::views::offer_purge(d, app, theme),
        KeyDialog::EditLabel(d) => super::views::edit_label(d, theme),
        KeyDialog::EditCap(d) => super::views::edit_cap(d, app, theme),
        KeyDialog::ExportBundle(d) => super::bundle_views::export(d, theme),
        KeyDialog::ImportBundle(d) => super::bundle_views::import(d, theme),
    };
    draw_box(frame, area, view, theme);
}

/// What a dialog shows: its title, its text, its field and an error under it.
pub(super) struct View<'a> {
    pub(super) title: String,
    pub(super) text: Vec<Line<'static>>,
    pub(super) input: Option<&'a tui_textarea::TextArea<'static>>,
    pub(super) error: Option<String>,
}

impl<'a>
    From<(
        String,
        Vec<Line<'static>>,
        Option<&'a tui_textarea::TextArea<'static>>,
        Option<String>,
    )> for View<'a>
{
    fn from(
        (title, text, input, error): (
            String,
            Vec<Line<'static>>,
            Option<&'a tui_textarea::TextArea<'static>>,
            Option<String>,
        ),
    ) -> Self {
        Self {
            title,
            text,
            input,
            error,
        }
    }
}

/// The dialog's box: centred, sized to its text, with its field at the bottom.
fn draw_box(frame: &mut Frame, area: Rect, view: View, theme: &Theme) {
    let View {
        title,
        text,
        input,
        error,
    } = view;
    let width = area.width.saturating_sub(4).clamp(1, 76);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    // Wrapped here, each line under its own indent, so the box is sized to what is drawn
    // and the last line of a long message is never cut off.
    let mut lines: Vec<Line<'static>> = text
        .into_iter()
        .flat_map(|l| crate::ui::hanging::keep_indent(l, inner_w))
        .collect();
    if let Some(e) = error {
        lines.extend(crate::ui::hanging::keep_indent(
            Line::from(Span::styled(e, theme.error)),
            inner_w,
        ));
    }
    let text_rows = lines.len() as u16;
    let height = (text_rows + 2 + u16::from(input.is_some()) * 2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let text_h = inner
        .height
        .saturating_sub(if input.is_some() { 2 } else { 0 });
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: text_h,
            ..inner
        },
    );
    if let Some(input) = input
        && inner.height >= 2
    {
        let r = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
        let mut field = input.clone();
        field.set_cursor_line_style(theme.base);
        field.set_placeholder_style(theme.hint);
        frame.render_widget(&field, r);
    }
}
