//! Attachments in the composer: `@path` with Tab completion (paths and recent
//! attachments), files read into chips above the composer, `@path` words in a message
//! attached when it is sent, the last chip removed from the keyboard, and images refused
//! before sending to a model that does not take them.

use crate::app::{App, Effect, Focus, Notice};
use crate::chat::Attachment;

/// The `@word` that ends at the cursor, without its `@`.
fn at_word(app: &App) -> Option<String> {
    let tui_textarea::DataCursor(row, col) = app.chat.composer.cursor();
    let line = app.chat.composer.lines().get(row)?;
    let before: String = line.chars().take(col).collect();
    let word = before.rsplit(char::is_whitespace).next()?;
    word.strip_prefix('@').map(str::to_string)
}

/// Replaces the `@word` before the cursor with `with` (the cursor after it).
fn replace_word(app: &mut App, old: &str, with: &str) {
    for _ in 0..old.chars().count() {
        app.chat.composer.delete_char();
    }
    app.chat.composer.insert_str(with);
}

/// Tab in the composer at an `@word`: ask for its completions. None: Tab does what it
/// does elsewhere.
pub(super) fn tab(app: &App) -> Option<Vec<Effect>> {
    if app.chat.focus != Focus::Composer {
        return None;
    }
    let typed = at_word(app)?;
    Some(vec![Effect::CompletePath { typed }])
}

fn common_prefix(words: &[String]) -> String {
    let first = words.first().map(String::as_str).unwrap_or("");
    let mut end = first.len();
    for w in &words[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(w.chars())
                .find(|((_, a), b)| a != b)
                .map_or(end.min(w.len()), |((i, _), _)| i),
        );
    }
    first[..end].to_string()
}

/// Completions arrived: one file is attached, one directory is entered, several are
/// completed as far as they agree and listed.
pub(super) fn on_completions(app: &mut App, typed: String, found: Vec<String>) -> Vec<Effect> {
    if at_word(app).as_deref() != Some(typed.as_str()) {
        return Vec::new(); // typed on since
    }
    // Recent attachments first, then the files.
    let mut all: Vec<String> = app
        .session
        .recent_attachments
        .iter()
        .rev()
        .filter(|r| r.starts_with(&typed))
        .cloned()
        .collect();
    for f in found {
        if !all.contains(&f) {
            all.push(f);
        }
    }
    match all.as_slice() {
        [] => {
            app.notice = Some(Notice::error(format!("Nothing matches @{typed}.")));
            Vec::new()
        }
        [one] if one.ends_with('/') => {
            let one = one.clone();
            replace_word(app, &typed, &one);
            Vec::new()
        }
        [one] => {
            let one = one.clone();
            replace_word(app, &typed, &one);
            vec![load(app, vec![one], false, false)]
        }
        many => {
            let prefix = common_prefix(many);
            let shown: Vec<&str> = many.iter().take(8).map(String::as_str).collect();
            let more = many.len().saturating_sub(shown.len());
            app.notice = Some(Notice::info(format!(
                "{}{}",
                shown.join("  "),
                if more > 0 {
                    format!("  …{more} more")
                } else {
                    String::new()
                }
            )));
            if prefix.len() > typed.len() {
                replace_word(app, &typed, &prefix);
            }
            Vec::new()
        }
    }
}

fn load(app: &App, specs: Vec<String>, send: bool, lenient: bool) -> Effect {
    Effect::LoadAttachments {
        specs,
        already: app.chat.attachments.iter().map(|a| a.size() as u64).sum(),
        send,
        lenient,
    }
}

/// The `@path` words of a message, not yet checked: `@` at the start of a word, the
/// word's closing punctuation left out.
fn words(text: &str, checked: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        let Some(spec) = w.strip_prefix('@') else {
            continue;
        };
        let spec = spec.trim_end_matches([',', ';', ':', '!', '?', ')', '.']);
        if !spec.is_empty() && !checked.iter().any(|c| c == spec) && !out.iter().any(|o| o == spec)
        {
            out.push(spec.to_string());
        }
    }
    out
}

