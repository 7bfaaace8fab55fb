//! Where the passphrase or identity comes from, in the documented order: an identity file
//! (KEYTURN_IDENTITY, else keystore.identity_file), KEYTURN_PASSPHRASE_COMMAND's stdout,
//! KEYTURN_PASSPHRASE_FILE, KEYTURN_PASSPHRASE; otherwise the caller prompts. Never argv.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::error::KeystoreError;

/// How to unlock. `Debug` never shows the passphrase.
pub enum Unlock {
    Passphrase(SecretString),
    Identity(PathBuf),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlock::Passphrase(_) => f.write_str("Unlock::Passphrase(..)"),
            Unlock::Identity(p) => write!(f, "Unlock::Identity({})", p.display()),
        }
    }
}

/// Expands a leading `~/`.
pub fn expand_home(path: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => std::env::var_os("HOME")
            .map_or_else(|| path.to_path_buf(), |h| PathBuf::from(h).join(rest)),
        Err(_) => path.to_path_buf(),
    }
}

fn strip_newline(mut s: String) -> String {
    while s.ends_with('\n') || s.ends_with('\r') {
        s.pop();
    }
    s
}

/// The environment variable a passphrase is taken from, when one is (in the order
/// [`from_environment`] tries them, identities aside): a wrong passphrase from there is
/// fixed there, not by typing it again.
pub fn passphrase_variable() -> Option<&'static str> {
    if std::env::var_os("KEYTURN_IDENTITY").is_some_and(|v| !v.is_empty()) {
        return None;
    }
    [
        "KEYTURN_PASSPHRASE_COMMAND",
        "KEYTURN_PASSPHRASE_FILE",
        "KEYTURN_PASSPHRASE",
    ]
    .into_iter()
    .find(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()))
}

/// What to say when the passphrase an environment variable supplied is wrong: correct the
/// variable (typing it again would not help). None when no variable supplied one.
pub fn wrong_passphrase_from_environment(path: &Path) -> Option<String> {
    passphrase_variable().map(|var| {
        format!(
            "The passphrase from {var} does not open {}. Nothing was changed; correct {var}.",
            path.display()
        )
    })
}

/// The non-interactive source, if any is configured.
pub fn from_environment(config_identity: Option<&Path>) -> Result<Option<Unlock>, KeystoreError> {
    if let Some(id) = std::env::var_os("KEYTURN_IDENTITY").filter(|v| !v.is_empty()) {
        return Ok(Some(Unlock::Identity(expand_home(Path::new(&id)))));
    }
    if let Some(id) = config_identity {
        return Ok(Some(Unlock::Identity(expand_home(id))));
    }
    if let Some(cmd) = std::env::var_os("KEYTURN_PASSPHRASE_COMMAND").filter(|v| !v.is_empty()) {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| KeystoreError::PassphraseCommand {
                detail: e.to_string(),
            })?;
        let stdout = Zeroizing::new(out.stdout);
        if !out.status.success() {
            return Err(KeystoreError::PassphraseCommand {
                detail: format!("it exited with {}", out.status),
            });
        }
        let text =
            String::from_utf8(stdout.to_vec()).map_err(|_| KeystoreError::PassphraseCommand {
                detail: "its output is not UTF-8".into(),
            })?;
        return Ok(Some(Unlock::Passphrase(SecretString::from(strip_newline(
            text,
        )))));
    }
    if let Some(file) = std::env::var_os("KEYTURN_PASSPHRASE_FILE").filter(|v| !v.is_empty()) {
        let path = expand_home(Path::new(&file));
        let text = std::fs::read_to_string(&path).map_err(|e| KeystoreError::Io {
            action: "read the passphrase file",
            path: path.clone(),
            source: e,
        })?;
        return Ok(Some(Unlock::Passphrase(SecretString::from(strip_newline(
            text,
        )))));
    }
    if let Ok(p) = std::env::var("KEYTURN_PASSPHRASE")
        && !p.is_empty()
    {
        return Ok(Some(Unlock::Passphrase(SecretString::from(p))));
    }
    Ok(None)
}
