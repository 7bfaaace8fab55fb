//! The HTTP edge: builds the client, sends one chat request and turns the response into
//! sanitized [`StreamEvent`]s. Cancellation is by dropping the future (the runtime aborts
//! the task), which drops the response and closes the connection.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;

use super::{ChatRequest, Endpoint, ProviderError, StreamEvent, wire};
use crate::text::redact::Redactor;

/// Limits for one request.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// Longest silence allowed while waiting for headers or between chunks.
    pub idle: Duration,
    /// The stream's thread may sleep between windows of a trickling reply (see
    /// `providers::paced`): only where nothing else waits on that thread.
    pub nap: bool,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            nap: false,
        }
    }
}

/// One client per process: it pools connections. Redirects are never followed, so a
/// credential header can never be replayed to another host.
pub fn build_client(timeouts: Timeouts) -> reqwest::Client {
    crate::install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("keyturn/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a reqwest client with rustls and no custom roots always builds")
}

/// The HTTP client, built on first use: building it reads the platform's root certificates
/// (milliseconds of file reads and parsing), which have no place before the first frame.
/// [`warm`](Self::warm) builds it on a thread of its own; callers take it inside their tasks.
#[derive(Clone)]
pub struct LazyClient {
    cell: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    timeouts: Timeouts,
}

impl LazyClient {
    pub fn new(timeouts: Timeouts) -> Self {
        Self {
            cell: Default::default(),
            timeouts,
        }
    }

    /// The client (built now if nobody has yet; waits if another thread is building it).
    pub fn get(&self) -> &reqwest::Client {
        self.cell.get_or_init(|| build_client(self.timeouts))
    }

    /// Starts building it in the background, so the first request finds it ready.
    pub fn warm(&self) {
        let this = self.clone();
        let _ = std::thread::Builder::new()
            .name("keyturn-tls".into())
            .spawn(move || {
                this.get();
            });
    }
}

/// Where the stream's events go. Returns false when nobody listens any more.
pub trait EventSink {
    fn send(&mut self, event: StreamEvent) -> impl std::future::Future<Output = bool> + Send;
}

/// Sends through a bounded channel, wrapping each event (e.g. with the request id).
pub struct ChannelSink<M, F: Fn(StreamEvent) -> M> {
    pub tx: mpsc::Sender<M>,
    pub wrap: F,
}

impl<M: Send, F: Fn(StreamEvent) -> M + Send> EventSink for ChannelSink<M, F> {
    async fn send(&mut self, event: StreamEvent) -> bool {
        self.tx.send((self.wrap)(event)).await.is_ok()
    }
}

/// Maps a transport failure to a user-facing error. reqwest's message can include the URL,
/// never a header, but it still passes the redactor.
pub fn transport_error(
    endpoint: &Endpoint,
    err: &reqwest::Error,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> ProviderError {
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    let detail = crate::text::sanitize::sanitize_line(&redactor.redact(&chain));
    let provider = endpoint.name.clone();
    let lower = detail.to_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        ProviderError::Tls { provider, detail }
    } else if err.is_timeout() {
        ProviderError::ConnectTimeout {
            provider,
            secs: timeouts.connect.as_secs(),
        }
    } else if err.is_connect() {
        ProviderError::Connect {
            provider,
            url: endpoint.base_url.clone(),
            detail: short_cause(&detail),
        }
    } else {
        ProviderError::Dropped {
            provider,
            detail: short_cause(&detail),
        }
    }
}

/// The provider went silent for longer than the idle timeout.
pub fn idle_timeout(endpoint: &Endpoint, timeouts: Timeouts) -> ProviderError {
    ProviderError::IdleTimeout {
        provider: endpoint.name.clone(),
        secs: timeouts.idle.as_secs(),
    }
}

/// The innermost cause is the useful part ("Connection refused (os error 111)").
fn short_cause(chain: &str) -> String {
    chain
        .rsplit(": ")
        .next()
        .unwrap_or(chain)
        .trim()
        .to_string()
}

/// `retry-after-ms` (OpenAI, Anthropic), else `Retry-After` in seconds or as an HTTP date.
pub fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    if let Some(ms) = headers.get("retry-after-ms").and_then(|v| v.to_str().ok())
        && let Ok(ms) = ms.trim().parse::<f64>()
    {
        return Some((ms / 1000.0).ceil() as u64);
    }
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(s) = v.parse::<f64>() {
        return Some(s.max(0.0).ceil() as u64);
    }
    crate::time::parse_http_date(v).map(|at| at.saturating_sub(crate::time::now()))
}

