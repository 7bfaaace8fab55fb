//! The reducer: `update(&mut App, Msg) -> Vec<Effect>`. Synchronous, no I/O.

use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use super::{
    Action, App, Effect, Focus, KeyChord, Msg, Notice, Overlay, Scope, Scroll, TurnState, View,
};
use crate::providers::{ChatRequest, Role, StreamEvent};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = update_inner(app, msg);
    effects.extend(welcome_resume(app));
    effects
}

fn update_inner(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Press {
                return Vec::new();
            }
            app.dirty = true;
            app.notice = None;
            on_key(app, key)
        }
        Msg::Paste(text) => {
            app.dirty = true;
            if app.view == View::Keys {
                app.keys.paste(&text);
                return Vec::new();
            }
            app.focus = Focus::Composer;
            // Terminals send CR for newlines in bracketed paste; the composer wants LF.
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            app.composer
                .insert_str(crate::text::sanitize::sanitize(&text));
            Vec::new()
        }
        Msg::Resize { width, height } => {
            app.size = (width, height);
            app.dirty = true;
            Vec::new()
        }
        Msg::Layout {
            content_lines,
            viewport,
        } => {
            app.content_lines = content_lines;
            app.viewport = viewport;
            if let Scroll::Top(t) = app.scroll
                && t >= content_lines.saturating_sub(viewport)
            {
                app.scroll = Scroll::Follow;
            }
            Vec::new()
        }
        Msg::Stream { req, event } => on_stream(app, req, event),
        Msg::Discovered(provider) => {
            if !app.options.catalogue.iter().any(|p| p.id == provider.id) {
                app.options.catalogue.push(provider);
            }
            Vec::new()
        }
        Msg::Notice(text) => {
            app.notice = Some(Notice {
                is_error: text.starts_with("Could not"),
                text,
            });
            app.dirty = true;
            Vec::new()
        }
        Msg::Models {
            provider_id,
            req,
            models,
            source,
            error,
        } => {
            if let Some(p) = app.picker.as_mut() {
                p.on_models(&provider_id, req, models, source, error);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Keys(msg) => {
            app.dirty = true;
            app.keys.on_msg(msg).into_iter().map(Effect::Keys).collect()
        }
        Msg::Tick => {
            if app.animating() {
                app.tick = app.tick.wrapping_add(1);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Terminate => quit(app),
    }
}

fn on_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let chord = KeyChord::from_event(&key);
    if let Some(Overlay::Help { scroll }) = app.overlay {
        return on_help_key(app, chord, scroll);
    }
    if app.view == View::Keys {
        return on_keys_key(app, key, chord);
    }
    if app.view == View::Picker {
        return on_picker_key(app, key, chord);
    }
    if app.view == View::Welcome {
        return on_welcome_key(app, key, chord);
    }
    let scope = match app.focus {
        Focus::Composer => Scope::Composer,
        Focus::Conversation => Scope::Conversation,
    };
    let action = app.options.keymap.lookup(scope, chord);
    // '?' opens help from an empty composer; otherwise it is just a character.
    let action = action.or_else(|| {
        (scope == Scope::Composer && chord.code == KeyCode::Char('?') && app.composer.is_empty())
            .then_some(Action::Help)
    });
    match action {
        Some(a) => apply(app, a),
        None => {
            // Unbound keys type into the composer, from either pane.
            let is_text = matches!(key.code, KeyCode::Char(_))
                && !key.modifiers.contains(KeyModifiers::CONTROL);
            if app.focus == Focus::Conversation && !is_text {
                return Vec::new();
            }
            app.focus = Focus::Composer;
            app.composer.input(key);
            Vec::new()
        }
    }
}

fn on_keys_key(app: &mut App, key: crossterm::event::KeyEvent, chord: KeyChord) -> Vec<Effect> {
    let global = app.options.keymap.lookup(Scope::Global, chord);
    if global == Some(Action::Quit) {
        return quit(app);
    }
    if app.keys.dialog.is_some() {
        return app
            .keys
            .dialog_key(key)
            .into_iter()
            .map(Effect::Keys)
            .collect();
    }
    match app.options.keymap.lookup(Scope::Keys, chord) {
        Some(Action::OpenKeys | Action::Cancel) => {
            app.view = View::Chat;
            Vec::new()
        }
        Some(Action::Help) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Some(
            Action::Retry
            | Action::NewConversation
            | Action::FocusNext
            | Action::Submit
            | Action::Newline,
        )
        | None => Vec::new(),
        Some(a) => app.keys.action(a).into_iter().map(Effect::Keys).collect(),
    }
}

fn on_picker_key(app: &mut App, key: crossterm::event::KeyEvent, chord: KeyChord) -> Vec<Effect> {
    if app.options.keymap.lookup(Scope::Global, chord) == Some(Action::Quit) {
        return quit(app);
    }
    let Some(picker) = app.picker.as_mut() else {
        app.view = View::Chat;
        return Vec::new();
    };
    match picker.on_key(key) {
        super::picker::PickerOutcome::Stay => Vec::new(),
        super::picker::PickerOutcome::Close => {
            app.view = View::Chat;
            app.picker = None;
            Vec::new()
        }
        super::picker::PickerOutcome::Choose {
            provider,
            model,
            save_default,
        } => {
            app.view = View::Chat;
            app.picker = None;
            let has_key = !provider.needs_key
                || provider.env_key
                || app.keys.entries.iter().any(|e| e.provider == provider.id);
            let locked = app.keys.state == super::keys::StoreState::Locked;
            app.notice = Some(Notice {
                text: match (has_key, locked) {
                    (true, _) => format!("Now using {} · {model}.", provider.name),
                    (false, true) => format!(
                        "Now using {} · {model}. Unlock the key store (F3) to use its key.",
                        provider.name
                    ),
                    (false, false) => format!(
                        "Now using {} · {model}, but it has no key yet: press F3 to add one.",
                        provider.name
                    ),
                },
                is_error: false,
            });
            app.keys.current_provider = Some(provider.id.clone());
            if let Some(w) = app.welcome.as_mut() {
                w.chosen = Some((provider.id.clone(), model.clone()));
            }
            app.provider = Some(super::ProviderInfo {
                id: provider.id.clone(),
                name: provider.name.clone(),
                model: model.clone(),
            });
            if save_default {
                return vec![Effect::Picker(super::picker::PickerEffect::SaveDefault {
                    provider_id: provider.id,
                    model,
                })];
            }
            Vec::new()
        }
    }
}

fn on_welcome_key(app: &mut App, key: crossterm::event::KeyEvent, chord: KeyChord) -> Vec<Effect> {
    use super::welcome::Step;
    if app.options.keymap.lookup(Scope::Global, chord) == Some(Action::Quit) {
        return quit(app);
    }
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
                app.keys.state = super::keys::StoreState::Unlocking;
                return vec![Effect::Keys(super::keys::KeysEffect::CreateWithIdentity {
                    path,
                })];
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
                    app.keys.state = super::keys::StoreState::Unlocking;
                    return vec![Effect::Keys(super::keys::KeysEffect::CreateWithIdentity {
                        path,
                    })];
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
                    .action(Action::KeyImportEnv)
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
                    .action(Action::KeyAdd)
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
    use super::welcome::Step;
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

fn welcome_finish(app: &mut App) -> Vec<Effect> {
    let Some(w) = app.welcome.take() else {
        return Vec::new();
    };
    app.view = View::Chat;
    vec![Effect::FinishWelcome(super::welcome::WelcomeResult {
        identity_file: w.identity_file,
        default: w.chosen,
    })]
}

/// After any message: a step handed to the key manager or the picker resumes once that is done.
fn welcome_resume(app: &mut App) -> Vec<Effect> {
    use super::keys::StoreState;
    use super::welcome::Step;
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

fn on_help_key(app: &mut App, chord: KeyChord, scroll: u16) -> Vec<Effect> {
    let action = app.options.keymap.lookup(Scope::Conversation, chord);
    match (action, chord.code) {
        (Some(Action::Quit), _) if chord.mods.contains(KeyModifiers::CONTROL) => return quit(app),
        (Some(Action::ScrollDown | Action::PageDown), _) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_add(if action == Some(Action::PageDown) {
                    10
                } else {
                    1
                }),
            });
        }
        (Some(Action::ScrollUp | Action::PageUp), _) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(if action == Some(Action::PageUp) {
                    10
                } else {
                    1
                }),
            });
        }
        _ => app.overlay = None,
    }
    Vec::new()
}

