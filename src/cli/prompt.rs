//! Talking to the person at the terminal from a subcommand: hidden input and yes/no
//! questions on /dev/tty (so they work while stdin is piped), never echoing secrets.

use std::io::{BufRead, IsTerminal, Write};

use secrecy::SecretString;

/// True when there is a terminal to ask on.
pub fn has_tty() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Hidden prompt on the terminal; None without a terminal.
pub fn hidden(prompt: &str) -> Option<SecretString> {
    if !has_tty() {
        return None;
    }
    rpassword::prompt_password(format!("{prompt}: "))
        .ok()
        .map(SecretString::from)
}

/// Asks twice for a new passphrase until both match (or there is no terminal).
pub fn new_passphrase(what: &str) -> Option<SecretString> {
    use secrecy::ExposeSecret;
    loop {
        let first = hidden(&format!("New passphrase for {what}"))?;
        if first.expose_secret().is_empty() {
            eprintln!("An empty passphrase would protect nothing; type one.");
            continue;
        }
        let second = hidden("Repeat it")?;
        if first.expose_secret() == second.expose_secret() {
            return Some(first);
        }
        eprintln!("The two passphrases differ; try again.");
    }
}

/// y/N question on the terminal; false without one.
pub fn confirm(question: &str) -> bool {
    let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    else {
        return false;
    };
    let mut writer = &tty;
    let _ = write!(writer, "{question} [y/N] ");
    let _ = writer.flush();
    let mut line = String::new();
    let _ = std::io::BufReader::new(&tty).read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

/// A secret from piped stdin, or a hidden prompt when stdin is a terminal.
pub fn read_secret(prompt: &str) -> Option<SecretString> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return hidden(prompt);
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::Read::read_to_string(&mut stdin.lock(), &mut text).ok()?;
    Some(crate::keystore::entry::clean_secret(&text))
}
