//! Copying without a desktop: OSC 52 asks the terminal itself to set its clipboard, which
//! works over SSH; inside tmux or screen the sequence is wrapped so it passes through to the
//! outer terminal. A local clipboard program (wl-copy, xclip, xsel, pbcopy) is the option
//! for terminals without OSC 52. Text goes to the program's stdin, never its argv.

use base64::Engine;

/// Terminals cap OSC 52 payloads (xterm and tmux at about 1 MB); beyond that we refuse
/// clearly rather than have the copy silently dropped.
pub const MAX_OSC52_BYTES: usize = 1 << 20;

/// The multiplexer between us and the terminal, from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

impl Multiplexer {
    pub fn detect(tmux: Option<&str>, sty: Option<&str>, term: Option<&str>) -> Self {
        if tmux.is_some_and(|v| !v.is_empty()) {
            Multiplexer::Tmux
        } else if sty.is_some_and(|v| !v.is_empty())
            || term.is_some_and(|t| t.starts_with("screen"))
        {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        }
    }

    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok();
        Self::detect(
            var("TMUX").as_deref(),
            var("STY").as_deref(),
            var("TERM").as_deref(),
        )
    }
}

/// Why a copy did not reach a clipboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error(
        "it is too large for the terminal's clipboard ({kib} KiB; the limit is {limit_kib} KiB)"
    )]
    TooLarge { kib: usize, limit_kib: usize },
    #[error("no clipboard program worked (tried {}); set ui.clipboard = \"osc52\"", .tried.join(", "))]
    NoProgram { tried: Vec<&'static str> },
}

/// The bytes to write for a copy. In tmux both forms go out: the plain one for
/// `set-clipboard on`, the passthrough one for `allow-passthrough on`.
pub fn osc52(text: &str, mux: Multiplexer) -> Result<String, ClipboardError> {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    if payload.len() > MAX_OSC52_BYTES {
        return Err(ClipboardError::TooLarge {
            kib: payload.len() / 1024,
            limit_kib: MAX_OSC52_BYTES / 1024,
        });
    }
    let plain = format!("\x1b]52;c;{payload}\x07");
    Ok(match mux {
        Multiplexer::None => plain,
        Multiplexer::Tmux => format!("{plain}\x1bPtmux;\x1b{plain}\x1b\\"),
        Multiplexer::Screen => format!("\x1bP{plain}\x1b\\"),
    })
}

/// Clipboard programs to try, in order.
const PROGRAMS: [(&str, &[&str]); 4] = [
    ("wl-copy", &[]),
    ("xclip", &["-selection", "clipboard"]),
    ("xsel", &["--clipboard", "--input"]),
    ("pbcopy", &[]),
];

/// Copies with the first clipboard program that works; returns its name.
pub fn copy_native(text: &str) -> Result<&'static str, ClipboardError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut tried = Vec::new();
    for (program, args) in PROGRAMS {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // A clipboard helper has no business with the passphrase or API keys.
        crate::keystore::unlock::scrub_environment(&mut command);
        let child = command.spawn();
        let Ok(mut child) = child else {
            tried.push(program);
            continue;
        };
        let wrote = child
            .stdin
            .take()
            .map(|mut s| s.write_all(text.as_bytes()))
            .transpose();
        match (wrote, child.wait()) {
            (Ok(_), Ok(status)) if status.success() => return Ok(program),
            _ => tried.push(program),
        }
    }
    Err(ClipboardError::NoProgram { tried })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_and_wrapped_for_multiplexers() {
        let s = osc52("hi ✓", Multiplexer::None).unwrap();
        assert_eq!(s, "\x1b]52;c;aGkg4pyT\x07");
        let t = osc52("hi", Multiplexer::Tmux).unwrap();
        assert!(t.starts_with("\x1b]52;c;aGk=\x07"));
        assert!(t.contains("\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"));
        let sc = osc52("hi", Multiplexer::Screen).unwrap();
        assert_eq!(sc, "\x1bP\x1b]52;c;aGk=\x07\x1b\\");
        let big = "x".repeat(MAX_OSC52_BYTES);
        assert!(
            osc52(&big, Multiplexer::None)
                .unwrap_err()
                .to_string()
                .contains("too large")
        );
    }

    #[test]
    fn multiplexer_comes_from_the_environment() {
        assert_eq!(
            Multiplexer::detect(Some("/tmp/tmux-0/default,1,0"), None, Some("screen")),
            Multiplexer::Tmux
        );
        assert_eq!(
            Multiplexer::detect(None, Some("123.pts"), None),
            Multiplexer::Screen
        );
        assert_eq!(
            Multiplexer::detect(Some(""), None, Some("xterm-256color")),
            Multiplexer::None
        );
    }
}