fn quit(app: &mut App) -> Vec<Effect> {
    app.quit = true;
    let mut effects = Vec::new();
    if let Some((req, _)) = app.active.take() {
        effects.push(Effect::AbortStream { req });
    }
    effects.push(Effect::Quit);
    effects
}

fn notice(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        is_error: false,
    });
}

pub(super) fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.viewport.saturating_sub(2).max(1);
    match action {
        Action::Quit => return quit(app),
        Action::Submit => return submit(app),
        Action::Newline => {
            app.focus = Focus::Composer;
            app.composer.insert_newline();
        }
        Action::Cancel => return cancel(app),
        Action::Retry => return retry(app),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::FocusNext => {
            app.focus = match app.focus {
                Focus::Composer => Focus::Conversation,
                Focus::Conversation => Focus::Composer,
            }
        }
        Action::ScrollUp => scroll_by(app, -1),
        Action::ScrollDown => scroll_by(app, 1),
        Action::PageUp => scroll_by(app, -(page as isize)),
        Action::PageDown => scroll_by(app, page as isize),
        Action::ScrollTop => app.scroll = Scroll::Top(0),
        Action::ScrollBottom => app.scroll = Scroll::Follow,
        Action::ToggleReasoning => toggle_reasoning(app),
        Action::Failover => match app.failover_offer.clone() {
            Some(id) if !app.is_busy() => {
                let who = failover_candidate(app)
                    .filter(|(c, _)| *c == id)
                    .map_or_else(|| id.clone(), |(_, w)| w);
                return failover_to(app, id, &who);
            }
            _ => notice(app, "There is no other stored key to switch to."),
        },
        Action::OpenPicker => {
            let current = app
                .provider
                .as_ref()
                .map(|p| (p.id.as_str(), p.model.as_str()));
            let (picker, effects) = super::picker::Picker::open(
                &app.options.catalogue,
                current,
                &mut app.next_list_req,
            );
            app.picker = Some(picker);
            app.view = View::Picker;
            return effects.into_iter().map(Effect::Picker).collect();
        }
        Action::OpenKeys => {
            app.view = View::Keys;
            if app.keys.state == super::keys::StoreState::Locked && app.keys.dialog.is_none() {
                app.keys.ask_passphrase(false);
            }
        }
        Action::KeyAdd
        | Action::KeyTest
        | Action::KeyTestAll
        | Action::KeyRotate
        | Action::KeyUndo
        | Action::KeyDelete
        | Action::KeyActivate
        | Action::KeyEditLabel
        | Action::KeyImportEnv
        | Action::KeyFixPermissions => {}
        Action::NewConversation => {
            if app.is_busy() {
                notice(
                    app,
                    "A reply is streaming; press Esc to stop it before starting anew.",
                );
            } else {
                app.conversation = Default::default();
                app.scroll = Scroll::Follow;
            }
        }
    }
    Vec::new()
}

