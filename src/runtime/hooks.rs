//! Test and benchmark hooks on a drawn frame, read from the environment once.

use super::PROCESS_START;

/// What the start-up benchmark and the terminal-restore test ask of a drawn frame, read from
/// the environment once.
pub(super) struct DrawHooks {
    /// Write the time since main() began (µs) to this file after the first frame, and exit.
    exit_after_first_frame: Option<std::ffi::OsString>,
    /// Debug builds only: panic after a frame, to prove a panic restores the terminal.
    panic_after_draw: bool,
    /// Debug builds only: panic on a worker thread after a frame (once).
    panic_in_worker: std::cell::Cell<bool>,
}

impl DrawHooks {
    pub(super) fn from_env() -> Self {
        Self {
            exit_after_first_frame: std::env::var_os("KEYTURN_EXIT_AFTER_FIRST_FRAME"),
            panic_after_draw: cfg!(debug_assertions)
                && std::env::var_os("KEYTURN_DEBUG_PANIC_AFTER_DRAW").is_some(),
            panic_in_worker: std::cell::Cell::new(
                cfg!(debug_assertions)
                    && std::env::var_os("KEYTURN_DEBUG_PANIC_IN_WORKER").is_some(),
            ),
        }
    }

    /// Returns true when the app should exit now.
    pub(super) fn after_draw(&self) -> bool {
        if let Some(report) = &self.exit_after_first_frame {
            let us = PROCESS_START.get().map_or(0, |t| t.elapsed().as_micros());
            let _ = std::fs::write(report, us.to_string());
            return true;
        }
        if self.panic_after_draw {
            panic!("deliberate panic for the terminal-restore test");
        }
        if self.panic_in_worker.replace(false) {
            std::thread::spawn(|| panic!("deliberate panic on a worker thread"));
        }
        false
    }
}
