//! Layer 7: end to end. The runtime headless against the mock, and the release binary in tmux.

mod counts;
mod demo;
mod panes;
mod tui;
