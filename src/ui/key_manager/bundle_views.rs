//! What the bundle dialogs say: export (the recipients, then the file; which keys go) and
//! import (the file, then the identity).

use ratatui::text::{Line, Span};

use super::dialog::View;
use crate::app::key_manager::bundle_dialogs::{ExportBundle, ImportBundle};
use crate::theme::Theme;

pub(super) fn export<'a>(d: &'a ExportBundle, theme: &Theme) -> View<'a> {
    let which = match (&d.provider, d.all) {
        (Some(p), false) => format!("{p}'s keys (Tab: every key)"),
        (Some(p), true) => format!("every key (Tab: only {p}'s)"),
        (None, _) => "every key".to_string(),
    };
    let (prompt, field) = if d.on_file {
        ("Write the bundle (an armored age file, 0600) to:", &d.file)
    } else {
        (
            "Encrypt to the other machine's SSH or age public key (several: commas):",
            &d.recipients,
        )
    };
    View::from((
        " Export keys to another machine ".to_string(),
        vec![
            Line::from(vec![
                Span::styled("Exports ", theme.hint),
                Span::styled(which, theme.help_key),
            ]),
            Line::from(Span::styled(prompt, theme.hint)),
        ],
        Some(field),
        None,
    ))
}

pub(super) fn import<'a>(d: &'a ImportBundle, theme: &Theme) -> View<'a> {
    let (prompt, field) = if d.on_identity {
        (
            "Open it with (age identity file or SSH private key; empty: the store's, else ~/.ssh/id_ed25519):",
            &d.identity,
        )
    } else {
        ("The bundle (made by keyturn keys export):", &d.file)
    };
    View::from((
        " Import keys from a bundle ".to_string(),
        vec![
            Line::from(Span::styled(
                "New keys are added, keys already here skipped, taken labels renamed.",
                theme.hint,
            )),
            Line::from(Span::styled(prompt, theme.hint)),
        ],
        Some(field),
        None,
    ))
}
