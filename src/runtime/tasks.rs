//! Running requests by id: spawn, abort (which drops the response and closes the
//! connection), and forget finished ones.

use std::collections::HashMap;

use tokio::task::AbortHandle;

#[derive(Debug)]
pub struct TaskRegistry {
    tasks: HashMap<u64, AbortHandle>,
    /// Where the requests run.
    net: super::net::Net,
}

impl TaskRegistry {
    pub fn new(net: super::net::Net) -> Self {
        Self {
            tasks: HashMap::new(),
            net,
        }
    }

    pub fn spawn<F>(&mut self, req: u64, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.tasks.retain(|_, h| !h.is_finished());
        let handle = self.net.spawn(fut);
        self.tasks.insert(req, handle.abort_handle());
    }

    pub fn abort(&mut self, req: u64) {
        if let Some(h) = self.tasks.remove(&req) {
            h.abort();
        }
    }

    pub fn abort_all(&mut self) {
        for (_, h) in self.tasks.drain() {
            h.abort();
        }
    }
}
