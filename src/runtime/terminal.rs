//! The terminal edge: raw mode, alternate screen, bracketed paste, and restoring all of it
//! on every exit path (normal return, error, panic — the hook chains the previous one).

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, KeyboardEnhancementFlags,
    PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// A frame goes out in one write: to a handle of its own on standard output, not through
/// `Stdout`, whose line buffer would cut a frame at its last newline (a scroll is written as
/// newlines) into two writes.
pub type Tui = Terminal<CrosstermBackend<io::BufWriter<File>>>;

const OUT_BUFFER: usize = 64 * 1024;

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    /// `mouse`: capture the mouse (wheel scrolling) at the cost of the terminal's own
    /// selection, so it is off unless the config asks for it.
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        enter_modes(mouse)?;
        let out = io::stdout();
        let frames = File::from(out.as_fd().try_clone_to_owned()?);
        let terminal = Terminal::new(CrosstermBackend::new(io::BufWriter::with_capacity(
            OUT_BUFFER, frames,
        )))?;
        Ok(Self { terminal })
    }
}

/// Raw mode, the alternate screen and the terminal's reports, as keyturn runs.
fn enter_modes(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    MOUSE.store(mouse, Ordering::SeqCst);
    let mut out = io::stdout();
    // Terminals that do not know the keyboard protocol ignore the push; those that do
    // report Shift-Enter and a lone Esc unambiguously.
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES),
        // Focus reports, where the terminal sends them: a reply finishing while you look
        // elsewhere is announced (`runtime::notify`).
        crossterm::event::EnableFocusChange,
        cursor::Hide
    )?;
    if mouse {
        execute!(out, crossterm::event::EnableMouseCapture)?;
    }
    Ok(())
}

/// Hands the terminal to another program (an editor) as it was before keyturn started.
pub fn suspend() {
    restore();
}

/// Takes the terminal back after [`suspend`].
pub fn resume() -> io::Result<()> {
    enter_modes(MOUSE.load(Ordering::SeqCst))
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether mouse capture was turned on (so restore turns it off).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as we found it. Idempotent; safe from a panic hook.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(out, crossterm::event::DisableMouseCapture);
    }
    let _ = execute!(
        out,
        PopKeyboardEnhancementFlags,
        crossterm::event::DisableFocusChange,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        // A panic on any thread (a worker, a task) ends keyturn: a TUI whose worker died
        // would go on looking alive and ignore Ctrl-Q. The terminal is restored already.
        std::process::exit(101);
    }));
}

/// OSC 52 (a copy) and notifications go out only between frames, never inside one.
pub fn write_between_frames<W: std::io::Write>(
    terminal: &mut ratatui::Terminal<CrosstermBackend<W>>,
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    for seq in out.drain(..) {
        let w = terminal.backend_mut();
        w.write_all(seq.as_bytes())?;
        w.flush()?;
    }
    Ok(())
}
