//! Working in the conversation without a mouse: select, jump between code blocks, copy,
//! edit the last message, regenerate, search. Reducer and TestBackend render together.

use crate::support::{press as key, send};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::browse::RevealTarget;
use keyturn::app::{App, AppOptions, Effect, Focus, Msg, ProviderInfo, Scroll, update};
use keyturn::providers::{FinishReason, StreamEvent};
use keyturn::ui::{self, RenderCache, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn app() -> App {
    App::new(crate::support::local_options())
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn answer(app: &mut App, question: &str, reply: &str) {
    let req = send(app, question);
    for event in [
        StreamEvent::Text(reply.into()),
        StreamEvent::Finish(FinishReason::Stop),
        StreamEvent::Done,
    ] {
        let _ = update(app, Msg::Stream { req, event });
    }
}

/// Draws at w x h, reports the layout back; returns the screen's text and the buffer.
fn draw(
    app: &mut App,
    cache: &mut RenderCache,
    w: u16,
    h: u16,
) -> (String, ratatui::buffer::Buffer) {
    let _ = update(
        app,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::draw(f, app, cache)).unwrap();
    let _ = update(app, ui::layout_msg(cache));
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    (out, buf)
}

fn long_chat(app: &mut App) {
    answer(
        app,
        "first question",
        "Here:\n\n```rust\nfn alpha() {}\n```\n\nAnd also:\n\n```sh\necho beta\n```",
    );
    for i in 0..30 {
        answer(
            app,
            &format!("filler {i}"),
            &format!("filler answer number {i}"),
        );
    }
    answer(
        app,
        "last question",
        "Final words with a needle in them.\n\n```py\nprint('gamma')\n```",
    );
}

#[test]
fn code_jumps_reveal_each_block_and_copy_takes_the_current_one() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    long_chat(&mut app);
    draw(&mut app, &mut cache, 60, 16);
    let _ = update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.chat.focus, Focus::Conversation);
    // '{' from the bottom: the newest block first.
    let _ = update(&mut app, ch('{'));
    let (screen, _) = draw(&mut app, &mut cache, 60, 16);
    assert!(screen.contains("╭─ py"), "{screen}");
    // Then back to the first answer's second and first blocks, far up the history.
    let _ = update(&mut app, ch('{'));
    let (screen, _) = draw(&mut app, &mut cache, 60, 16);
    assert!(
        screen.contains("echo beta") && !screen.contains("gamma"),
        "{screen}"
    );
    assert!(matches!(app.chat.scroll, Scroll::Top(_)));
    let _ = update(&mut app, ch('{'));
    let (screen, _) = draw(&mut app, &mut cache, 60, 16);
    assert!(screen.contains("fn alpha"), "{screen}");
    let effects = update(&mut app, ch('c'));
    assert_eq!(
        effects,
        [Effect::Copy {
            text: "fn alpha() {}".into()
        }]
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("rust code block")
    );
    // '}' goes forward again.
    let _ = update(&mut app, ch('}'));
    assert_eq!(
        update(&mut app, ch('c')),
        [Effect::Copy {
            text: "echo beta".into()
        }]
    );
}

#[test]
fn selection_moves_by_message_marks_it_and_copies_it() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    answer(&mut app, "q1", "answer one");
    answer(&mut app, "q2", "answer **two**");
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL)),
    );
    assert_eq!(app.chat.selected, Some(3));
    let (screen, buf) = draw(&mut app, &mut cache, 50, 20);
    // The selected message's lines carry a bar in the gutter; its label is reversed.
    let row = screen
        .lines()
        .position(|l| l.contains("answer two"))
        .unwrap();
    assert_eq!(buf[(0, row as u16)].symbol(), "▌");
    let lines: Vec<&str> = screen.lines().collect();
    let label = lines
        .iter()
        .rposition(|l| l.starts_with("Assistant"))
        .unwrap();
    assert!(buf[(0, label as u16)].modifier.contains(Modifier::REVERSED));
    assert_eq!(
        update(&mut app, ch('y')),
        [Effect::Copy {
            text: "answer **two**".into()
        }]
    );
    let _ = update(&mut app, ch('['));
    let _ = update(&mut app, ch('['));
    assert_eq!(app.chat.selected, Some(1));
    assert_eq!(
        update(&mut app, ch('y')),
        [Effect::Copy {
            text: "answer one".into()
        }]
    );
    // Esc drops the selection (focus stays); y then copies the newest reply.
    let _ = update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.chat.selected, None);
    assert_eq!(app.chat.focus, Focus::Conversation);
    assert_eq!(
        update(&mut app, ch('y')),
        [Effect::Copy {
            text: "answer **two**".into()
        }]
    );
}

