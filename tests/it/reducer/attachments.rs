//! Attachments in the reducer: Tab after `@` asks for completions, one file becomes a
//! chip, several complete as far as they agree, `@path` words are read before a message
//! goes, the chips go with it (text inline, images beside), Ctrl-X removes one, and images
//! to a model that does not take them are refused before sending.

use crate::support::{key, local_options, press, screen, type_text};
use crossterm::event::{KeyCode, KeyModifiers};
use keyturn::app::{App, AppOptions, Effect, Msg, ProviderInfo, update};
use keyturn::chat::Attachment;

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    2, 0, 0, 0, 1, 8, 6, 0, 0, 0,
];

fn file(name: &str, text: &str) -> Attachment {
    Attachment::from_bytes(name, text.as_bytes().to_vec()).unwrap()
}

fn on_model(model: &str) -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: model.into(),
        }),
        ..Default::default()
    })
}

#[test]
fn tab_after_an_at_word_completes_and_one_file_is_attached_as_a_chip() {
    let mut app = App::new(local_options());
    type_text(&mut app, "explain @src/ma");
    let effects = update(&mut app, press(KeyCode::Tab));
    assert!(
        matches!(effects.as_slice(), [Effect::CompletePath { typed }] if typed == "src/ma"),
        "{effects:?}"
    );
    // Several: completed as far as they agree, and listed.
    let effects = update(
        &mut app,
        Msg::PathCompletions {
            typed: "src/ma".into(),
            candidates: vec!["src/main.rs".into(), "src/markdown/".into()],
        },
    );
    assert!(effects.is_empty());
    assert_eq!(app.draft(), "explain @src/ma");
    assert!(app.notice.as_ref().unwrap().text.contains("src/markdown/"));
    type_text(&mut app, "i");
    let _ = update(&mut app, press(KeyCode::Tab));
    let effects = update(
        &mut app,
        Msg::PathCompletions {
            typed: "src/mai".into(),
            candidates: vec!["src/main.rs".into()],
        },
    );
    assert_eq!(app.draft(), "explain @src/main.rs");
    let [Effect::LoadAttachments { specs, send, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (specs.as_slice(), *send),
        (&["src/main.rs".to_string()][..], false)
    );
    let _ = update(
        &mut app,
        Msg::Attached {
            specs: specs.clone(),
            result: Ok(vec![file("src/main.rs", "fn main() {}\n")]),
            send: false,
        },
    );
    // The word became a plain path; the file is a chip.
    assert_eq!(app.draft(), "explain src/main.rs");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("⎘ src/main.rs 13 B ≈4 tok"), "{s}");
    assert!(s.contains("Ctrl-X removes the last"), "{s}");
    // Tab with no @ word still switches focus.
    let _ = update(&mut app, press(KeyCode::Char(' ')));
    assert!(update(&mut app, press(KeyCode::Tab)).is_empty());
    assert_eq!(app.chat.focus, keyturn::app::Focus::Conversation);
    // Recent attachments come first next time.
    let _ = update(&mut app, press(KeyCode::Tab));
    type_text(&mut app, "@src/m");
    let _ = update(&mut app, press(KeyCode::Tab));
    let _ = update(
        &mut app,
        Msg::PathCompletions {
            typed: "src/m".into(),
            candidates: vec!["src/mock/".into()],
        },
    );
    let n = app.notice.as_ref().unwrap().text.clone();
    assert!(n.starts_with("src/main.rs  src/mock/"), "{n}");
}

#[test]
fn at_words_are_read_before_sending_and_the_files_go_with_the_message() {
    let mut app = App::new(local_options());
    type_text(&mut app, "review @lib.rs and ping @alice");
    let effects = update(&mut app, press(KeyCode::Enter));
    let [
        Effect::LoadAttachments {
            specs,
            send,
            lenient,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(specs, &["lib.rs", "alice"]);
    assert!(*send && *lenient);
    // The runtime kept the path and left the handle as text.
    let effects = update(
        &mut app,
        Msg::Attached {
            specs: vec!["lib.rs".into()],
            result: Ok(vec![file("lib.rs", "pub fn f() {}\n")]),
            send: true,
        },
    );
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        request.messages[0].content,
        "lib.rs:\n```\npub fn f() {}\n```\n\nreview lib.rs and ping @alice"
    );
    let sent = &app.session.conversation.messages[0];
    assert_eq!(sent.text, "review lib.rs and ping @alice");
    assert_eq!(sent.attachments.len(), 1);
    assert!(app.chat.attachments.is_empty());
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("⎘ lib.rs · 14 B · ≈4 tok"), "{s}");
}

#[test]
fn a_file_that_cannot_be_attached_sends_nothing_and_keeps_the_draft() {
    let mut app = App::new(local_options());
    type_text(&mut app, "look at @missing.rs");
    let _ = update(&mut app, press(KeyCode::Enter));
    let effects = update(
        &mut app,
        Msg::Attached {
            specs: vec!["missing.rs".into()],
            result: Err("no file missing.rs (from @missing.rs)".into()),
            send: true,
        },
    );
    assert!(effects.is_empty());
    assert!(app.session.conversation.messages.is_empty());
    assert_eq!(app.draft(), "look at @missing.rs");
    let n = &app.notice.as_ref().unwrap().text;
    assert!(
        n.contains("Not attached: no file missing.rs") && n.contains("kept"),
        "{n}"
    );
}

#[test]
fn images_go_beside_the_text_to_a_model_that_takes_them_and_are_refused_otherwise() {
    let png = Attachment::from_bytes("shot.png", PNG.to_vec()).unwrap();
    let mut app = on_model("gpt-3.5-turbo");
    app.chat.attachments.push(png.clone());
    type_text(&mut app, "what is this?");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    let n = app.notice.as_ref().unwrap().text.clone();
    assert!(n.contains("gpt-3.5-turbo does not take images"), "{n}");
    assert!(
        n.contains("images = true under [models.\"gpt-3.5-turbo\"]"),
        "{n}"
    );
    assert!(app.session.conversation.messages.is_empty());
    // An unknown model is refused too, saying so.
    let mut app = on_model("my-local-model");
    app.chat.attachments.push(png.clone());
    type_text(&mut app, "what is this?");
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("does not know whether")
    );
    // A vision model gets it, with an image-only message allowed.
    let mut app = on_model("gpt-4o");
    app.chat.attachments.push(png);
    let effects = update(&mut app, press(KeyCode::Enter));
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.messages[0].content, "");
    assert_eq!(request.messages[0].images.len(), 1);
}

#[test]
fn ctrl_x_removes_the_last_chip() {
    let mut app = App::new(local_options());
    app.chat.attachments = vec![file("a.txt", "a"), file("b.txt", "b")];
    key(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL);
    assert_eq!(app.chat.attachments.len(), 1);
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Removed b.txt; 1 attachment left")
    );
    key(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL);
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Nothing is attached")
    );
}

#[test]
fn piped_text_is_attached_to_the_first_message() {
    let mut opts = local_options();
    opts.initial_attachments = vec![file("stdin", "diff --git a b\n")];
    let mut app = App::new(opts);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("⎘ stdin"), "{s}");
    type_text(&mut app, "review this");
    let effects = update(&mut app, press(KeyCode::Enter));
    let [Effect::StartStream { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        request.messages[0].content,
        "stdin:\n```\ndiff --git a b\n```\n\nreview this"
    );
}
