//! Layer 6: the CLI. The binary's subcommands, exit codes, stdout against stderr.

mod ask;
mod attach;
mod bundles;
mod docs;
mod doctor;
mod estimate;
mod gateway;
mod history;
mod keys;
mod presets;
mod reasoning;
