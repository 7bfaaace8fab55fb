//! keyturn: a full-screen terminal client for chatting with LLMs on your own API keys.
//! The library holds every module so the binary, tests, benches and examples share one core.
//! The layers, their rules and the data flow are described in `ARCHITECTURE.md` at the root of
//! the repository.

pub mod app;
pub mod chat;
pub mod cli;
pub mod config;
pub mod estimate;
pub mod history;
pub mod keymap;
pub mod keystore;
pub mod markdown;
pub mod mock;
pub mod private_fs;
pub mod providers;
pub mod runtime;
pub mod text;
pub mod theme;
pub mod time;
pub mod ui;
pub mod usage;

/// rustls is built without a default crypto provider (reqwest's `rustls-no-provider`); every
/// entry point that builds an HTTP client calls this first. Safe to call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