/// Before a message goes: its `@path` words are read first (the send goes on when they
/// are attached). None when there are none left to read.
pub(super) fn before_send(app: &mut App, draft: &str) -> Option<Vec<Effect>> {
    let specs = words(draft, &app.chat.checked_words);
    if specs.is_empty() {
        return None;
    }
    app.chat.checked_words.extend(specs.iter().cloned());
    Some(vec![load(app, specs, true, true)])
}

/// Files were read: chips for them, their `@path` words become plain paths in the draft,
/// and a send waiting for them goes on. An error attaches nothing and sends nothing.
pub(super) fn on_attached(
    app: &mut App,
    specs: Vec<String>,
    result: Result<Vec<Attachment>, String>,
    send: bool,
) -> Vec<Effect> {
    let files = match result {
        Ok(files) => files,
        Err(why) => {
            app.notice = Some(Notice::error(format!(
                "Not attached: {why}. Your message is kept."
            )));
            // Checked again on the next send, once the path is fixed.
            app.chat.checked_words.clear();
            return Vec::new();
        }
    };
    if !specs.is_empty() {
        let draft = app.draft();
        let mut text = draft.clone();
        for s in &specs {
            text = text.replace(&format!("@{s}"), s);
        }
        if text != draft {
            super::actions::put_draft(app, &text);
        }
    }
    let mut added = Vec::new();
    for f in files {
        if !app
            .chat
            .attachments
            .iter()
            .any(|a| a.name == f.name && a.sha256 == f.sha256)
        {
            added.push(format!(
                "{} ({}, ≈{} tokens)",
                f.name,
                f.size_label(),
                f.estimated_tokens()
            ));
            let recent = &mut app.session.recent_attachments;
            recent.retain(|r| *r != f.name);
            recent.push(f.name.clone());
            app.chat.attachments.push(f);
        }
    }
    if !added.is_empty() {
        app.notice = Some(Notice::info(format!("Attached {}.", added.join(", "))));
    }
    if send {
        return super::turns::submit(app);
    }
    Vec::new()
}

/// Removes the last chip.
pub(super) fn detach(app: &mut App) {
    match app.chat.attachments.pop() {
        Some(a) => {
            let left = app.chat.attachments.len();
            app.notice = Some(Notice::info(format!(
                "Removed {}; {left} attachment{} left.",
                a.name,
                if left == 1 { "" } else { "s" }
            )));
        }
        None => app.notice = Some(Notice::info("Nothing is attached.")),
    }
}

/// Why the message's images cannot go to the model in use, if they cannot.
pub(super) fn images_refused(
    app: &App,
    estimate: Option<&crate::estimate::Estimate>,
) -> Option<String> {
    let image = app.chat.attachments.iter().find(|a| a.is_image())?;
    let p = app.session.provider.as_ref()?;
    let takes = estimate
        .and_then(|e| e.takes_images)
        .or_else(|| app.options.windows.limits(&p.id, &p.model, None).images);
    let model = &p.model;
    let how = format!(
        "remove {} ({}) or choose a model that does ({}); if it does, set images = true under [models.\"{model}\"] in config.toml",
        image.name,
        app.options.keymap.key_for(crate::keymap::Action::Detach),
        app.options
            .keymap
            .key_for(crate::keymap::Action::OpenPicker),
    );
    crate::providers::vision::refusal(model, takes).map(|why| format!("{why}: {how}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_at_the_start_of_a_word_without_closing_punctuation() {
        let w = words("see @src/main.rs, and @a.txt. mail me@host.com @ @x", &[]);
        assert_eq!(w, ["src/main.rs", "a.txt", "x"]);
        assert!(words("@x", &["x".into()]).is_empty());
        assert_eq!(
            common_prefix(&["src/main.rs".into(), "src/mock/".into()]),
            "src/m"
        );
    }
}
