//! The welcome flow's part of the reducer: its keys, the steps it hands to the key manager
//! and the picker, and what it does with their outcomes.

use crossterm::event::KeyCode;

use crate::app::key_manager::{KeysEffect, StoreState};
use crate::app::welcome::{Step, Welcome, WelcomeResult};
use crate::app::{Action, App, Back, Effect, Screen};

pub(super) fn on_welcome_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let Screen::Welcome(mut w) = std::mem::replace(&mut app.screen, Screen::Chat) else {
        return Vec::new();
    };
    w.error = None;
    w.note = None;
    let (code, skip) = (
        key.code,
        matches!(key.code, KeyCode::Char('s') | KeyCode::Esc),
    );
    match w.step {
        Step::Protect => match code {
            KeyCode::Char('1') | KeyCode::Enter => {
                app.key_manager.ask_passphrase(true);
                return hand_to_keys(app, w, None);
            }
            KeyCode::Char('2') => w.step = Step::IdentityPath,
            KeyCode::Char('3') if w.ssh_key.is_some() => {
                let path = w.ssh_key.clone().unwrap_or_default();
                return create_with_identity(app, w, path);
            }
            _ if skip => return welcome_advance(app, w),
            _ => {}
        },
        Step::IdentityPath => match code {
            KeyCode::Esc => w.step = Step::Protect,
            KeyCode::Enter => {
                let typed = w.path_input.lines().join("").trim().to_string();
                if typed.is_empty() {
                    w.error = Some(
                        "Type the path of an age identity file (make one with `age-keygen -o FILE`)."
                            .into(),
                    );
                } else {
                    // The disk is the runtime's: it looks and answers with IdentityChecked.
                    app.screen = Screen::Welcome(w);
                    return vec![Effect::CheckIdentityFile { typed }];
                }
            }
            _ => {
                crate::app::line_edit::single_line_key(&mut w.path_input, key);
            }
        },
        Step::Import => match code {
            KeyCode::Char('i') | KeyCode::Enter => {
                return hand_to_keys(app, w, Some(Action::KeyImportEnv));
            }
            _ if skip => return welcome_advance(app, w),
            _ => {}
        },
        Step::FirstKey => match code {
            KeyCode::Char('a') | KeyCode::Enter => {
                return hand_to_keys(app, w, Some(Action::KeyAdd));
            }
            _ if skip => return welcome_advance(app, w),
            _ => {}
        },
        Step::Model => match code {
            KeyCode::Char('m') | KeyCode::Enter => {
                w.waiting = true;
                return super::actions::open_picker(app, Back::Welcome(w));
            }
            _ if skip => return welcome_finish(app, w),
            _ => {}
        },
    }
    app.screen = Screen::Welcome(w);
    Vec::new()
}

/// The runtime looked for the identity file the user typed.
pub(super) fn on_identity_checked(
    app: &mut App,
    path: std::path::PathBuf,
    exists: bool,
) -> Vec<Effect> {
    let Screen::Welcome(mut w) = std::mem::replace(&mut app.screen, Screen::Chat) else {
        return Vec::new();
    };
    if w.step != Step::IdentityPath {
        app.screen = Screen::Welcome(w);
        return Vec::new();
    }
    if exists {
        return create_with_identity(app, w, path);
    }
    w.error = Some(format!(
        "No identity file at {}; create one with `age-keygen -o FILE`.",
        path.display()
    ));
    app.screen = Screen::Welcome(w);
    Vec::new()
}

/// Creates the key store for an age identity; the flow waits on the welcome screen.
fn create_with_identity(
    app: &mut App,
    mut w: Box<Welcome>,
    path: std::path::PathBuf,
) -> Vec<Effect> {
    w.identity_file = Some(path.clone());
    w.waiting = true;
    app.key_manager.state = StoreState::Unlocking;
    app.screen = Screen::Welcome(w);
    vec![Effect::Keys(KeysEffect::CreateWithIdentity { path })]
}

/// Hands the step to the key manager (optionally starting one of its actions); its outcome
/// comes back through `after_keys`.
fn hand_to_keys(app: &mut App, mut w: Box<Welcome>, action: Option<Action>) -> Vec<Effect> {
    w.waiting = true;
    app.screen = Screen::Keys {
        back: Back::Welcome(w),
    };
    let mut effects: Vec<Effect> = action
        .map(|a| app.key_manager.action(a, &app.session.budget))
        .unwrap_or_default()
        .into_iter()
        .map(Effect::Keys)
        .collect();
    effects.extend(super::panes::after_keys(app));
    effects
}

/// The next welcome step (the import step only when there is something to import).
fn welcome_advance(app: &mut App, mut w: Box<Welcome>) -> Vec<Effect> {
    let has_env = !app.key_manager.env_candidates.is_empty();
    w.step = match w.step {
        Step::Protect | Step::IdentityPath if has_env => Step::Import,
        Step::Protect | Step::IdentityPath | Step::Import => Step::FirstKey,
        Step::FirstKey => Step::Model,
        Step::Model => return welcome_finish(app, w),
    };
    app.screen = Screen::Welcome(w);
    Vec::new()
}

fn welcome_finish(app: &mut App, w: Box<Welcome>) -> Vec<Effect> {
    app.screen = Screen::Chat;
    vec![Effect::FinishWelcome(WelcomeResult {
        identity_file: w.identity_file,
        default: w.chosen,
    })]
}

/// The key manager has nothing in flight: no dialog, no unlock, no key being tested.
pub(super) fn keys_idle(app: &App) -> bool {
    app.key_manager.dialog.is_none()
        && app.key_manager.state != StoreState::Unlocking
        && app.key_manager.pending.is_none()
}

/// The pane a step was handed to is done: go on to the next step, or stay and say why the
/// store could not be created.
pub(super) fn welcome_resume(app: &mut App, mut w: Box<Welcome>) -> Vec<Effect> {
    w.waiting = false;
    let failed = app
        .key_manager
        .message
        .as_ref()
        .filter(|m| m.is_error())
        .map(|m| m.text.clone());
    if matches!(w.step, Step::Protect | Step::IdentityPath)
        && !matches!(app.key_manager.state, StoreState::Unlocked { .. })
    {
        w.error = failed;
        if w.error.is_some() {
            w.identity_file = None;
            app.screen = Screen::Welcome(w);
            return Vec::new();
        }
    }
    if w.step == Step::Model {
        return welcome_finish(app, w);
    }
    welcome_advance(app, w)
}
