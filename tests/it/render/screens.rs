//! Rendering tests: state → frame through ratatui's TestBackend, snapshotted with insta.

use crate::support::{screen, send};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Msg, ProviderInfo, update};
use keyturn::providers::{ProviderError, StreamEvent, Usage};
use keyturn::ui::{self, RenderCache, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "local".into(),
            name: "Local mock".into(),
            model: "mock-model".into(),
        }),
        ..Default::default()
    })
}

/// Draws like the runtime does (including the layout report) and returns the screen text.
fn render(app: &mut App, cache: &mut RenderCache, w: u16, h: u16) -> String {
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
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn mid_stream() -> App {
    let mut app = app();
    let req = send(&mut app, "Explain streaming in one paragraph, please.");
    for t in [
        "Streaming sends ",
        "the answer token by token, ",
        "so you can start reading ",
        "before the model has finished",
    ] {
        let _ = update(
            &mut app,
            Msg::Stream {
                req,
                event: StreamEvent::Text(t.into()),
            },
        );
    }
    app
}

#[test]
fn empty_at_80x24() {
    insta::assert_snapshot!(screen(&mut app(), 80, 24));
}

#[test]
fn no_provider_shows_how_to_add_one() {
    let mut app = App::new(AppOptions {
        setup_hint: Some(
            "Welcome to keyturn. No provider is configured yet. Add one to config.toml.".into(),
        ),
        ..Default::default()
    });
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("No provider is configured yet"), "{s}");
    assert!(s.contains("no provider"), "{s}");
}

#[test]
fn mid_stream_at_80x24() {
    insta::assert_snapshot!(screen(&mut mid_stream(), 80, 24));
}

#[test]
fn mid_stream_at_20x6() {
    insta::assert_snapshot!(screen(&mut mid_stream(), 20, 6));
}

#[test]
fn finished_with_usage_and_reasoning_at_80x24() {
    let mut app = app();
    let req = send(&mut app, "Is it?");
    for e in [
        StreamEvent::Reasoning("Let me think about whether it is.".into()),
        StreamEvent::Text("Yes, it is.".into()),
        StreamEvent::Usage(Usage {
            input_tokens: 12,
            output_tokens: 5,
            ..Default::default()
        }),
        StreamEvent::Done,
    ] {
        let _ = update(&mut app, Msg::Stream { req, event: e });
    }
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn failed_turn_shows_error_and_retry_key() {
    let mut app = mid_stream();
    let req = app.session.active.unwrap().0;
    let err = ProviderError::Dropped {
        provider: "Local mock".into(),
        detail: "connection reset".into(),
    };
    let _ = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Error(err),
        },
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn help_overlay_at_80x24() {
    let mut app = app();
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn too_small_shows_a_notice_that_fits_whole() {
    // 15x4: the notice is read to its end (how big, and how to quit), not cut.
    let s = screen(&mut mid_stream(), 15, 4);
    assert!(
        s.contains("Too small") && s.contains("20x5") && s.contains("quits."),
        "{s}"
    );
    let s = screen(&mut mid_stream(), 12, 4);
    assert!(s.contains("Too small"), "{s}");
    let s = screen(&mut mid_stream(), 19, 12);
    assert!(
        s.starts_with("Window too small") && s.contains("quits."),
        "{s}"
    );
}

#[test]
fn every_size_down_to_1x1_draws_without_panic() {
    let mut app = mid_stream();
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
    );
    let mut cache = RenderCache::new(Theme::default());
    for w in 1..=40 {
        for h in 1..=14 {
            render(&mut app, &mut cache, w, h);
        }
    }
}

#[test]
fn scrolled_up_view_stays_put_while_tokens_arrive() {
    let mut app = app();
    let req = send(&mut app, "long please");
    let mut cache = RenderCache::new(Theme::default());
    for i in 0..60 {
        let _ = update(
            &mut app,
            Msg::Stream {
                req,
                event: StreamEvent::Text(format!("line {i}\n")),
            },
        );
    }
    render(&mut app, &mut cache, 40, 12);
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE)),
    );
    let before = render(&mut app, &mut cache, 40, 12);
    for i in 60..80 {
        let _ = update(
            &mut app,
            Msg::Stream {
                req,
                event: StreamEvent::Text(format!("line {i}\n")),
            },
        );
    }
    let after = render(&mut app, &mut cache, 40, 12);
    let rows = |s: &str| s.lines().take(8).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(rows(&before), rows(&after));
    // The marker has the last row to itself: no text under it, every line counted.
    assert!(after.contains("↓ 28 more"), "{after}");
    let marker_row = after
        .lines()
        .find(|l| l.contains("↓ 28 more"))
        .unwrap_or_default();
    assert!(!marker_row.contains("line"), "{marker_row}");
    assert!(before.contains("more"), "{before}");
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL)),
    );
    let tail = render(&mut app, &mut cache, 40, 12);
    assert!(tail.contains("line 79"), "{tail}");
}

