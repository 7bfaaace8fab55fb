//! What each key-manager dialog says: one view function per dialog type.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::dialog::View;
use crate::app::key_manager::dialogs;
use crate::app::{Action, App, Scope};
use crate::text::sanitize::sanitize_line;
use crate::theme::Theme;

pub(super) fn passphrase<'a>(d: &'a dialogs::Passphrase, theme: &Theme) -> View<'a> {
    let dialogs::Passphrase {
        input,
        creating,
        first,
        error,
    } = d;
    View::from({
        let (title, hint) = match (creating, first.is_some()) {
            (true, false) => (
                " New passphrase ",
                "Choose a passphrase for keys.age. It is asked once per session; `age -d` opens the file with it too.",
            ),
            (true, true) => (" Repeat passphrase ", "Type the same passphrase again."),
            _ => (
                " Unlock keys.age ",
                "Passphrase for your key store (or the passphrase of its SSH key).",
            ),
        };
        (
            title.into(),
            vec![Line::from(Span::styled(hint, theme.hint))],
            Some(input),
            error.clone(),
        )
    })
}

pub(super) fn choose_provider<'a>(
    d: &'a dialogs::ChooseProvider,
    app: &'a App,
    area: Rect,
    theme: &Theme,
) -> View<'a> {
    let dialogs::ChooseProvider { selected, .. } = d;
    View::from({
        let mut lines = vec![Line::from(Span::styled(
            "Add a key for which provider? (↑↓, Enter)",
            theme.hint,
        ))];
        // A window of the list that keeps the selection visible.
        let room = (area.height as usize).saturating_sub(6).max(1);
        let first = selected
            .saturating_sub(room / 2)
            .min(app.key_manager.providers.len().saturating_sub(room));
        for (i, (id, name)) in app
            .key_manager
            .providers
            .iter()
            .enumerate()
            .skip(first)
            .take(room)
        {
            let style = if i == *selected {
                theme.status_accent
            } else {
                theme.base
            };
            lines.push(Line::from(Span::styled(
                format!(
                    " {} {} ({id}) ",
                    if i == *selected { "▸" } else { " " },
                    sanitize_line(name)
                ),
                style,
            )));
        }
        (" Add a key ".into(), lines, None, None)
    })
}

pub(super) fn label<'a>(d: &'a dialogs::Label, theme: &Theme) -> View<'a> {
    let dialogs::Label { provider, input } = d;
    View::from((
        " Label ".into(),
        vec![Line::from(Span::styled(
            format!("A label for the new {provider} key, e.g. work or personal (Enter to skip)."),
            theme.hint,
        ))],
        Some(input),
        None,
    ))
}

pub(super) fn secret<'a>(d: &'a dialogs::SecretField, demo: bool, theme: &Theme) -> View<'a> {
    let dialogs::SecretField {
        provider,
        rotate,
        input,
        ..
    } = d;
    View::from((
        if rotate.is_some() {
            " Rotate key ".into()
        } else {
            " Paste the key ".into()
        },
        {
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "Paste the {provider} API key. It is hidden, tested against {provider} (no tokens spent), then saved."
                ),
                theme.hint,
            ))];
            if demo {
                lines.push(Line::from(Span::styled(
                    format!(
                        "Demo: any key starting {} is accepted (try sk-test-1234); nothing leaves this machine.",
                        crate::app::DEMO_ACCEPTS
                    ),
                    theme.meta,
                )));
            } else if let Some(b) =
                crate::providers::catalog::builtin(provider).filter(|b| !b.key_url.is_empty())
            {
                lines.push(Line::from(Span::styled(
                    format!("Get one at {}", b.key_url),
                    theme.meta,
                )));
            }
            lines
        },
        Some(input),
        None,
    ))
}

pub(super) fn testing<'a>(d: &'a dialogs::Testing, spin: &str, theme: &Theme) -> View<'a> {
    let dialogs::Testing { provider, .. } = d;
    View::from((
        " Testing ".into(),
        vec![Line::from(Span::styled(
            format!("{spin} Asking {provider} whether it accepts the key… (Esc cancels)"),
            theme.hint,
        ))],
        None,
        None,
    ))
}

pub(super) fn confirm_unverified<'a>(
    d: &'a dialogs::ConfirmUnverified,
    app: &'a App,
    theme: &Theme,
) -> View<'a> {
    let dialogs::ConfirmUnverified { outcome, .. } = d;
    View::from((
        " Not verified ".into(),
        vec![
            Line::from(Span::styled(
                format!("{}: {}", outcome.check.label(), outcome.detail),
                theme.error,
            )),
            Line::default(),
            Line::from(Span::styled(
                format!(
                    "Save it anyway?{}",
                    app.options.keymap.hint(
                        Scope::Dialog,
                        &[(Action::Yes, "saves"), (Action::No, "discards")]
                    )
                ),
                theme.help_key,
            )),
        ],
        None,
        None,
    ))
}

