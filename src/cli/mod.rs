//! Non-interactive subcommands. Each prints only its result on stdout; errors go to stderr
//! with a non-zero exit code.

pub mod ask;
pub mod command;
pub mod complete;
pub mod demo;
pub mod doctor;
pub mod error;
pub mod history;
pub mod history_tree;
pub mod keys;
pub mod man;
pub mod prompt;

pub use error::{CliError, finish};

/// Exit codes shared by the subcommands.
pub mod exit {
    pub const OK: u8 = 0;
    /// The provider or the network failed.
    pub const PROVIDER: u8 = 1;
    /// Bad usage or config: nothing was sent.
    pub const USAGE: u8 = 2;
    /// The key store could not be opened or saved.
    pub const KEYSTORE: u8 = 3;
    /// The reply ended early (cancelled by Ctrl-C).
    pub const INTERRUPTED: u8 = 130;
}
