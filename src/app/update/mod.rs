//! The reducer: `update(&mut App, Msg) -> Vec<Effect>`. Synchronous, no I/O.

use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

mod actions;
mod attach;
mod branches;
mod browse;
mod checkpoint;
mod conversation_list;
mod overflow;
mod panes;
mod presets;
mod queue;
mod reasoning;
mod regenerate;
mod titles;
mod turns;
mod welcome;

use actions::{apply, open_picker_fitting, scroll_by};
pub(crate) use panes::continue_on_its_provider;
use panes::{after_keys, on_keys_key, on_picker_key, on_usage_key};
pub(crate) use presets::on_start as presets_on_start;
use regenerate::retry;
use turns::{cancel, failover_candidate, failover_to, on_stream, submit};
use welcome::on_welcome_key;

use super::{
    Action, App, Back, Effect, Focus, KeyChord, Msg, Notice, Overlay, Scope, Screen, Scroll, View,
};

/// The only function that changes the model. Every effect it returns must be carried out.
#[must_use = "every effect the reducer returns must be dispatched"]
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
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
            // As any key: a send waiting for its count is taken back (the draft changed).
            app.meter.pending_submit = None;
            on_paste(app, &text)
        }
        Msg::Resize { width, height } => {
            app.size = (width, height);
            app.dirty = true;
            Vec::new()
        }
        Msg::Layout {
            content_lines,
            viewport,
            top,
        } => {
            app.chat.content_lines = content_lines;
            app.chat.viewport = viewport;
            app.chat.top = top;
            if let Scroll::Reveal { .. } = app.chat.scroll {
                app.chat.scroll = Scroll::Top(top);
            }
            if let Scroll::Top(t) = app.chat.scroll
                && t >= content_lines.saturating_sub(viewport)
            {
                app.chat.scroll = Scroll::Follow;
            }
            Vec::new()
        }
        Msg::Wheel(lines) => {
            // Only the conversation scrolls by wheel; the list panes move by keys.
            match app.screen {
                Screen::Chat if app.overlay.is_none() => {
                    scroll_by(app, lines);
                    app.dirty = true;
                }
                Screen::Chat
                | Screen::Keys { .. }
                | Screen::Picker { .. }
                | Screen::Welcome(_)
                | Screen::Conversations(_)
                | Screen::Usage(_)
                | Screen::Presets(_) => {}
            }
            Vec::new()
        }
        Msg::Stream { req, event } => on_stream(app, req, event),
        Msg::Discovered(provider) => {
            if !app.session.catalogue.iter().any(|p| p.id == provider.id) {
                app.session.catalogue.push(provider);
            }
            Vec::new()
        }
        Msg::PathCompletions { typed, candidates } => {
            app.dirty = true;
            attach::on_completions(app, typed, candidates)
        }
        Msg::Attached {
            specs,
            result,
            send,
        } => {
            app.dirty = true;
            attach::on_attached(app, specs, result, send)
        }
        Msg::Edited {
            text,
            target: crate::app::EditTarget::Draft,
        } => {
            app.dirty = true;
            app.meter.pending_submit = None;
            actions::put_draft(app, &text);
            Vec::new()
        }
        Msg::Edited {
            text,
            target: crate::app::EditTarget::SystemPrompt,
        } => {
            app.dirty = true;
            presets::set_system_prompt(app, &text);
            Vec::new()
        }
        Msg::Notice(notice) => {
            app.notice = Some(notice);
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
            if let Screen::Picker { picker, .. } = &mut app.screen {
                picker.on_models(&provider_id, req, models, source, error);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Keys(msg) => {
            app.dirty = true;
            let before = app.key_manager.message.clone();
            let mut effects: Vec<Effect> = app
                .key_manager
                .on_msg(msg, &app.session.budget)
                .into_iter()
                .map(Effect::Keys)
                .collect();
            // The welcome went on while the key manager worked (an import): say its result.
            if let Screen::Welcome(w) = &mut app.screen
                && app.key_manager.message != before
                && let Some(m) = &app.key_manager.message
            {
                w.note = Some(m.text.clone());
            }
            effects.extend(after_keys(app));
            effects
        }
        Msg::Tick => {
            if app.animating() {
                app.tick = app.tick.wrapping_add(1);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::TurnKey { req, key_id } => {
            if let Some((active, index)) = app.session.active
                && active == req
            {
                app.session.conversation.messages[index].key_id = Some(key_id);
            }
            Vec::new()
        }
        Msg::Saved { id } => titles::on_saved(app, id),
        Msg::Numbered(numbers) => {
            branches::numbered(app, &numbers);
            Vec::new()
        }
        Msg::Titled { first_msg, title } => titles::on_titled(app, first_msg, title),
        Msg::UsageReport {
            req,
            month,
            rows,
            skipped,
        } => {
            if let Screen::Usage(v) = &mut app.screen {
                v.on_report(req, month, rows, skipped);
                app.dirty = true;
            }
            Vec::new()
        }
        msg @ (Msg::ConversationList { .. } | Msg::Opened { .. }) => {
            conversation_list::on_msg(app, msg)
        }
        Msg::Spend(spend) => {
            app.session.spend = Some(spend);
            app.dirty = true;
            Vec::new()
        }
        Msg::ConfigSaved { edit, path } => {
            app.dirty = true;
            match edit {
                super::ConfigEdit::BudgetCap {
                    provider,
                    monthly_usd,
                } => {
                    app.session.budget.set_cap(provider.as_deref(), monthly_usd);
                    app.key_manager
                        .cap_saved(provider.as_deref(), monthly_usd, &path);
                }
            }
            Vec::new()
        }
        Msg::IdentityChecked { path, exists } => {
            app.dirty = true;
            welcome::on_identity_checked(app, path, exists)
        }
        Msg::Redraw => {
            app.dirty = true;
            Vec::new()
        }
        Msg::Counted(reading) => overflow::on_counted(app, *reading),
        Msg::Summarized { req, summary } => checkpoint::on_summarized(app, req, summary),
        Msg::Terminate => quit(app),
    }
}

fn on_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let chord = KeyChord::from_event(&key);
    // A budget override is armed by a refused send and holds for the very next key only:
    // "Enter again" means now, not whenever Enter is next pressed.
    let override_armed = std::mem::take(&mut app.session.budget_override);
    // A send waiting for its count waits no more once another key comes (nothing is lost:
    // the draft is still in the composer).
    app.meter.pending_submit = None;
    match app.overlay.take() {
        Some(Overlay::Help { scroll }) => return on_help_key(app, chord, scroll),
        Some(Overlay::Overflow(offer)) => return overflow::on_key(app, *offer, key.code),
        None => {}
    }
    // Quit works from every pane, before the pane sees the key (even inside a dialog).
    if app.view() != View::Chat
        && app.options.keymap.lookup(Scope::Global, chord) == Some(Action::Quit)
    {
        return quit(app);
    }
    // Help opens the same way from every list pane (a dialog has no help key).
    if let Some(scope) = pane_scope(app)
        && app.options.keymap.lookup_pane(scope, chord) == Some(Action::Help)
    {
        app.overlay = Some(Overlay::Help { scroll: 0 });
        return Vec::new();
    }
    match app.view() {
        View::Chat => on_chat_key(app, key, chord, override_armed),
        View::Keys => on_keys_key(app, key, chord),
        View::Picker => on_picker_key(app, key, chord),
        View::Welcome => on_welcome_key(app, key),
        View::Conversations => conversation_list::on_key(app, key, chord),
        View::Usage => on_usage_key(app, chord),
        View::Presets => presets::on_key(app, chord),
    }
}

/// The key-map scope of the list pane in view, when no dialog is open in it.
fn pane_scope(app: &App) -> Option<Scope> {
    match &app.screen {
        Screen::Keys { .. } if app.key_manager.dialog.is_none() => Some(Scope::Keys),
        Screen::Picker { .. } => Some(Scope::Picker),
        Screen::Conversations(pane) if pane.dialog.is_none() => Some(Scope::Conversations),
        Screen::Usage(_) => Some(Scope::Usage),
        Screen::Presets(_) => Some(Scope::Presets),
        // The welcome's own keys are fixed; F1 shows them with the global ones.
        Screen::Welcome(_) => Some(Scope::Global),
        _ => None,
    }
}

/// A paste goes to the text field of the pane in view, never into a hidden composer.
fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    // Terminals send CR for newlines in bracketed paste; text fields want LF.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = crate::text::sanitize::sanitize(&text);
    match &mut app.screen {
        Screen::Chat => {
            app.chat.focus = Focus::Composer;
            app.chat.composer.insert_str(text);
        }
        Screen::Keys { .. } => {
            app.key_manager.paste(&text);
        }
        Screen::Picker { picker, .. } => picker.paste(&text),
        Screen::Welcome(w) => w.paste(&text),
        Screen::Conversations(pane) => {
            return pane
                .paste(&text, &mut app.next_list_req)
                .map(Effect::Conversations)
                .into_iter()
                .collect();
        }
        Screen::Usage(_) | Screen::Presets(_) => {}
    }
    Vec::new()
}