#[test]
fn hostile_model_output_never_reaches_the_screen_as_control_codes() {
    // The stream task sanitizes; here we check the renderer shows what it is given and the
    // sanitizer handles what a model might send.
    let evil = "ok \x1b]52;c;ZXZpbA==\x07\x1b[2J\u{202E}done";
    let clean = keyturn::text::sanitize::sanitize(evil);
    let mut app = app();
    let req = send(&mut app, "x");
    let _ = update(
        &mut app,
        Msg::Stream {
            req,
            event: StreamEvent::Text(clean),
        },
    );
    let s = screen(&mut app, 60, 10);
    assert!(s.contains("ok done"), "{s}");
    assert!(!s.contains('\x1b') && !s.contains('\u{202E}'));
}

fn keys_app() -> App {
    use keyturn::app::key_manager::{KeyMeta, KeysMsg, StoreState};
    use keyturn::keystore::{KeyCheck, TestRecord};
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4o-mini".into(),
        }),
        store: Some(StoreState::Unlocked {
            method: "a passphrase".into(),
        }),
        key_providers: vec![
            ("groq".into(), "Groq".into()),
            ("openai".into(), "OpenAI".into()),
        ],
        ..Default::default()
    });
    let meta =
        |id: &str, label: &str, masked: &str, active: bool, test: Option<KeyCheck>| KeyMeta {
            id: id.into(),
            provider: "openai".into(),
            label: label.into(),
            masked: masked.into(),
            created: 1_795_000_000,
            rotated: None,
            last_test: test.map(|result| TestRecord {
                at: 1_795_100_000,
                result,
                detail: String::new(),
            }),
            active,
            cap: None,
        };
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::Unlocked {
            method: "a passphrase".into(),
            entries: vec![
                meta("k1", "work", "…9f2c", true, Some(KeyCheck::Valid)),
                meta("k2", "personal", "…1a2b", false, Some(KeyCheck::Invalid)),
            ],
            warnings: vec![],
            env_candidates: vec![("GROQ_API_KEY".into(), "groq".into())],
        }),
    );
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)),
    );
    app
}

#[test]
fn key_manager_at_80x24() {
    insta::assert_snapshot!(screen(&mut keys_app(), 80, 24));
}

#[test]
fn key_manager_at_20x6() {
    insta::assert_snapshot!(screen(&mut keys_app(), 20, 6));
}

#[test]
fn key_manager_masks_a_pasted_key() {
    let mut app = keys_app();
    let _ = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
    );
    let _ = update(&mut app, Msg::Paste("sk-test-CANARY-render-000001".into()));
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("CANARY"), "{s}");
    insta::assert_snapshot!(s);
}

/// A long reason wraps by words; the question under it still shows (the box was sized by
/// characters and cut the last line off).
#[test]
fn an_unverified_key_dialog_shows_its_question_under_a_long_reason() {
    use keyturn::app::key_manager::{KeyDialog, dialogs};
    use keyturn::keystore::KeyCheck;
    use keyturn::providers::validate::CheckOutcome;
    let mut app = keys_app();
    app.key_manager.dialog = Some(KeyDialog::ConfirmUnverified(dialogs::ConfirmUnverified {
        req: 1,
        outcome: CheckOutcome {
            check: KeyCheck::Unreachable,
            detail: "Could not connect to Anthropic at https://api.anthropic.com/v1: Name or \
                     service not known. Is the server running and base_url right?"
                .into(),
        },
    }));
    for (w, h) in [(80, 24), (60, 20)] {
        let s = screen(&mut app, w, h);
        assert!(s.contains("Save it anyway?"), "{w}x{h}:\n{s}");
    }
}
