//! The event loop and everything that waits: terminal input, stream tasks, signals. It turns
//! events into `Msg`s, applies `update`, carries out `Effect`s, and draws only when something
//! changed, at the pace `pace` sets (no timers while idle). While a frame is pending it
//! listens to the terminal only; at the frame it takes everything the tasks queued, saves,
//! and draws once.

pub mod api_keys;
pub mod attach;
mod batch;
pub mod clipboard;
pub mod discovery;
pub mod editor;
mod effects;
pub mod esc_repair;
pub mod history_worker;
mod hooks;
pub mod input;
pub mod key_service;
pub mod meter;
pub mod model_service;
pub mod net;
pub mod notify;
mod online_count;
pub mod options;
pub mod pace;
pub mod persistence;
pub mod requests;
pub mod screen;
pub mod tasks;
pub mod terminal;

use std::time::{Duration, Instant};

use crossterm::event::Event;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{self, App, Msg};
use crate::config::Config;
use crate::ui::{self, RenderCache};
pub use batch::persist;
use batch::{apply_batch, draw};
pub use effects::{Effects, dispatch};
use terminal::TerminalGuard;

/// When main() began (the start-up benchmark reports time to first frame from it).
pub static PROCESS_START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Spinner rate while a request is in flight.
const TICK: Duration = Duration::from_millis(120);
/// Stream events queued between the network tasks and the UI.
const CHANNEL: usize = 1024;
/// A frame after this many messages from the tasks since the last one means a burst (a
/// provider outrunning the screen): until it passes the loop keeps taking messages between
/// frames, so the stream task never waits on a full channel and everything is in by the next
/// frame.
const BURST: usize = 64;
/// While a reply streams its conversation file catches up at most this often (each save wakes
/// the history thread for a write); when the stream pauses, when it ends and on quitting the
/// file gets everything on screen at the next frame.
const SAVE_EVERY: Duration = Duration::from_millis(250);

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(p) => Some(Msg::Paste(p)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Mouse(m) => match m.kind {
            crossterm::event::MouseEventKind::ScrollUp => Some(Msg::Wheel(-3)),
            crossterm::event::MouseEventKind::ScrollDown => Some(Msg::Wheel(3)),
            _ => None,
        },
        _ => None,
    }
}

/// The theme for this terminal: config, `NO_COLOR`, `COLORTERM` and `TERM`.
pub fn theme_from_env(config: &Config) -> ui::Theme {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let var = |k: &str| std::env::var(k).ok();
    let depth = ui::theme::ColorDepth::detect(
        config.ui.color,
        no_color,
        var("COLORTERM").as_deref(),
        var("TERM").as_deref(),
    );
    ui::Theme::new(
        config.ui.theme,
        depth,
        config
            .ui
            .syntax_theme
            .as_ref()
            .map(|s| s.get_ref().as_str()),
    )
}

/// A started session: the model, the effect runner and the channel their results come on.
pub struct Session {
    pub app: App,
    pub effects: Effects,
    pub rx: mpsc::Receiver<Msg>,
}

/// Everything before the first frame: background services, the key store's unlock. Needs a
/// tokio runtime; the TUI loop (or a test) drives it. What the first frame does not need
/// waits for [`warm_up`].
pub fn start(config: Config, paths: crate::config::Paths, mut options: app::AppOptions) -> Session {
    let (tx, rx) = mpsc::channel::<Msg>(CHANNEL);
    // The demo is offline: it offers its own provider only, never ones that need the network.
    let demo = options.demo;
    let offered = |id: &String| !demo || config.providers.contains_key(id);
    options.key_providers = config
        .provider_ids()
        .into_iter()
        .filter(offered)
        .filter_map(|id| config.provider(&id, None).ok())
        .filter(|c| c.auth == crate::config::AuthKind::Key)
        .map(|c| (c.endpoint.id, c.endpoint.name))
        .collect();
    options.auto_unlock_source = key_service::has_auto_source(&config);
    options.catalogue = config
        .provider_ids()
        .into_iter()
        .filter(offered)
        .filter_map(|id| config.provider(&id, None).ok())
        .map(|c| app::picker::PickerProvider {
            env_key: c
                .api_key_env
                .as_ref()
                .is_some_and(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty())),
            needs_key: c.auth == crate::config::AuthKind::Key,
            id: c.endpoint.id,
            name: c.endpoint.name,
            default_model: c.model.clone(),
            models: if c.models.is_empty() {
                vec![c.model]
            } else {
                c.models
            },
        })
        .collect();
    options.windows =
        std::sync::Arc::new(crate::estimate::windows::WindowTable::for_config(&config));
    // Text piped in starts a conversation of its own.
    let resume = config.history.resume
        && options.resume.is_none()
        && !options.demo
        && options.initial_attachments.is_empty();
    let mut effects = Effects::new(config, paths, tx);
    if resume {
        options.resume = effects.persistence.resume_last();
    }
    effects.persistence.load_spend();
    options.prices = effects.persistence.prices();
    options.store = Some(if effects.keys.start() {
        app::key_manager::StoreState::Unlocking
    } else {
        effects.keys.initial_state()
    });
    let env_candidates = effects.keys.env_candidates_now();
    let mut app = App::new(options);
    if let Some((meter, first)) = meter::Meter::spawn(
        &effects.config,
        effects.persistence.prices(),
        effects.paths.data_dir.join("models"),
        effects.tx.clone(),
        &app,
    ) {
        effects.meter = Some(meter);
        app.meter.enabled = true;
        app.meter.reading = first;
    }
    if resume && !app.session.conversation.id.is_empty() {
        effects.persistence.adopt(&app.session.conversation);
    }
    app.key_manager.env_candidates = env_candidates;
    if !effects.persistence.notes.is_empty() {
        app.notice = Some(app::Notice::error(effects.persistence.notes.join(" ")));
    }
    Session { app, effects, rx }
}

