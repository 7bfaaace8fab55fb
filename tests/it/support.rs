//! Shared helpers for integration tests: fresh homes, fake keys, event collection.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use keyturn::providers::StreamEvent;
use keyturn::providers::http::EventSink;

/// A fake key that looks fake and is unique per call, so leak checks can grep for it.
pub fn canary_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("sk-test-CANARY-{}x{n}q{nanos:09}", std::process::id())
}

/// Collects stream events in memory.
#[derive(Default)]
pub struct Collect(pub Vec<StreamEvent>);

impl EventSink for Collect {
    async fn send(&mut self, event: StreamEvent) -> bool {
        self.0.push(event);
        true
    }
}

pub fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

pub fn write_config(home: &Path, text: &str) {
    std::fs::write(home.join("config.toml"), text).unwrap();
}

/// A provider table pointing at a mock.
pub fn local_config(base_url: &str, extra: &str) -> String {
    format!(
        "default_provider = \"local\"\n[network]\nidle_timeout_secs = 2\ndiscover_local = false\n[providers.local]\nname = \"Local mock\"\nbase_url = \"{base_url}\"\nauth = \"none\"\ndefault_model = \"mock-model\"\n{extra}"
    )
}

pub const SHORT: Duration = Duration::from_secs(5);
