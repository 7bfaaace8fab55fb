//! The command line: the TUI's options and every subcommand, as clap sees them (the man
//! pages, completions and the docs tests read it from here).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::ask::AskArgs;

#[derive(Debug, Parser)]
#[command(
    name = "keyturn",
    version,
    about = "Chat with LLMs from your terminal, on your own API keys"
)]
pub struct Cli {
    /// Keep config, keys, data and logs under DIR (also KEYTURN_HOME).
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Read the config from FILE instead of the config directory.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Provider id to start with (default: default_provider in config).
    #[arg(long, add = clap_complete::ArgValueCandidates::new(crate::cli::complete::providers))]
    pub provider: Option<String>,
    /// Model to start with.
    #[arg(long, add = clap_complete::ArgValueCandidates::new(crate::cli::complete::models))]
    pub model: Option<String>,
    /// Preset to start with (`[presets.NAME]` in config; default: default_preset).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask one question and stream the answer to stdout.
    #[command(
        after_help = "Exit status: 0 answered; 1 the provider or network failed; \
        2 usage or config error (nothing was sent); 3 the key store could not be opened; \
        130 interrupted."
    )]
    Ask(AskArgs),
    /// Manage the encrypted API keys (list, add, test, rotate, undo, rm, export, import, passwd, ...).
    #[command(subcommand)]
    Keys(super::keys::KeysCmd),
    /// Try keyturn offline: a demo provider, fake keys, a throw-away home.
    Demo,
    /// Check config, key store, terminal, certificates and proxies (and, online, providers and keys).
    Doctor(super::doctor::DoctorArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff), or write every page to a directory with --dir.
    Man {
        /// The page: a subcommand such as `ask` or `keys-add` (default: keyturn(1) itself).
        page: Option<String>,
        /// Write keyturn.1 and every subcommand's page (keyturn-ask.1, …) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Saved conversations: list, show, export, rm, search.
    #[command(subcommand)]
    History(super::history::HistoryCmd),
    /// What each request cost, from the usage ledger: by provider, key, model or day.
    Usage(super::history::UsageArgs),
}
