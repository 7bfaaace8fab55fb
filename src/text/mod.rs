//! Pure text helpers shared by every layer: terminal-safety, secret redaction, wrapping.
//! Nothing here does I/O.

pub mod redact;
pub mod sanitize;
pub mod wrap;
