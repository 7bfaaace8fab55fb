//! Layer 1: the reducer. `Msg` sequences in, model and effects out (no terminal, no clock).

mod attachments;
mod branches;
mod browse;
mod budget;
mod bundles;
mod chat;
mod credit;
mod keys;
mod meter;
mod picker;
mod presets;
mod queue;
mod reasoning;
mod titles;
mod vi;
mod welcome;
