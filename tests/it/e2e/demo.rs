//! `keyturn demo` end to end in a TestBackend: the real session start-up (demo home, key
//! store unlocked by its identity, in-process demo provider), a question typed, the reply
//! streamed over 127.0.0.1, and a highlighted code block on screen.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::Msg;
use keyturn::runtime::{self, Session};
use keyturn::theme::ColorDepth;
use keyturn::ui::{self, RenderCache, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn screen(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_streams_a_reply_with_a_highlighted_code_block() {
    keyturn::install_crypto_provider();
    let home = tempfile::tempdir().unwrap();
    let (_mock, config, paths) = keyturn::cli::demo::prepare(home.path()).await.unwrap();
    let mut options = runtime::options::tui_options(&config, &paths, None, None, None).unwrap();
    options.demo = true;
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = runtime::start(config, paths, options);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::new(Theme::new(
        keyturn::config::ThemeName::Dark,
        ColorDepth::Ansi256,
        None,
    ));
    runtime::dispatch(
        &mut app,
        &mut effects,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut draw = |app: &mut keyturn::app::App, term: &mut Terminal<TestBackend>| {
        term.draw(|f| ui::draw(f, app, &mut cache)).unwrap();
        let _ = keyturn::app::update(app, ui::layout_msg(&cache));
    };
    // As the TUI loop does: the first frame, then what it did not need loads.
    draw(&mut app, &mut term);
    runtime::warm_up(&effects);
    // Wait for the key store to unlock (the demo's identity file), then ask.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut asked = false;
    loop {
        assert!(
            Instant::now() < deadline,
            "no highlighted reply:\n{}",
            screen(&term)
        );
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
            runtime::dispatch(&mut app, &mut effects, msg);
        }
        draw(&mut app, &mut term);
        let s = screen(&term);
        if !asked
            && matches!(
                app.key_manager.state,
                keyturn::app::key_manager::StoreState::Unlocked { .. }
            )
        {
            assert!(s.contains(" DEMO ") && s.contains("Demo (offline)"), "{s}");
            for c in "show me code".chars() {
                runtime::dispatch(
                    &mut app,
                    &mut effects,
                    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                );
            }
            runtime::dispatch(
                &mut app,
                &mut effects,
                Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            );
            asked = true;
        }
        // Done, and the syntax sets have loaded (they load in the background).
        if asked && s.contains("✓ done") && keyturn::markdown::highlight::ready().is_some() {
            draw(&mut app, &mut term);
            break;
        }
    }
    // Offline: the picker and the key manager offer the demo provider only.
    let offered: Vec<&str> = app
        .session
        .catalogue
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(offered, ["demo"]);
    let addable: Vec<&str> = app
        .key_manager
        .providers
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(addable, ["demo"]);
    let s = screen(&term);
    assert!(s.contains("╭─ rust") && !s.contains("```"), "{s}");
    let buf = term.backend().buffer();
    let top = s.lines().position(|l| l.contains("╭─ rust")).unwrap() as u16;
    let bottom = s.lines().position(|l| l.contains("╰─")).unwrap() as u16;
    // Inside the frame (after "  │ "), syntect's colours as 256-colour indices.
    let colours: std::collections::HashSet<Color> = (top + 1..bottom)
        .flat_map(|y| (4..80).map(move |x| (x, y)))
        .filter_map(|(x, y)| buf[(x, y)].style().fg)
        .filter(|c| matches!(c, Color::Indexed(_)))
        .collect();
    assert!(
        colours.len() >= 3,
        "code line not highlighted: {colours:?}\n{s}"
    );
}
