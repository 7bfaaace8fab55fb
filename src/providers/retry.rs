//! Retrying a request that failed before any token arrived: 429 and 5xx/529 only, with
//! exponential backoff and jitter, honouring the provider's Retry-After, a countdown the UI
//! shows (one event a second, so Esc can cancel at any moment by aborting the task), and at
//! most three attempts. Quota and credit errors are never retried; once text has arrived a
//! failure is reported, never retried silently.

use std::time::Duration;

use secrecy::SecretString;

use super::http::{EventSink, Timeouts, stream_chat};
use super::{ChatRequest, Endpoint, ProviderError, StreamEvent};

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    /// Waits longer than this are not worth sitting through; the error is shown instead.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `next` (2 or more). `jitter` is in 0..1.
    pub fn delay(&self, next: u32, retry_after: Option<u64>, jitter: f64) -> Option<Duration> {
        let wait = match retry_after {
            Some(s) => Duration::from_secs(s),
            None => self
                .base
                .mul_f64(2f64.powi(next.saturating_sub(2) as i32) * (0.5 + jitter)),
        };
        (wait <= self.max_wait).then_some(wait)
    }
}

/// Forwards events, but holds back a retryable error that came before any content.
struct Gate<'a, S: EventSink> {
    inner: &'a mut S,
    content: bool,
    held: Option<ProviderError>,
}

impl<S: EventSink + Send> EventSink for Gate<'_, S> {
    async fn send(&mut self, event: StreamEvent) -> bool {
        match event {
            StreamEvent::Error(e) if !self.content && e.is_transient() => {
                self.held = Some(e);
                true
            }
            other => {
                self.content |= matches!(other, StreamEvent::Text(_) | StreamEvent::Reasoning(_));
                self.inner.send(other).await
            }
        }
    }
}

fn jitter() -> f64 {
    use rand::Rng;
    rand::thread_rng().r#gen::<f64>()
}

/// [`stream_chat`] with retries. Ends with exactly one `Done` or `Error`.
pub async fn stream_with_retries<S: EventSink + Send>(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &ChatRequest,
    key: Option<&SecretString>,
    timeouts: Timeouts,
    policy: RetryPolicy,
    sink: &mut S,
) {
    let mut attempt = 1;
    loop {
        let mut gate = Gate {
            inner: sink,
            content: false,
            held: None,
        };
        stream_chat(client, endpoint, request, key, timeouts, &mut gate).await;
        let Some(err) = gate.held else { return };
        let wait = (attempt < policy.max_attempts)
            .then(|| policy.delay(attempt + 1, err.retry_after(), jitter()))
            .flatten();
        let Some(wait) = wait else {
            sink.send(StreamEvent::Error(err)).await;
            return;
        };
        attempt += 1;
        let mut left = wait;
        loop {
            let secs = left.as_secs_f64().ceil() as u64;
            let note = StreamEvent::Retrying {
                attempt,
                of: policy.max_attempts,
                in_secs: secs,
                reason: err.to_string(),
            };
            if !sink.send(note).await {
                return;
            }
            let step = left.min(Duration::from_secs(1));
            tokio::time::sleep(step).await;
            left -= step;
            if left.is_zero() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(2, None, 0.5), Some(Duration::from_secs(1)));
        assert_eq!(p.delay(3, None, 0.5), Some(Duration::from_secs(2)));
        assert_eq!(p.delay(3, None, 0.0), Some(Duration::from_secs(1)));
        assert_eq!(p.delay(2, Some(7), 0.9), Some(Duration::from_secs(7)));
        assert_eq!(
            p.delay(2, Some(3600), 0.0),
            None,
            "an hour's wait is shown, not waited out"
        );
    }
}