/// A key in the chat: the composer or the conversation, whichever has focus.
fn on_chat_key(
    app: &mut App,
    key: crossterm::event::KeyEvent,
    chord: KeyChord,
    override_armed: bool,
) -> Vec<Effect> {
    if app.chat.search.as_ref().is_some_and(|s| s.editing)
        && app.options.keymap.lookup(Scope::Global, chord) != Some(Action::Quit)
    {
        browse::search_key(app, key);
        return Vec::new();
    }
    let scope = match app.chat.focus {
        Focus::Composer => Scope::Composer,
        Focus::Conversation => Scope::Conversation,
    };
    if app.options.vi_mode && scope == Scope::Composer {
        use crate::app::vi::ViOutcome;
        match app.chat.vi.key(&mut app.chat.composer, key) {
            ViOutcome::Handled => return Vec::new(),
            ViOutcome::Submit => {
                app.session.budget_override = override_armed;
                return apply(app, Action::Submit);
            }
            ViOutcome::Cancel => return apply(app, Action::Cancel),
            ViOutcome::Pass => {}
        }
    }
    let action = app.options.keymap.lookup(scope, chord);
    // Tab after `@path` completes the path.
    if action == Some(Action::FocusNext)
        && let Some(effects) = attach::tab(app)
    {
        return effects;
    }
    // From an empty composer '?' opens help and Up edits the last message; otherwise
    // they are just keys for the composer.
    let empty_composer = scope == Scope::Composer && app.chat.composer.is_empty();
    let action = action.or_else(|| match chord.code {
        KeyCode::Char('?') if empty_composer => Some(Action::Help),
        KeyCode::Up if empty_composer && chord.mods.is_empty() => Some(Action::EditLast),
        _ => None,
    });
    if matches!(action, Some(Action::Submit | Action::Retry)) {
        app.session.budget_override = override_armed;
    }
    match action {
        Some(a) => apply(app, a),
        None => {
            // Unbound keys type into the composer, from either pane.
            let is_text = matches!(key.code, KeyCode::Char(_))
                && !key.modifiers.contains(KeyModifiers::CONTROL);
            if app.chat.focus == Focus::Conversation && !is_text {
                return Vec::new();
            }
            app.chat.focus = Focus::Composer;
            crate::app::line_edit::shell_key(&mut app.chat.composer, key);
            Vec::new()
        }
    }
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
    if let Some((req, _)) = app.session.active.take() {
        effects.push(Effect::AbortStream { req });
    }
    effects.push(Effect::Quit);
    effects
}

fn notice(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice::info(text));
}