/// The most one stream event (or one line of it) may hold, and a model list or key-test
/// answer: nothing a provider sends can make keyturn's memory grow without bound.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// An error body is only read for its message.
pub const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Reads a success body of at most `limit` bytes, giving up after `idle` of silence. Over
/// the limit it stops reading (dropping the response closes the connection).
pub async fn read_body_limited(
    resp: reqwest::Response,
    endpoint: &Endpoint,
    what: &'static str,
    limit: usize,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> Result<String, ProviderError> {
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    loop {
        match tokio::time::timeout(timeouts.idle, stream.next()).await {
            Err(_) => return Err(idle_timeout(endpoint, timeouts)),
            Ok(Some(Err(e))) => return Err(transport_error(endpoint, &e, timeouts, redactor)),
            Ok(Some(Ok(chunk))) => {
                if body.len() + chunk.len() > limit {
                    return Err(ProviderError::TooLarge {
                        provider: endpoint.name.clone(),
                        what,
                        limit_mb: limit / (1024 * 1024),
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(String::from_utf8_lossy(&body).into_owned()),
        }
    }
}

/// Reads at most `limit` bytes of an error body, giving up after `idle` of silence.
pub async fn read_error_body(resp: reqwest::Response, limit: usize, idle: Duration) -> String {
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while body.len() < limit {
        match tokio::time::timeout(idle, stream.next()).await {
            Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(limit);
    String::from_utf8_lossy(&body).into_owned()
}

/// Runs one streaming chat request to the end, sending every event to `sink`.
/// Always finishes with exactly one `Done` or `Error` unless the sink went away.
pub async fn stream_chat(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    key: Option<&SecretString>,
    timeouts: Timeouts,
    sink: &mut impl EventSink,
) {
    let redactor = match key {
        Some(k) => Redactor::new().with_secret(k.expose_secret()),
        None => Redactor::new(),
    };
    let (wire, parser) = match wire::chat(endpoint, request, key, &redactor) {
        Ok(w) => w,
        Err(e) => {
            sink.send(StreamEvent::Error(e)).await;
            return;
        }
    };
    let resp = match open_stream(client, endpoint, wire, timeouts, &redactor).await {
        Ok(r) => r,
        Err(e) => {
            sink.send(StreamEvent::Error(e)).await;
            return;
        }
    };
    if !sink.send(StreamEvent::Connected).await {
        return;
    }
    let is_json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        // Some gateways answer an error as plain JSON with status 200.
        let e = json_instead_of_stream(resp, endpoint, timeouts, &redactor).await;
        sink.send(StreamEvent::Error(e)).await;
        return;
    }
    let figures = super::gateway::figures(resp.headers());
    if let Some(key) = figures.key
        && !sink.send(StreamEvent::GatewayKey(key)).await
    {
        return;
    }
    super::pump::pump(
        resp,
        parser,
        endpoint,
        timeouts,
        &redactor,
        figures.cost,
        sink,
    )
    .await;
}

/// Sends the request; an answer that is not a success is the provider's error.
async fn open_stream(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    wire: wire::WireRequest,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> Result<reqwest::Response, ProviderError> {
    let send = client
        .post(&wire.url)
        .headers(wire.headers)
        .json(&wire.body)
        .send();
    let resp = match tokio::time::timeout(timeouts.idle, send).await {
        Err(_) => return Err(idle_timeout(endpoint, timeouts)),
        Ok(Err(e)) => return Err(transport_error(endpoint, &e, timeouts, redactor)),
        Ok(Ok(r)) => r,
    };
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let retry_after = retry_after_secs(resp.headers());
    let text = read_error_body(resp, MAX_ERROR_BYTES, timeouts.idle).await;
    Err(ProviderError::from_status(
        &endpoint.name,
        status.as_u16(),
        &text,
        retry_after,
        redactor,
    ))
}

/// A JSON body where a stream was asked for: the error it holds, or a plain word that the
/// server does not stream.
async fn json_instead_of_stream(
    resp: reqwest::Response,
    endpoint: &Endpoint,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> ProviderError {
    let text = read_error_body(resp, MAX_ERROR_BYTES, timeouts.idle).await;
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    match value.get("error") {
        Some(err) => ProviderError::in_stream(&endpoint.name, err, redactor),
        None => ProviderError::InStream {
            provider: endpoint.name.clone(),
            detail: "the server answered with JSON instead of a stream; does it support \"stream\": true?".into(),
        },
    }
}
