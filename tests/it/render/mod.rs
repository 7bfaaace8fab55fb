//! Layer 2: rendering. State to frame through ratatui's TestBackend, snapshotted with insta.

mod live_frames;
mod markdown;
mod panes;
mod screens;
mod terminal_bytes;
