//! Layer 7: end to end. The runtime headless against the mock, and the release binary in tmux.

mod attach;
mod branches;
mod composer;
mod counts;
mod demo;
mod hangup;
mod panes;
mod tui;
