//! keyturn's integration tests: one binary, one module per layer of the architecture
//! (ARCHITECTURE.md), and one support module they share.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

mod support;

mod cli;
mod e2e;
mod keystore;
mod provider;
mod reducer;
mod render;
mod wire;