fn scroll_by(app: &mut App, delta: isize) {
    let max = app.content_lines.saturating_sub(app.viewport);
    let top = app.scroll_top().saturating_add_signed(delta).min(max);
    app.scroll = if top >= max {
        Scroll::Follow
    } else {
        Scroll::Top(top)
    };
}

fn toggle_reasoning(app: &mut App) {
    // The newest message that has reasoning.
    match app
        .conversation
        .messages
        .iter_mut()
        .rev()
        .find(|m| !m.reasoning.is_empty())
    {
        Some(m) => {
            m.reasoning_open = !m.reasoning_open;
            m.touch();
        }
        None => notice(app, "No reasoning to show in this conversation."),
    }
}

fn submit(app: &mut App) -> Vec<Effect> {
    let draft = app.draft();
    if draft.trim().is_empty() {
        return Vec::new();
    }
    if app.provider.is_none() {
        app.notice = Some(Notice {
            text: "No provider is configured yet: add one to config.toml (see the hint above). Your draft is kept.".into(),
            is_error: true,
        });
        return Vec::new();
    }
    if app.is_busy() {
        notice(
            app,
            "A reply is still streaming: press Esc to stop it, or wait. Your draft is kept.",
        );
        return Vec::new();
    }
    app.failover_tried.clear();
    app.failover_offer = None;
    app.conversation.push(Role::User, draft, TurnState::Done);
    app.composer = {
        let mut fresh = tui_textarea::TextArea::default();
        fresh.set_placeholder_text(app.composer.placeholder_text().to_string());
        fresh.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
        fresh
    };
    start_turn(app)
}