#[test]
fn search_finds_counts_reveals_and_highlights_matches() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    long_chat(&mut app);
    answer(&mut app, "more", "another NEEDLE here");
    draw(&mut app, &mut cache, 60, 16);
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    for c in "needle".chars() {
        let _ = update(&mut app, ch(c));
    }
    let search = app.chat.search.clone().unwrap();
    assert!(search.editing);
    assert_eq!(search.hits.len(), 2);
    // Typing does not reach the composer.
    assert!(app.chat.composer.is_empty());
    let (screen, _) = draw(&mut app, &mut cache, 60, 16);
    assert!(screen.contains("/needle▏ · 2 matches"), "{screen}");
    let _ = update(&mut app, key(KeyCode::Enter));
    let (screen, buf) = draw(&mut app, &mut cache, 60, 16);
    assert!(screen.contains("/needle 2/2"), "{screen}");
    let row = screen.lines().position(|l| l.contains("NEEDLE")).unwrap();
    let col = screen
        .lines()
        .nth(row)
        .unwrap()
        .chars()
        .position(|c| c == 'N')
        .unwrap();
    assert_eq!(
        buf[(col as u16, row as u16)].style().bg,
        Theme::default().search_current.bg
    );
    // n wraps to the first match, far up: the view moves there.
    let _ = update(&mut app, ch('n'));
    assert!(matches!(
        app.chat.scroll,
        Scroll::Reveal {
            target: RevealTarget::Match(0),
            ..
        }
    ));
    let (screen, _) = draw(&mut app, &mut cache, 60, 16);
    assert!(
        screen.contains("needle in them") && screen.contains("/needle 1/2"),
        "{screen}"
    );
    let _ = update(&mut app, ch('N'));
    assert_eq!(app.chat.search.as_ref().unwrap().current, 1);
    let _ = update(&mut app, key(KeyCode::Esc));
    assert!(app.chat.search.is_none());
}

#[test]
fn edit_last_puts_the_question_in_the_composer_and_esc_changes_nothing() {
    let mut app = app();
    answer(&mut app, "first", "one");
    answer(&mut app, "second question", "two");
    // Up in an empty composer edits the last message; the conversation stays as it is.
    let _ = update(&mut app, key(KeyCode::Up));
    assert_eq!(app.draft(), "second question");
    assert_eq!(app.session.conversation.messages.len(), 4);
    let _ = update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.session.conversation.messages.len(), 4);
    assert!(app.chat.composer.is_empty());
    // Edit and resend: a new branch beside the old question, which is kept.
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::ALT)),
    );
    let _ = update(&mut app, key(KeyCode::Backspace));
    let _ = update(&mut app, ch('!'));
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::StartStream { request, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let last = request.messages.last().unwrap();
    assert_eq!(last.content, "second questio!");
    assert_eq!(request.messages.len(), 3);
    assert!(app.chat.editing.is_none());
    let conv = &app.session.conversation;
    assert_eq!(conv.messages[2].branch, Some((2, 2)));
    let parked: Vec<&str> = conv.parked.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(parked, ["second question", "two"]);
}

