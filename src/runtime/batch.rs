//! What the loop does with a batch of messages: applies it, lets the conversation file, the
//! ledger and the context meter catch up, and draws the frame that follows.

use tokio::sync::mpsc;

use super::{Effects, dispatch, screen};
use crate::app::{self, App, Msg};
use crate::ui::{self, RenderCache};

/// Applies messages and everything already queued behind them (one draw follows the whole
/// batch). Returns true when the app should exit.
pub(super) fn apply_batch(
    app: &mut App,
    effects: &mut Effects,
    first: Vec<Msg>,
    rx: &mut mpsc::Receiver<Msg>,
) -> bool {
    let mut quit = false;
    for m in first {
        if quit {
            break;
        }
        quit = dispatch(app, effects, m);
    }
    while !quit {
        match rx.try_recv() {
            Ok(m) => quit = dispatch(app, effects, m),
            Err(_) => break,
        }
    }
    quit
}

/// After a batch: the conversation file and the ledger catch up with the model (once per
/// frame, not per token, and always before the frame, so the file holds everything the
/// terminal showed), and the context meter counts what changed in the next request.
pub fn persist(app: &mut App, effects: &mut Effects) -> bool {
    // The context meter counts what changed in the next request (off the loop).
    if let Some(meter) = effects.meter.as_mut() {
        meter.after_batch(app);
    }
    effects.count_online(app);
    let mut quit = false;
    // A second pass after a save that created a file: the model took its id just now, and
    // the writer must see that before the next conversation (Ctrl-N right after a one-frame
    // reply) could be taken for this one.
    for _ in 0..2 {
        let saved = effects.persistence.after_batch(&app.session.conversation);
        if saved.is_empty() {
            break;
        }
        for m in saved {
            quit |= dispatch(app, effects, m);
        }
    }
    quit
}

/// Draws a frame; returns the layout facts it learned when they differ from the model's.
pub(super) fn draw(
    terminal: &mut ratatui::Terminal<ratatui::backend::CrosstermBackend<impl std::io::Write>>,
    screen: &mut screen::Screen,
    app: &mut App,
    cache: &mut RenderCache,
) -> std::io::Result<Option<Msg>> {
    screen.draw_app(terminal, app, cache)?;
    app.dirty = false;
    let c = &cache.conversation;
    if c.content_lines != app.chat.content_lines
        || c.viewport != app.chat.viewport
        || c.top != app.chat.top
        || matches!(app.chat.scroll, app::Scroll::Reveal { .. })
    {
        return Ok(Some(ui::layout_msg(cache)));
    }
    Ok(None)
}

/// Suspends the TUI, lets the user write `draft` in their editor, and takes the terminal
/// back (every cell painted again at the size it has now). Returns what the editor gave,
/// or a notice saying why it gave nothing.
pub(super) fn edit_in_editor<W: std::io::Write>(
    terminal: &mut ratatui::Terminal<ratatui::backend::CrosstermBackend<W>>,
    screen: &mut screen::Screen,
    input: Option<&super::input::Control>,
    draft: &str,
    target: crate::app::EditTarget,
) -> std::io::Result<Msg> {
    use crate::app::Notice;
    // The reader must not take the editor's keys.
    if let Some(Err(e)) = input.map(super::input::Control::pause) {
        return Ok(Msg::Notice(Notice::error(format!(
            "Could not hand the terminal to the editor: {e}."
        ))));
    }
    super::terminal::suspend();
    let result = super::editor::edit(draft);
    let back = super::terminal::resume();
    if let Some(input) = input {
        input.resume();
    }
    back?;
    terminal.clear()?;
    screen.forget();
    Ok(match result {
        Ok(text) => Msg::Edited { text, target },
        Err(e) => Msg::Notice(Notice::error(format!("Not edited: {e}."))),
    })
}
