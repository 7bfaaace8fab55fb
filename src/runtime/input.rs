//! Terminal input on a thread of its own, delivered through a channel.
//!
//! Why not crossterm's `EventStream`: every poll of it takes the event reader's lock with a
//! zero timeout, while its helper thread holds that lock blocked in `poll`. parking_lot spins
//! (`sched_yield`) before it gives up, so each turn of the loop — a stream token, a timer, a
//! frame — cost a handful of system calls and a futex round trip (15,000 `sched_yield`s in a
//! 2,000-token reply). A thread blocked in `read` and a channel cost nothing between keys.

use std::io;

use crossterm::event::Event;
use tokio::sync::mpsc;

/// Events waiting for the loop; a paste of a whole file is one event, so this is plenty.
const QUEUE: usize = 256;

/// Starts the reader. It ends after a read error (passed on) or when the receiver is gone
/// and the next event arrives; at exit the process ends it wherever it is blocked.
pub fn spawn() -> io::Result<mpsc::Receiver<io::Result<Event>>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    std::thread::Builder::new()
        .name("keyturn-input".into())
        .spawn(move || {
            loop {
                let event = crossterm::event::read();
                let failed = event.is_err();
                if tx.blocking_send(event).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(rx)
}
