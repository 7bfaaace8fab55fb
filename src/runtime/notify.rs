//! Telling the user a reply finished or failed when they are not looking: the terminal lost
//! focus (focus events, where the terminal sends them), or the reply took long
//! (`ui.notify_after_secs`). A bell, OSC 9 and OSC 777 (`ui.notify`), passed through tmux and
//! screen the way OSC 52 is. Pure but for the clock the loop passes in.

use std::time::{Duration, Instant};

use super::clipboard::Multiplexer;
use crate::app::App;
use crate::chat::{Role, TurnState};
use crate::config::NotifyMode;

pub struct Notifier {
    mode: NotifyMode,
    after: Duration,
    mux: Multiplexer,
    focused: bool,
    started: Option<Instant>,
    /// A reply was streaming after the last batch.
    replying: bool,
}

impl Notifier {
    pub fn new(mode: NotifyMode, after_secs: u64, mux: Multiplexer) -> Self {
        Self {
            mode,
            after: Duration::from_secs(after_secs),
            mux,
            focused: true,
            started: None,
            replying: false,
        }
    }

    /// After a batch: notes a reply starting or ending; an ending worth announcing queues
    /// its notification in `out`.
    pub fn after_batch(&mut self, app: &App, out: &mut Vec<String>) {
        let now = app.session.active.is_some();
        if now && !self.replying {
            self.reply_started(Instant::now());
        } else if !now && self.replying {
            out.extend(self.reply_ended(app, Instant::now()));
        }
        self.replying = now;
    }

    pub fn focus(&mut self, focused: bool) {
        self.focused = focused;
    }

    pub fn reply_started(&mut self, at: Instant) {
        self.started = Some(at);
    }

    /// A reply ended at `at`: what to write to the terminal, if it is worth telling. A reply
    /// the user cancelled is not.
    pub fn reply_ended(&mut self, app: &App, at: Instant) -> Option<String> {
        let started = self.started.take()?;
        let last = app.session.conversation.messages.last()?;
        if self.mode == NotifyMode::Off || last.role != Role::Assistant {
            return None;
        }
        let long = at.duration_since(started) >= self.after;
        if self.focused && !long {
            return None;
        }
        let model = crate::text::sanitize::sanitize_name(&last.model);
        let text = match &last.state {
            TurnState::Done => format!("{model} finished its reply"),
            TurnState::Failed(_) => format!("{model}'s reply failed"),
            _ => return None,
        };
        Some(sequence(self.mode, &text, self.mux))
    }
}

/// The bytes that announce `text`: BEL, OSC 9 and OSC 777 as `mode` says, each OSC also
/// wrapped for tmux's or screen's passthrough. `text` carries no control characters.
pub fn sequence(mode: NotifyMode, text: &str, mux: Multiplexer) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let mut out = String::new();
    if matches!(mode, NotifyMode::Bell | NotifyMode::Both) {
        out.push('\x07');
    }
    if matches!(mode, NotifyMode::Osc | NotifyMode::Both) {
        for osc in [
            format!("\x1b]9;keyturn: {text}\x07"),
            format!("\x1b]777;notify;keyturn;{text}\x07"),
        ] {
            out.push_str(&match mux {
                Multiplexer::None => osc,
                Multiplexer::Tmux => format!("{osc}\x1bPtmux;\x1b{osc}\x1b\\"),
                Multiplexer::Screen => format!("\x1bP{osc}\x1b\\"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AppOptions, ProviderInfo};

    #[test]
    fn notifications_come_out_wrapped_for_tmux_and_screen() {
        assert_eq!(sequence(NotifyMode::Bell, "x", Multiplexer::Tmux), "\x07");
        assert_eq!(
            sequence(NotifyMode::Osc, "done", Multiplexer::None),
            "\x1b]9;keyturn: done\x07\x1b]777;notify;keyturn;done\x07"
        );
        let tmux = sequence(NotifyMode::Osc, "done", Multiplexer::Tmux);
        assert!(
            tmux.contains("\x1bPtmux;\x1b\x1b]9;keyturn: done\x07\x1b\\"),
            "{tmux:?}"
        );
        assert!(tmux.contains("\x1bPtmux;\x1b\x1b]777;notify;keyturn;done\x07\x1b\\"));
        let screen = sequence(NotifyMode::Both, "done", Multiplexer::Screen);
        assert!(screen.starts_with('\x07'));
        assert!(screen.contains("\x1bP\x1b]9;keyturn: done\x07\x1b\\"));
        assert!(sequence(NotifyMode::Off, "done", Multiplexer::None).is_empty());
        // A hostile model name cannot end the sequence early.
        assert_eq!(
            sequence(NotifyMode::Osc, "a\x07b\x1b]", Multiplexer::None),
            "\x1b]9;keyturn: ab]\x07\x1b]777;notify;keyturn;ab]\x07"
        );
    }

    #[test]
    fn only_a_reply_the_user_was_not_watching_or_waited_long_for_is_announced() {
        let mut app = App::new(AppOptions {
            provider: Some(ProviderInfo {
                id: "p".into(),
                name: "P".into(),
                model: "m".into(),
            }),
            ..Default::default()
        });
        let i = app
            .session
            .conversation
            .push(Role::Assistant, "hi".into(), TurnState::Done);
        app.session.conversation.messages[i].model = "gpt-x".into();
        let t0 = Instant::now();
        let mut n = Notifier::new(NotifyMode::Bell, 10, Multiplexer::None);
        n.reply_started(t0);
        assert_eq!(
            n.reply_ended(&app, t0 + Duration::from_secs(2)),
            None,
            "watched, quick"
        );
        n.reply_started(t0);
        assert_eq!(
            n.reply_ended(&app, t0 + Duration::from_secs(11)).as_deref(),
            Some("\x07"),
            "long"
        );
        n.focus(false);
        n.reply_started(t0);
        let osc = Notifier::new(NotifyMode::Osc, 10, Multiplexer::None);
        let mut osc = osc;
        osc.focus(false);
        osc.reply_started(t0);
        let text = osc.reply_ended(&app, t0 + Duration::from_secs(1)).unwrap();
        assert!(text.contains("gpt-x finished its reply"), "{text:?}");
        app.session.conversation.messages[i].state = TurnState::Cancelled;
        osc.reply_started(t0);
        assert_eq!(
            osc.reply_ended(&app, t0 + Duration::from_secs(60)),
            None,
            "cancelled"
        );
        let mut always = Notifier::new(NotifyMode::Bell, 0, Multiplexer::None);
        app.session.conversation.messages[i].state = TurnState::Done;
        always.reply_started(t0);
        assert!(
            always.reply_ended(&app, t0).is_some(),
            "0 means every reply"
        );
    }
}
