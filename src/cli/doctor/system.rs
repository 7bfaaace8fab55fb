//! The doctor's checks of the machine: the terminal, the certificate store and proxies.

use std::path::Path;

use super::{Check, Status, check, env, redact_proxy};

pub(super) fn terminal_checks() -> Vec<Check> {
    let mut out = Vec::new();
    // Without a controlling terminal crossterm answers terminfo's default size (80x24);
    // say what is true instead. (Output piped to a file still has one.)
    if !crate::cli::prompt::has_tty() {
        out.push(check(
            "terminal",
            Status::Warn,
            "no terminal here (the TUI needs one; `keyturn ask` does not)",
            None,
        ));
        return out;
    }
    match crossterm::terminal::size() {
        Ok((w, h)) if w >= 80 && h >= 24 => out.push(check(
            "terminal size",
            Status::Pass,
            format!("{w}x{h}"),
            None,
        )),
        Ok((w, h)) => out.push(check(
            "terminal size",
            Status::Warn,
            format!("{w}x{h}, smaller than 80x24"),
            Some("enlarge the window; keyturn works down to 20x5"),
        )),
        Err(_) => out.push(check("terminal size", Status::Warn, "not a terminal", None)),
    }
    let colour = if env("NO_COLOR").is_some() {
        "off (NO_COLOR is set)".to_string()
    } else if env("COLORTERM").is_some_and(|c| c == "truecolor" || c == "24bit") {
        "truecolor".into()
    } else if env("TERM").is_some_and(|t| t.contains("256")) {
        "256 colours".into()
    } else {
        "16 colours".into()
    };
    out.push(check("colour", Status::Pass, colour, None));
    let term = env("TERM").unwrap_or_default();
    let program = env("TERM_PROGRAM").unwrap_or_default();
    let in_tmux = env("TMUX").is_some();
    let modern = [
        "kitty",
        "WezTerm",
        "ghostty",
        "iTerm.app",
        "vscode",
        "alacritty",
        "foot",
        "contour",
    ]
    .iter()
    .any(|t| program.contains(t) || term.contains(&t.to_lowercase()));
    let sync = if modern || in_tmux {
        "likely supported"
    } else {
        "unknown (harmless if unsupported)"
    };
    out.push(check("synchronized output", Status::Pass, sync, None));
    let osc52 = if in_tmux {
        (
            "likely, if tmux has `set -g set-clipboard on`",
            Status::Pass,
        )
    } else if modern {
        ("likely supported", Status::Pass)
    } else {
        (
            "unknown: copying may not reach your clipboard",
            Status::Warn,
        )
    };
    out.push(check("clipboard (OSC 52)", osc52.1, osc52.0, None));
    let mut places = Vec::new();
    if in_tmux {
        places.push("tmux");
    }
    if env("STY").is_some() {
        places.push("screen");
    }
    if env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some() {
        places.push("SSH");
    }
    let detail = if places.is_empty() {
        "local terminal".to_string()
    } else {
        format!("inside {}", places.join(", "))
    };
    out.push(check("session", Status::Pass, detail, None));
    out
}

pub(super) fn ca_check() -> Check {
    let explicit = env("SSL_CERT_FILE");
    let candidates: Vec<String> = match &explicit {
        Some(f) => vec![f.clone()],
        None => [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
            "/etc/ssl/ca-bundle.pem",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    };
    match candidates.iter().find(|p| Path::new(p).is_file()) {
        Some(p) => check("CA certificates", Status::Pass, p.clone(), None),
        None => check(
            "CA certificates",
            Status::Fail,
            match explicit {
                Some(f) => format!("SSL_CERT_FILE={f} does not exist"),
                None => "no CA bundle found: HTTPS to every provider will fail".into(),
            },
            Some("apt-get install ca-certificates (or set SSL_CERT_FILE)"),
        ),
    }
}

pub(super) fn proxy_check() -> Check {
    let set: Vec<String> = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "NO_PROXY",
        "no_proxy",
    ]
    .iter()
    .filter_map(|v| env(v).map(|val| format!("{v}={}", redact_proxy(&val))))
    .collect();
    let detail = if set.is_empty() {
        "none set".to_string()
    } else {
        set.join(", ")
    };
    check("proxy", Status::Pass, detail, None)
}
