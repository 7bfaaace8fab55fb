//! Reading a reply stream in batches. A provider at a reading pace (about 100 tokens a
//! second) sends one event every 10 ms, and waiting on the socket for each costs a thread
//! wake-up, a context switch and an `epoll_wait` — most of keyturn's CPU while a reply
//! streams. So when events trickle in faster than [`WINDOW`], the reader lets them gather in
//! the socket for a window and then takes everything there at once: one wake-up a window
//! instead of one a token. Sparse events (a slow model) and a flood (a fast local server) are
//! read as they come, so neither waits for a window it does not need.

use std::time::{Duration, Instant};

use futures_util::{FutureExt, Stream, StreamExt};
use tokio::time::error::Elapsed;

/// How long a trickle may gather. Below a frame (50 ms): text still moves every frame.
pub const WINDOW: Duration = Duration::from_millis(25);
/// A batch this big means the provider is ahead of us: no window before the next read.
const FLOOD: usize = 16;
/// A wait on the socket at least this long (and shorter than a window) means a trickle; a
/// shorter one is a flood catching its breath.
const TRICKLE_GAP: Duration = Duration::from_millis(1);

/// The reply's chunks, read in batches.
pub struct Paced<S> {
    stream: S,
    /// Events come a few milliseconds apart: windows are worth waiting for.
    trickling: bool,
    /// Chunks taken since the last wait.
    batch: usize,
    /// Sleep the thread between windows instead of waiting on a timer (which the socket's
    /// every packet would interrupt): for a thread that runs nothing else.
    nap: bool,
}

impl<S, T> Paced<S>
where
    S: Stream<Item = T> + Unpin,
{
    pub fn new(stream: S, nap: bool) -> Self {
        Self {
            stream,
            trickling: false,
            batch: 0,
            nap,
        }
    }

    /// The next chunk (None at the end of the body), or Elapsed after `idle` of silence.
    pub async fn next(&mut self, idle: Duration) -> Result<Option<T>, Elapsed> {
        if let Some(item) = self.ready().await {
            self.batch += 1;
            return Ok(item);
        }
        if std::mem::take(&mut self.batch) >= FLOOD {
            self.trickling = false;
        }
        if self.trickling {
            if self.nap {
                std::thread::sleep(WINDOW);
            } else {
                tokio::time::sleep(WINDOW).await;
            }
        }
        let started = Instant::now();
        let item = tokio::time::timeout(idle, self.stream.next()).await?;
        self.trickling = trickle(started.elapsed(), self.trickling);
        self.batch = 1;
        Ok(item)
    }

    /// The next chunk if it is there without waiting (None: it is not; `Some(None)`: the end).
    pub async fn try_next(&mut self) -> Option<Option<T>> {
        let item = self.ready().await?;
        self.batch += 1;
        Some(item)
    }

    /// A chunk the HTTP connection holds or can read without waiting. Its task hands chunks
    /// over one at a time, so it gets one turn to produce the next before the answer is no.
    async fn ready(&mut self) -> Option<Option<T>> {
        if let Some(item) = self.stream.next().now_or_never() {
            return Some(item);
        }
        tokio::task::yield_now().await;
        self.stream.next().now_or_never()
    }
}

/// Whether the stream trickles, after a wait on the socket of `wait`: events a few
/// milliseconds apart do; events further apart than a window are read as they come; a wait
/// of a moment (right after a window, or a flood) changes nothing.
pub fn trickle(wait: Duration, trickling: bool) -> bool {
    if wait >= WINDOW {
        false
    } else if wait >= TRICKLE_GAP {
        true
    } else {
        trickling
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_pace_gathers_while_sparse_events_and_floods_do_not() {
        // 100 tokens a second: each wait about 10 ms.
        assert!(trickle(Duration::from_millis(10), false));
        // Right after a window the wait is nothing: still a trickle.
        assert!(trickle(Duration::ZERO, true));
        // A slow model: events further apart than a window are read as they come.
        assert!(!trickle(Duration::from_millis(200), true));
        // A local server ahead of us: waits of microseconds never start windows.
        assert!(!trickle(Duration::from_micros(50), false));
    }

    #[tokio::test]
    async fn every_chunk_arrives_in_order_and_the_end_is_seen() {
        let chunks: Vec<u32> = (0..100).collect();
        let mut paced = Paced::new(futures_util::stream::iter(chunks.clone()), false);
        let mut got = Vec::new();
        while let Some(c) = paced.next(Duration::from_secs(5)).await.unwrap() {
            got.push(c);
        }
        assert_eq!(got, chunks);
    }

    #[tokio::test]
    async fn silence_longer_than_idle_is_an_error() {
        let mut paced = Paced::new(futures_util::stream::pending::<u32>(), true);
        assert!(paced.next(Duration::from_millis(30)).await.is_err());
    }
}
