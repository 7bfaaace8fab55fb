//! Layer 2: rendering. State to frame through ratatui's TestBackend, snapshotted with insta.

mod live_frames;
mod markdown;
mod panes;
mod screens;
mod terminal_bytes;

use std::cell::RefCell;
use std::rc::Rc;

/// What the frame writer sends, kept where a test can read it.
#[derive(Clone, Default)]
struct Tape(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Tape {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
