//! Terminal input on a thread of its own, delivered through a channel, and paused while an
//! editor has the terminal.
//!
//! Why not crossterm's `EventStream`: every poll of it takes the event reader's lock with a
//! zero timeout, while its helper thread holds that lock blocked in `poll`. parking_lot spins
//! (`sched_yield`) before it gives up, so each turn of the loop — a stream token, a timer, a
//! frame — cost a handful of system calls and a futex round trip (15,000 `sched_yield`s in a
//! 2,000-token reply). A thread blocked in `poll(2)` and a channel cost nothing between keys.
//!
//! Why `poll(2)` on the terminal and a pipe rather than crossterm's blocking `read`: a thread
//! blocked in `read` cannot be stopped, and while `$EDITOR` runs it would take the editor's
//! keys. The pipe wakes the thread, which parks until the TUI is back.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use crossterm::event::Event;
use tokio::sync::mpsc;

/// Events waiting for the loop; a paste of a whole file is one event, so this is plenty.
const QUEUE: usize = 256;

/// The byte that wakes the reader for a resize (any other parks it).
const RESIZED: u8 = b'w';

/// Pauses and resumes the reader.
pub struct Control {
    wake: io::PipeWriter,
    parked: std_mpsc::Receiver<()>,
    resume: std_mpsc::Sender<()>,
}

impl Control {
    /// Returns once the reader has stopped reading the terminal.
    pub fn pause(&self) -> io::Result<()> {
        (&self.wake).write_all(b"p")?;
        self.parked
            .recv_timeout(Duration::from_secs(2))
            .map_err(|_| io::Error::other("the input thread did not pause"))
    }

    pub fn resume(&self) {
        let _ = self.resume.send(());
    }
}

/// The terminal crossterm reads: standard input when it is one, else `/dev/tty` (kept open
/// here only to be polled).
fn terminal_fd() -> io::Result<(RawFd, Option<std::fs::File>)> {
    use std::io::IsTerminal;
    if io::stdin().is_terminal() {
        return Ok((io::stdin().as_raw_fd(), None));
    }
    let tty = std::fs::File::open("/dev/tty")?;
    Ok((tty.as_raw_fd(), Some(tty)))
}

/// The terminal is gone: a hang-up, an error or a closed descriptor.
fn hung_up(fd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n > 0 && p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Starts the reader. It ends after a read error (passed on) or when the receiver is gone
/// and the next event arrives; at exit the process ends it wherever it is blocked.
pub fn spawn() -> io::Result<(mpsc::Receiver<io::Result<Event>>, Control)> {
    let (tx, rx) = mpsc::channel(QUEUE);
    let (mut wake_rx, wake) = io::pipe()?;
    let (parked_tx, parked) = std_mpsc::channel();
    let (resume, resume_rx) = std_mpsc::channel();
    let (fd, tty) = terminal_fd()?;
    // crossterm learns of a resize from SIGWINCH on a pipe of its own, which this thread
    // does not poll: the signal wakes the thread through ours.
    let mut nudge = wake.try_clone()?;
    let mut winch = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())?;
    tokio::spawn(async move {
        while winch.recv().await.is_some() {
            if nudge.write_all(&[RESIZED]).is_err() {
                return;
            }
        }
    });
    std::thread::Builder::new()
        .name("keyturn-input".into())
        .spawn(move || {
            let _tty = tty;
            loop {
                // A terminal that hung up (the SSH session or the window went away without a
                // SIGHUP) reads as end-of-file for ever, and crossterm retries such a read in a
                // tight loop: the reader ends here first, and says so.
                if hung_up(fd) {
                    let gone = io::Error::new(io::ErrorKind::BrokenPipe, "the terminal closed");
                    let _ = tx.blocking_send(Err(gone));
                    return;
                }
                // What crossterm already read waits in its queue: hand it all over first.
                loop {
                    match crossterm::event::poll(Duration::ZERO) {
                        Ok(false) => break,
                        Ok(true) => {
                            let event = crossterm::event::read();
                            let failed = event.is_err();
                            if tx.blocking_send(event).is_err() || failed {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.blocking_send(Err(e));
                            return;
                        }
                    }
                }
                let mut fds = [
                    libc::pollfd {
                        fd,
                        events: libc::POLLIN,
                        revents: 0,
                    },
                    libc::pollfd {
                        fd: wake_rx.as_raw_fd(),
                        events: libc::POLLIN,
                        revents: 0,
                    },
                ];
                // SAFETY: two valid pollfd structs, and their count.
                let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
                if n < 0 {
                    let e = io::Error::last_os_error();
                    if e.kind() == io::ErrorKind::Interrupted {
                        continue;
                    }
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
                if fds[1].revents != 0 {
                    let mut byte = [0u8; 1];
                    if wake_rx.read(&mut byte).unwrap_or(0) == 0 {
                        return; // the control is gone
                    }
                    // A resize: crossterm queued it; the next turn hands it over.
                    if byte[0] == RESIZED {
                        continue;
                    }
                    let _ = parked_tx.send(());
                    if resume_rx.recv().is_err() {
                        return;
                    }
                }
            }
        })?;
    Ok((
        rx,
        Control {
            wake,
            parked,
            resume,
        },
    ))
}
