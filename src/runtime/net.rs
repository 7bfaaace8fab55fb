//! The network thread: chat streams run on a runtime of their own, so a reply that trickles
//! in can be read in windows by a thread that sleeps between them (`Timeouts::nap`). A socket
//! wakes a thread blocked in `epoll_wait` for every packet; a thread asleep in `nanosleep`
//! is not woken, and takes everything that came in one turn when it wakes. The event loop
//! keeps its own thread and answers keys at once meanwhile.

use std::future::Future;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// A handle to the network thread's runtime (which lives as long as the process).
#[derive(Debug, Clone)]
pub struct Net {
    handle: Handle,
}

impl Net {
    /// Starts the thread. Falls back to the caller's runtime if no thread can be made.
    pub fn start() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let started = std::thread::Builder::new()
            .name("keyturn-net".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(_) => return,
                };
                let _ = tx.send(runtime.handle().clone());
                runtime.block_on(std::future::pending::<()>());
            })
            .is_ok();
        let handle = started
            .then(|| rx.recv().ok())
            .flatten()
            .unwrap_or_else(Handle::current);
        Self { handle }
    }

    pub fn spawn<F>(&self, fut: F) -> JoinHandle<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.handle.spawn(fut)
    }
}