/// After the first frame: the syntax sets and the HTTP client (its root certificates) load on
/// threads of their own, and local servers are looked for. Code drawn plain until the sets
/// are in is redone in colour.
pub fn warm_up(effects: &Effects) {
    let ready_tx = effects.tx.clone();
    crate::markdown::highlight::preload(move || {
        let _ = ready_tx.blocking_send(Msg::Redraw);
    });
    effects.client.warm();
    if effects.config.network.discover_local {
        discovery::spawn(effects);
    }
}

/// Runs the full-screen TUI until the user quits.
pub async fn run_tui(
    config: Config,
    paths: crate::config::Paths,
    options: app::AppOptions,
) -> std::io::Result<()> {
    let theme = theme_from_env(&config);
    let mut session = start(config, paths, options);
    let mut guard = TerminalGuard::enter(session.effects.config.ui.mouse)?;
    let (input, control) = input::spawn()?;
    session.effects.input = Some(control);
    let result = run_loop(session, &mut guard.terminal, input, theme).await;
    drop(guard);
    result
}

/// The event loop of a started session, drawing on `terminal` (its size is the frame's) and
/// reading `input`, until the user quits. The TUI runs it on the real terminal; the
/// streaming benchmark on a byte counter with scripted keys.
pub async fn run_loop<W: std::io::Write>(
    session: Session,
    terminal: &mut ratatui::Terminal<ratatui::backend::CrosstermBackend<W>>,
    mut term_events: mpsc::Receiver<std::io::Result<Event>>,
    theme: ui::Theme,
) -> std::io::Result<()> {
    let Session {
        mut app,
        mut effects,
        mut rx,
    } = session;
    let mut cache = RenderCache::new(theme);
    let stream_ended = effects.stream_ended.clone();
    let size = terminal.get_frame().area();
    dispatch(
        &mut app,
        &mut effects,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );

    let mut keys = esc_repair::EscRepair::default();
    let mut notifier = notify::Notifier::new(
        effects.config.ui.notify,
        effects.config.ui.notify_after_secs,
        clipboard::Multiplexer::from_env(),
    );
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // The spinner's next step (a deadline, not a tokio interval: an interval's timer stays
    // armed and wakes the loop even while frames turn the spinner).
    let mut spin_at = Instant::now();
    let mut pace = pace::FramePace::new(Instant::now());
    let mut screen = screen::Screen::default();
    let hooks = hooks::DrawHooks::from_env();
    let mut warmed = false;
    let mut burst = false;
    // Messages the tasks sent since the last frame.
    let mut arrived = 0;
    let mut saved_at = Instant::now();

    loop {
        if (app.dirty || !rx.is_empty()) && Instant::now() >= pace.due() {
            // Catch up: everything the tasks queued goes into this frame.
            arrived += rx.len();
            burst = arrived >= BURST;
            let quiet = arrived == 0;
            arrived = 0;
            // The spinner turns at frames while they come; the ticker wakes the loop only
            // when nothing else does.
            let mut first = Vec::new();
            if app.animating() && Instant::now() >= spin_at {
                spin_at = Instant::now() + TICK;
                first.push(Msg::Tick);
            }
            let mut quit = apply_batch(&mut app, &mut effects, first, &mut rx);
            notifier.after_batch(&app, &mut effects.osc52_out);
            let streaming = app.session.active.is_some();
            if !streaming || quiet || saved_at.elapsed() >= SAVE_EVERY {
                quit |= persist(&mut app, &mut effects);
                saved_at = Instant::now();
            }
            if quit {
                effects.tasks.abort_all();
                break;
            }
            let started = Instant::now();
            let layout = draw(terminal, &mut screen, &mut app, &mut cache)?;
            pace.drawn(started, Instant::now());
            if !warmed {
                warm_up(&effects);
                warmed = true;
            }
            if let Some(msg) = layout {
                dispatch(&mut app, &mut effects, msg);
            }
            terminal::write_between_frames(terminal, &mut effects.osc52_out)?;
            if hooks.after_draw() {
                break;
            }
        }
        // While a reply streams the loop sleeps out the gap after a frame and takes what came
        // at its end: one wake-up a frame rather than one for the first message and another
        // for the frame.
        let holding = app.session.active.is_some() && !burst && Instant::now() < pace.due();
        let next_draw = (app.dirty || holding).then(|| tokio::time::Instant::from_std(pace.due()));
        let held_until = keys.deadline().map(tokio::time::Instant::from_std);
        let mut from_tasks = false;
        let msgs: Vec<Msg> = tokio::select! {
            biased;
            ev = term_events.recv() => {
                pace.input();
                match ev {
                    // Keys pass through the Esc repair (Esc then an F-key in one read).
                    Some(Ok(Event::Key(k))) => keys.feed(k, Instant::now()).into_iter().map(Msg::Key).collect(),
                    Some(Ok(Event::FocusGained)) => {
                        notifier.focus(true);
                        Vec::new()
                    }
                    Some(Ok(Event::FocusLost)) => {
                        notifier.focus(false);
                        Vec::new()
                    }
                    Some(Ok(ev @ Event::Resize(..))) => {
                        screen.resized();
                        to_msg(ev).into_iter().collect()
                    }
                    Some(Ok(ev)) => to_msg(ev).into_iter().collect(),
                    Some(Err(e)) => return Err(e),
                    None => vec![Msg::Terminate],
                }
            },
            _ = tokio::time::sleep_until(held_until.unwrap_or_else(tokio::time::Instant::now)), if held_until.is_some() => {
                keys.flush().into_iter().map(Msg::Key).collect()
            }
            // A reply's end is drawn at once, not at the end of the gap.
            _ = stream_ended.notified() => Vec::new(),
            _ = sigterm.recv() => vec![Msg::Terminate],
            _ = sighup.recv() => vec![Msg::Terminate],
            // With a frame pending, queued messages wait for it (one wake-up a frame, not one a
            // token), unless a burst is on.
            Some(msg) = rx.recv(), if (!app.dirty && !holding) || burst => {
                from_tasks = true;
                vec![msg]
            }
            _ = tokio::time::sleep_until(next_draw.unwrap_or_else(tokio::time::Instant::now)), if next_draw.is_some() => Vec::new(),
            _ = tokio::time::sleep_until(tokio::time::Instant::from_std(spin_at)), if app.animating() && next_draw.is_none() => {
                spin_at = Instant::now() + TICK;
                vec![Msg::Tick]
            }
        };
        arrived += usize::from(from_tasks) + rx.len();
        let streaming = app.session.active.is_some();
        let mut quit = apply_batch(&mut app, &mut effects, msgs, &mut rx);
        if let Some((draft, target)) = effects.editor.take() {
            let msg = batch::edit_in_editor(
                terminal,
                &mut screen,
                effects.input.as_ref(),
                &draft,
                target,
            )?;
            quit |= dispatch(&mut app, &mut effects, msg);
        }
        notifier.after_batch(&app, &mut effects.osc52_out);
        // The end of a reply is drawn at once: its last token is on screen now, not a frame on.
        if streaming && app.session.active.is_none() {
            pace.at_once();
        }
        // Saving follows what is drawn: at the frame, or now when no frame is coming.
        if quit || !app.dirty {
            quit |= persist(&mut app, &mut effects);
        }
        terminal::write_between_frames(terminal, &mut effects.osc52_out)?;
        if quit {
            effects.tasks.abort_all();
            break;
        }
    }
    Ok(())
}
