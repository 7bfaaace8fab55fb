//! `[network]`: timeouts, key failover and local-server discovery.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    pub connect_timeout_secs: u64,
    /// Longest silence allowed between chunks of a reply (there is no total timeout).
    pub idle_timeout_secs: u64,
    /// When the active key is rejected or rate-limited and the provider has another key:
    /// "ask" offers to switch (Ctrl-F), "auto" switches and asks again, "off" does neither.
    pub failover: Failover,
    /// Look for llama.cpp, LM Studio and vLLM on 127.0.0.1 at start.
    pub discover_local: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Failover {
    #[default]
    Ask,
    Auto,
    Off,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 10,
            idle_timeout_secs: 60,
            failover: Failover::Ask,
            discover_local: true,
        }
    }
}
