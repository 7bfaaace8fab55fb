//! A mock model provider on 127.0.0.1 for tests, trials and the demo: speaks OpenAI chat
//! SSE and `GET /v1/models`, with scripted replies, a token rate, and faults (any status with
//! a body, reset mid-stream, stall, malformed chunk, an error after HTTP 200, a 401 body that
//! echoes the presented key). A hand-written HTTP/1.1 server keeps every fault exact.
//!
//! Faults can also be asked for from the prompt (handy in the TUI): a message containing
//! `mock:429`, `mock:401`, `mock:500`, `mock:reset`, `mock:stall`, `mock:malformed`,
//! `mock:no-done`, `mock:error-after-200`, `mock:reasoning` or `mock:long`.

mod dialect;
mod http;
mod script;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

pub use script::{Reply, reply_for_prompt, tokenize};

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
pub struct MockState {
    pub script: Mutex<VecDeque<Reply>>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    /// When a client went away before its reply was finished.
    pub disconnects: Mutex<Vec<Instant>>,
    pub required_key: Option<String>,
    /// Keys starting with this are accepted too (the demo takes any `sk-test-` key).
    pub accept_prefix: Option<String>,
    /// Tokens per second; 0 sends as fast as possible.
    pub tokens_per_sec: f64,
    pub models: Vec<String>,
    /// What `/v1/model/info` answers, as a LiteLLM gateway does (None: 404).
    pub model_info: Option<serde_json::Value>,
    /// Headers a streamed reply carries besides the usual ones (a gateway's figures).
    pub stream_headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct MockOptions {
    pub port: u16,
    pub required_key: Option<String>,
    /// Keys starting with this are accepted as well as `required_key`.
    pub accept_prefix: Option<String>,
    pub tokens_per_sec: f64,
    pub models: Vec<String>,
    /// Answer `/v1/model/info` with this, as a LiteLLM gateway does.
    pub model_info: Option<serde_json::Value>,
    /// Headers every streamed reply carries (e.g. LiteLLM's `x-litellm-response-cost`).
    pub stream_headers: Vec<(String, String)>,
}

impl Default for MockOptions {
    fn default() -> Self {
        Self {
            port: 0,
            required_key: None,
            accept_prefix: None,
            tokens_per_sec: 0.0,
            models: vec!["mock-model".into(), "mock-reasoner".into()],
            model_info: None,
            stream_headers: Vec::new(),
        }
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockProvider {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockProvider {
    pub async fn start(opts: MockOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(MockState {
            required_key: opts.required_key,
            accept_prefix: opts.accept_prefix,
            tokens_per_sec: opts.tokens_per_sec,
            models: opts.models,
            model_info: opts.model_info,
            stream_headers: opts.stream_headers,
            ..Default::default()
        });
        let task = tokio::spawn(http::serve(listener, state.clone()));
        Ok(Self { addr, state, task })
    }

    /// The base URL to put in a provider's config: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Queues replies; each request takes the next, then prompts decide again.
    pub fn push(&self, reply: Reply) {
        self.state
            .script
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(reply);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn disconnects(&self) -> Vec<Instant> {
        self.state
            .disconnects
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Polls until `cond` holds or `deadline` passes (tests never sleep blindly).
    pub async fn wait_for(&self, deadline: Duration, cond: impl Fn(&Self) -> bool) -> bool {
        let end = Instant::now() + deadline;
        while Instant::now() < end {
            if cond(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cond(self)
    }
}