/// Opens an assistant turn for the conversation as it stands and asks for the stream.
fn start_turn(app: &mut App) -> Vec<Effect> {
    start_turn_with(app, None)
}

/// Opens an assistant turn, optionally with a specific stored key (failover).
fn start_turn_with(app: &mut App, key_id: Option<String>) -> Vec<Effect> {
    let Some(provider) = app.provider.clone() else {
        return Vec::new();
    };
    let request = ChatRequest {
        model: provider.model.clone(),
        system: app.options.system_prompt.clone(),
        messages: app.conversation.history(),
        temperature: app.options.temperature,
        max_tokens: app.options.max_tokens,
    };
    let index = app
        .conversation
        .push(Role::Assistant, String::new(), TurnState::Connecting);
    let msg = &mut app.conversation.messages[index];
    msg.model = provider.model.clone();
    msg.provider = provider.name.clone();
    msg.reasoning_open = app.options.show_reasoning;
    let req = app.next_req;
    app.next_req += 1;
    app.active = Some((req, index));
    app.scroll = Scroll::Follow;
    app.focus = Focus::Composer;
    vec![Effect::StartStream {
        req,
        provider_id: provider.id,
        request,
        key_id,
    }]
}

/// Another stored key of the current provider that this turn has not failed with yet;
/// a key whose last test passed is preferred.
fn failover_candidate(app: &App) -> Option<(String, String)> {
    let provider = app.provider.as_ref()?;
    let entries = &app.keys.entries;
    entries
        .iter()
        .find(|e| e.provider == provider.id && e.active)?;
    entries
        .iter()
        .filter(|e| e.provider == provider.id && !e.active && !app.failover_tried.contains(&e.id))
        .max_by_key(|e| {
            e.last_test
                .as_ref()
                .is_some_and(|t| t.result == crate::keystore::KeyCheck::Valid)
        })
        .map(|e| {
            let label = if e.label.is_empty() {
                String::new()
            } else {
                format!(" \"{}\"", e.label)
            };
            (e.id.clone(), format!("{}{label}", e.masked))
        })
}

/// After a key-caused failure: offer the other key, or switch to it (failover = "auto").
fn offer_failover(app: &mut App) -> Vec<Effect> {
    let Some((id, who)) = failover_candidate(app) else {
        return Vec::new();
    };
    match app.options.failover {
        crate::config::Failover::Off => Vec::new(),
        crate::config::Failover::Auto => failover_to(app, id, &who),
        crate::config::Failover::Ask => {
            let key = app.options.keymap.key_for(Action::Failover);
            if let Some(m) = app.conversation.messages.last_mut() {
                m.notes.push(format!("Another key for this provider is stored ({who}): press {key} to switch to it and ask again."));
                m.touch();
            }
            app.failover_offer = Some(id);
            Vec::new()
        }
    }
}

