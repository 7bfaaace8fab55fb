//! A terminal that goes away without a SIGHUP (its pty's master closed): keyturn ends at once
//! with an error, rather than spin on end-of-file (crossterm retries such reads for ever).

use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A new pty: its master and its slave, opened (close-on-exec: the child gets the slave only
/// as its standard streams, and never a copy of the master).
fn pty() -> (OwnedFd, OwnedFd) {
    // SAFETY: plain libc calls on descriptors this function owns from here on.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(master >= 0);
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let name = libc::ptsname(master);
        assert!(!name.is_null());
        let slave = libc::open(name, libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(slave >= 0);
        (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave))
    }
}

#[test]
fn keyturn_ends_when_its_terminal_hangs_up() {
    let home = tempfile::tempdir().unwrap();
    crate::support::write_config(home.path(), "[network]\ndiscover_local = false\n");
    let (master, slave) = pty();
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .env_clear()
        .env("KEYTURN_HOME", home.path())
        .env("TERM", "xterm-256color")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    // Let it draw for a while, reading what it writes (a full pty would block it), then close
    // the master: the only copy, so the terminal hangs up.
    let hold = Instant::now() + Duration::from_millis(1500);
    let drain = std::thread::spawn(move || {
        use std::os::fd::AsRawFd;
        let mut buf = [0u8; 4096];
        while Instant::now() < hold {
            let mut p = libc::pollfd {
                fd: master.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd; a read into our own buffer.
            unsafe {
                if libc::poll(&mut p, 1, 50) > 0 {
                    libc::read(master.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len());
                }
            }
        }
        drop(master);
    });
    drain.join().unwrap();
    let gone_at = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if gone_at.elapsed() > Duration::from_secs(10) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("keyturn kept running after its terminal hung up");
    };
    assert_eq!(
        status.code(),
        Some(1),
        "an error exit, not a panic: {status:?}"
    );
}