#[test]
fn regenerate_replaces_a_finished_answer() {
    let mut app = app();
    answer(&mut app, "q", "first try");
    let _ = update(&mut app, key(KeyCode::Tab));
    let effects = update(&mut app, ch('r'));
    let Some(Effect::StartStream { request, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.messages.last().unwrap().content, "q");
    assert_eq!(app.session.conversation.messages.len(), 2);
    assert!(app.session.conversation.messages[1].text.is_empty());
}

#[test]
fn wheel_scrolls_only_when_it_arrives() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    long_chat(&mut app);
    draw(&mut app, &mut cache, 60, 16);
    let bottom = app.chat.scroll_top();
    let _ = update(&mut app, Msg::Wheel(-3));
    assert_eq!(app.chat.scroll_top(), bottom - 3);
}

#[test]
fn links_become_osc8_hyperlinks_only_when_asked() {
    for enabled in [false, true] {
        let mut app = App::new(AppOptions {
            provider: Some(ProviderInfo {
                id: "local".into(),
                name: "Local".into(),
                model: "m1".into(),
            }),
            hyperlinks: enabled,
            ..Default::default()
        });
        let mut cache = RenderCache::new(Theme::default());
        answer(&mut app, "q", "See [the docs](https://example.com/d) now.");
        draw(&mut app, &mut cache, 60, 12);
        let links = &cache.conversation.hyperlinks;
        if enabled {
            assert_eq!(links.len(), 1, "{links:?}");
            assert_eq!(links[0].text, "the docs");
            assert_eq!(links[0].url, "https://example.com/d");
            assert_eq!((links[0].x, links[0].y), (6, 4));
            assert_eq!(links[0].style.fg, Theme::default().link.fg);
        } else {
            assert!(links.is_empty());
        }
    }
}

#[test]
fn search_matches_the_text_not_the_role_labels() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    answer(&mut app, "are you there", "yes");
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    for c in "you".chars() {
        let _ = update(&mut app, ch(c));
    }
    assert_eq!(app.chat.search.as_ref().unwrap().hits.len(), 1);
    let (screen, buf) = draw(&mut app, &mut cache, 60, 16);
    // The "You" label is not painted as a match; "you" in the question is.
    let label_row = screen
        .lines()
        .position(|l| l.trim_start().starts_with("You"))
        .unwrap();
    let label_col = screen.lines().nth(label_row).unwrap().find("You").unwrap();
    let painted = |row: usize, col: usize| {
        let bg = buf[(col as u16, row as u16)].style().bg;
        bg == Theme::default().search_current.bg || bg == Theme::default().search_match.bg
    };
    assert!(!painted(label_row, label_col), "{screen}");
    let text_row = screen
        .lines()
        .position(|l| l.contains("are you there"))
        .unwrap();
    let text_col = screen.lines().nth(text_row).unwrap().find("you").unwrap();
    assert!(painted(text_row, text_col), "{screen}");
}

#[test]
fn editing_the_last_question_shows_no_stale_phase() {
    let mut app = app();
    let mut cache = RenderCache::new(Theme::default());
    answer(&mut app, "first", "one");
    answer(&mut app, "second question", "two");
    let _ = update(&mut app, key(KeyCode::Up));
    assert_eq!(app.draft(), "second question");
    let (screen, _) = draw(&mut app, &mut cache, 80, 16);
    let bar = screen.lines().last().unwrap_or_default().to_string();
    assert!(
        bar.to_lowercase().contains("editing") && !bar.contains("done"),
        "{bar}"
    );
    app.notice = None;
    let (screen, _) = draw(&mut app, &mut cache, 80, 16);
    let bar = screen.lines().last().unwrap_or_default().to_string();
    assert!(bar.contains("✎ editing") && !bar.contains("done"), "{bar}");
    let _ = update(&mut app, key(KeyCode::Esc));
    let (screen, _) = draw(&mut app, &mut cache, 80, 16);
    assert!(screen.lines().last().unwrap_or_default().contains("done"));
}