/// Makes `id` the active key and asks the failed question again with it.
fn failover_to(app: &mut App, id: String, who: &str) -> Vec<Effect> {
    if let Some(current) = app
        .keys
        .entries
        .iter()
        .find(|e| e.active && Some(&e.provider) == app.provider.as_ref().map(|p| &p.id))
    {
        app.failover_tried.push(current.id.clone());
    }
    app.failover_tried.push(id.clone());
    app.failover_offer = None;
    if app
        .conversation
        .messages
        .last()
        .is_some_and(|m| m.role == Role::Assistant)
    {
        app.conversation.messages.pop();
    }
    app.notice = Some(Notice {
        text: format!("Switched to the key {who} and asked again."),
        is_error: false,
    });
    let mut effects = vec![Effect::Keys(super::keys::KeysEffect::Activate {
        id: id.clone(),
    })];
    effects.extend(start_turn_with(app, Some(id)));
    effects
}

fn cancel(app: &mut App) -> Vec<Effect> {
    if let Some((req, index)) = app.active.take() {
        let msg = &mut app.conversation.messages[index];
        msg.state = TurnState::Cancelled;
        msg.touch();
        return vec![Effect::AbortStream { req }];
    }
    if app.focus == Focus::Conversation {
        app.focus = Focus::Composer;
    }
    Vec::new()
}

fn retry(app: &mut App) -> Vec<Effect> {
    if app.is_busy() {
        notice(
            app,
            "A reply is still streaming; press Esc first to stop it.",
        );
        return Vec::new();
    }
    match app.conversation.messages.last() {
        Some(m) if m.role == Role::Assistant => {
            app.conversation.messages.pop();
        }
        Some(_) => {}
        None => {
            notice(app, "Nothing to retry yet.");
            return Vec::new();
        }
    }
    if app.conversation.messages.last().map(|m| m.role) != Some(Role::User) {
        notice(app, "Nothing to retry yet.");
        return Vec::new();
    }
    start_turn(app)
}

fn on_stream(app: &mut App, req: u64, event: StreamEvent) -> Vec<Effect> {
    let Some((active_req, index)) = app.active else {
        return Vec::new();
    };
    if req != active_req {
        return Vec::new(); // a late event of a cancelled request
    }
    app.dirty = true;
    let msg = &mut app.conversation.messages[index];
    msg.touch();
    if !matches!(event, StreamEvent::Retrying { .. } | StreamEvent::Usage(_)) {
        msg.retry = None;
    }
    match event {
        StreamEvent::Connected => msg.state = TurnState::Streaming,
        StreamEvent::Text(t) => {
            msg.state = TurnState::Streaming;
            msg.text.push_str(&t);
        }
        StreamEvent::Reasoning(r) => {
            msg.state = TurnState::Streaming;
            msg.reasoning.push_str(&r);
        }
        StreamEvent::Usage(u) => msg.usage = Some(u),
        StreamEvent::Finish(reason) => {
            if let Some(note) = reason.note() {
                msg.notes.push(note);
            }
        }
        StreamEvent::Malformed(snippet) => {
            msg.notes
                .push(format!("skipped a chunk keyturn could not read: {snippet}"));
        }
        StreamEvent::Retrying {
            attempt,
            of,
            in_secs,
            reason,
        } => {
            msg.retry = Some(format!(
                "{reason} Retrying in {in_secs}s (attempt {attempt} of {of}); Esc cancels."
            ));
        }
        StreamEvent::Done => {
            msg.state = TurnState::Done;
            app.active = None;
        }
        StreamEvent::Error(e) => {
            msg.state = TurnState::Failed(e.to_string());
            app.active = None;
            if e.is_key_problem() {
                return offer_failover(app);
            }
        }
    }
    Vec::new()
}