pub(super) fn confirm_delete<'a>(
    d: &'a dialogs::ConfirmDelete,
    app: &'a App,
    theme: &Theme,
) -> View<'a> {
    let dialogs::ConfirmDelete { id } = d;
    View::from({
        let who = app
            .key_manager
            .entries
            .iter()
            .find(|e| e.id == *id)
            .map_or(id.clone(), |e| {
                format!("{} {} ({})", e.provider, e.masked, sanitize_line(&e.label))
            });
        (
            " Delete key ".into(),
            vec![Line::from(Span::styled(
                format!(
                    "Delete {who}?{}",
                    app.options.keymap.hint(
                        Scope::Dialog,
                        &[(Action::Yes, "deletes"), (Action::No, "keeps it")]
                    )
                ),
                theme.help_key,
            ))],
            None,
            None,
        )
    })
}

pub(super) fn offer_purge<'a>(d: &'a dialogs::OfferPurge, app: &'a App, theme: &Theme) -> View<'a> {
    let dialogs::OfferPurge { .. } = d;
    View::from((
        " Purge backup? ".into(),
        vec![
            Line::from(Span::styled(
                "The encrypted backup (keys.age.bak) still holds the deleted key, so u can bring it back.",
                theme.hint,
            )),
            Line::from(Span::styled(
                format!(
                    "Delete the backup too?{}",
                    app.options.keymap.hint(
                        Scope::Dialog,
                        &[(Action::Yes, "deletes it"), (Action::No, "keeps it")]
                    )
                ),
                theme.help_key,
            )),
        ],
        None,
        None,
    ))
}

pub(super) fn edit_label<'a>(d: &'a dialogs::EditLabel, theme: &Theme) -> View<'a> {
    let dialogs::EditLabel { input, .. } = d;
    View::from((
        " Edit label ".into(),
        vec![Line::from(Span::styled("New label:", theme.hint))],
        Some(input),
        None,
    ))
}

pub(super) fn edit_cap<'a>(d: &'a dialogs::EditCap, app: &'a App, theme: &Theme) -> View<'a> {
    let dialogs::EditCap {
        id,
        provider,
        scope,
        input,
    } = d;
    View::from({
        use crate::app::key_manager::CapScope;
        let key = app
            .key_manager
            .entries
            .iter()
            .find(|e| &e.id == id)
            .map_or_else(String::new, |e| e.masked.clone());
        let (title, kept) = match scope {
            CapScope::Key => (
                format!(" Monthly budget for the key {key} "),
                "in the key store",
            ),
            CapScope::Provider => (format!(" Monthly budget for {provider} "), "in config.toml"),
            CapScope::Global => (
                " Monthly budget for everything ".to_string(),
                "in config.toml",
            ),
        };
        // Only the caps there are: no key selected, or no provider, is not offered.
        let tabs = [
            (CapScope::Key, "this key".to_string()),
            (CapScope::Provider, provider.clone()),
            (CapScope::Global, "everything".to_string()),
        ]
        .into_iter()
        .filter(|(s, _)| match s {
            CapScope::Key => !id.is_empty(),
            CapScope::Provider => !provider.is_empty(),
            CapScope::Global => true,
        });
        let mut choice = vec![Span::styled("Tab: ", theme.hint)];
        for (i, (s, name)) in tabs.enumerate() {
            if i > 0 {
                choice.push(Span::styled(" · ", theme.hint));
            }
            let style = if s == *scope {
                theme.status_accent
            } else {
                theme.hint
            };
            choice.push(Span::styled(name, style));
        }
        let mut text = vec![
            Line::from(choice),
            Line::from(Span::styled(
                format!(
                    "USD a month, kept {kept} (empty: no cap). At a cap keyturn refuses to send."
                ),
                theme.hint,
            )),
        ];
        // The provider's own limit may run by another period (OpenRouter: daily, weekly):
        // said beside keyturn's monthly cap, so the two are not taken for one.
        let own = app
            .key_manager
            .entries
            .iter()
            .filter(|e| &e.provider == provider && (id.is_empty() || &e.id == id))
            .filter_map(|e| e.last_test.as_ref())
            .find_map(|t| {
                t.detail
                    .split_once('(')?
                    .1
                    .strip_suffix(')')
                    .filter(|c| c.contains("limit resets"))
                    .map(str::to_string)
            });
        if let Some(own) = own {
            text.push(Line::from(Span::styled(
                format!("{provider}'s own limit on this key: {own}."),
                theme.meta,
            )));
        }
        (title, text, Some(input), None)
    })
}
