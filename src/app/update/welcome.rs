//! The welcome flow's part of the reducer: its keys, hand-offs to the key manager and the
//! picker, and resuming when they are done.

use crossterm::event::KeyCode;

use super::apply;
use crate::app::{Action, App, Effect, View};

pub(super) fn on_welcome_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    use crate::app::welcome::Step;
    let Some(w) = app.welcome.as_mut() else {
        app.view = View::Chat;
        return Vec::new();
    };
    w.error = None;
    let (code, skip) = (
        key.code,
        matches!(key.code, KeyCode::Char('s') | KeyCode::Esc),
    );
    match w.step {
        Step::Protect => match code {
            KeyCode::Char('1') | KeyCode::Enter => {
                w.waiting = true;
                app.view = View::Keys;
                app.keys.ask_passphrase(true);
            }
            KeyCode::Char('2') if w.ssh_key.is_some() => {
                let path = w.ssh_key.clone().unwrap_or_default();
                w.identity_file = Some(path.clone());
                w.waiting = true;
                app.keys.state = crate::app::keys::StoreState::Unlocking;
                return vec![Effect::Keys(
                    crate::app::keys::KeysEffect::CreateWithIdentity { path },
                )];
            }
            KeyCode::Char('3') => w.step = Step::IdentityPath,
            _ if skip => return welcome_advance(app),
            _ => {}
        },
        Step::IdentityPath => match code {
            KeyCode::Esc => w.step = Step::Protect,
            KeyCode::Enter => {
                let typed = w.path_input.lines().join("");
                let path = crate::keystore::unlock::expand_home(std::path::Path::new(typed.trim()));
                if typed.trim().is_empty() || !path.is_file() {
                    w.error = Some(format!(
                        "No identity file at {}; create one with `age-keygen -o FILE`.",
                        path.display()
                    ));
                } else {
                    w.identity_file = Some(path.clone());
                    w.waiting = true;
                    app.keys.state = crate::app::keys::StoreState::Unlocking;
                    return vec![Effect::Keys(
                        crate::app::keys::KeysEffect::CreateWithIdentity { path },
                    )];
                }
            }
            _ => {
                w.path_input.input(key);
            }
        },
        Step::Import => match code {
            KeyCode::Char('i') | KeyCode::Enter => {
                w.waiting = true;
                app.view = View::Keys;
                return app
                    .keys
                    .action(Action::KeyImportEnv, &app.options.budget)
                    .into_iter()
                    .map(Effect::Keys)
                    .collect();
            }
            _ if skip => return welcome_advance(app),
            _ => {}
        },
        Step::FirstKey => match code {
            KeyCode::Char('a') | KeyCode::Enter => {
                w.waiting = true;
                app.view = View::Keys;
                return app
                    .keys
                    .action(Action::KeyAdd, &app.options.budget)
                    .into_iter()
                    .map(Effect::Keys)
                    .collect();
            }
            _ if skip => return welcome_advance(app),
            _ => {}
        },
        Step::Model => match code {
            KeyCode::Char('m') | KeyCode::Enter => {
                w.waiting = true;
                return apply(app, Action::OpenPicker);
            }
            _ if skip => return welcome_finish(app),
            _ => {}
        },
    }
    Vec::new()
}

/// The next welcome step (the import step only when there is something to import).
fn welcome_advance(app: &mut App) -> Vec<Effect> {
    use crate::app::welcome::Step;
    let has_env = !app.keys.env_candidates.is_empty();
    let Some(w) = app.welcome.as_mut() else {
        return Vec::new();
    };
    w.step = match w.step {
        Step::Protect | Step::IdentityPath if has_env => Step::Import,
        Step::Protect | Step::IdentityPath | Step::Import => Step::FirstKey,
        Step::FirstKey => Step::Model,
        Step::Model => return welcome_finish(app),
    };
    app.view = View::Welcome;
    Vec::new()
}

pub(super) fn welcome_finish(app: &mut App) -> Vec<Effect> {
    let Some(w) = app.welcome.take() else {
        return Vec::new();
    };
    app.view = View::Chat;
    vec![Effect::FinishWelcome(crate::app::welcome::WelcomeResult {
        identity_file: w.identity_file,
        default: w.chosen,
    })]
}

/// After any message: a step handed to the key manager or the picker resumes once that is done.
pub(super) fn welcome_resume(app: &mut App) -> Vec<Effect> {
    use crate::app::keys::StoreState;
    use crate::app::welcome::Step;
    let keys_idle = app.keys.dialog.is_none()
        && app.keys.state != StoreState::Unlocking
        && app.keys.pending.is_none();
    let Some(w) = app.welcome.as_mut() else {
        return Vec::new();
    };
    if !w.waiting || app.view == View::Picker || !keys_idle {
        return Vec::new();
    }
    w.waiting = false;
    app.view = View::Welcome;
    let failed = app
        .keys
        .message
        .as_ref()
        .filter(|m| m.is_error)
        .map(|m| m.text.clone());
    if matches!(w.step, Step::Protect | Step::IdentityPath)
        && !matches!(app.keys.state, StoreState::Unlocked { .. })
    {
        // Creating the store failed or was cancelled: stay, and say why.
        w.error = failed;
        if w.error.is_some() {
            w.identity_file = None;
            return Vec::new();
        }
    }
    if w.step == Step::Model {
        return welcome_finish(app);
    }
    welcome_advance(app)
}
