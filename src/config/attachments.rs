//! `[attachments]`: how much a message may carry.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsConfig {
    /// The largest file that can be attached, in bytes (Anthropic takes images up to 5 MB).
    pub max_file_bytes: u64,
    /// The most all of one message's attachments may add up to, in bytes.
    pub max_message_bytes: u64,
    /// The most files one glob or directory may expand to.
    pub max_files: usize,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 5_000_000,
            max_message_bytes: 20_000_000,
            max_files: 32,
        }
    }
}
