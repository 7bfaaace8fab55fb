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

/// Expands a leading `~/` (of a path or of what was typed).
pub fn expand_home(path: impl AsRef<Path>) -> PathBuf {
    let path = path.as_ref();
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

/// A passphrase is short: more than this from the command or the file is not one (`yes`,
/// `/dev/zero`), and reading stops there.
pub const MAX_PASSPHRASE_BYTES: usize = 4096;

/// How long the passphrase command may take (a password manager waiting for a touch).
pub const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Variables that hold a secret (or say where one is): no child process keyturn starts
/// inherits them.
pub const SECRET_VARIABLES: [&str; 5] = [
    "KEYTURN_PASSPHRASE",
    "KEYTURN_NEW_PASSPHRASE",
    "KEYTURN_PASSPHRASE_FILE",
    "KEYTURN_PASSPHRASE_COMMAND",
    "KEYTURN_IDENTITY",
];

/// Takes keyturn's secret variables, and every `*_API_KEY`, out of a child's environment.
pub fn scrub_environment(cmd: &mut std::process::Command) {
    for var in SECRET_VARIABLES {
        cmd.env_remove(var);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().ends_with("_API_KEY") {
            cmd.env_remove(name);
        }
    }
}

/// Runs the passphrase command with a time limit and a size limit on what it prints; it
/// inherits no secret variable.
fn run_passphrase_command(
    cmd: &std::ffi::OsStr,
    timeout: std::time::Duration,
) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    use std::io::Read;
    let failed = |detail: String| KeystoreError::PassphraseCommand { detail };
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    scrub_environment(&mut command);
    // Its own process group, so a timeout ends what it started too (`sh -c 'sleep 99'`).
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| failed(e.to_string()))?;
    let group = child.id() as i32;
    let stop = |child: &mut std::process::Child| {
        // SAFETY: kill(2) with a negative pid signals the process group we created above;
        // it touches no memory of ours.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = child.wait();
    };
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| failed("its output could not be read".into()))?;
    // Read on a thread, at most one byte past the limit, so neither a flood nor a hang holds
    // keyturn: the wait below is bounded either way.
    let reader = std::thread::spawn(move || {
        let mut buf = Zeroizing::new(Vec::new());
        let read = (&mut stdout)
            .take(MAX_PASSPHRASE_BYTES as u64 + 1)
            .read_to_end(&mut buf);
        read.map(|_| buf)
    });
    let deadline = std::time::Instant::now() + timeout;
    let timed_out = || {
        failed(format!(
            "it did not finish within {}s (KEYTURN_PASSPHRASE_COMMAND should print the passphrase and exit)",
            timeout.as_secs()
        ))
    };
    // First its output: whole (stdout closed), or cut at the limit, or out of time.
    while !reader.is_finished() {
        if std::time::Instant::now() >= deadline {
            stop(&mut child);
            return Err(timed_out());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = reader
        .join()
        .map_err(|_| failed("reading its output failed".into()))?
        .map_err(|e| failed(e.to_string()))?;
    if out.len() > MAX_PASSPHRASE_BYTES {
        stop(&mut child);
        return Err(failed(format!(
            "it printed more than {MAX_PASSPHRASE_BYTES} bytes, which is not a passphrase"
        )));
    }
    // Then its exit, within the same time.
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| failed(e.to_string()))? {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            stop(&mut child);
            return Err(timed_out());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    if !status.success() {
        return Err(failed(format!("it exited with {status}")));
    }
    Ok(out)
}

/// Reads the passphrase file, refusing one longer than a passphrase can be.
fn read_passphrase_file(path: &Path) -> Result<String, KeystoreError> {
    use std::io::Read;
    let io = |source| KeystoreError::Io {
        action: "read the passphrase file",
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(MAX_PASSPHRASE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(io)?;
    if bytes.len() > MAX_PASSPHRASE_BYTES {
        return Err(KeystoreError::PassphraseFile {
            path: path.to_path_buf(),
            detail: format!(
                "it holds more than {MAX_PASSPHRASE_BYTES} bytes, which is not a passphrase"
            ),
        });
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| KeystoreError::PassphraseFile {
        path: path.to_path_buf(),
        detail: "it is not UTF-8".into(),
    })
}

/// A warning when the passphrase file can be read by group or others.
pub fn passphrase_file_warning() -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let file = std::env::var_os("KEYTURN_PASSPHRASE_FILE").filter(|v| !v.is_empty())?;
    let path = expand_home(&file);
    let mode = std::fs::metadata(&path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "The passphrase file {} can be read by others (mode {:o}); `chmod 600` it.",
            path.display(),
            mode & 0o777
        )
    })
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
            "The passphrase from {var} does not open {}. Nothing was changed; correct {var} (if it is right, the file's header may be damaged: `keyturn keys undo` restores the backup).",
            path.display()
        )
    })
}

/// The non-interactive source, if any is configured.
pub fn from_environment(config_identity: Option<&Path>) -> Result<Option<Unlock>, KeystoreError> {
    if let Some(id) = std::env::var_os("KEYTURN_IDENTITY").filter(|v| !v.is_empty()) {
        return Ok(Some(Unlock::Identity(expand_home(&id))));
    }
    if let Some(id) = config_identity {
        return Ok(Some(Unlock::Identity(expand_home(id))));
    }
    if let Some(cmd) = std::env::var_os("KEYTURN_PASSPHRASE_COMMAND").filter(|v| !v.is_empty()) {
        let stdout = run_passphrase_command(&cmd, COMMAND_TIMEOUT)?;
        let text =
            String::from_utf8(stdout.to_vec()).map_err(|_| KeystoreError::PassphraseCommand {
                detail: "its output is not UTF-8".into(),
            })?;
        return Ok(Some(Unlock::Passphrase(SecretString::from(strip_newline(
            text,
        )))));
    }
    if let Some(file) = std::env::var_os("KEYTURN_PASSPHRASE_FILE").filter(|v| !v.is_empty()) {
        let path = expand_home(&file);
        let text = read_passphrase_file(&path)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_passphrase_command_is_bounded_in_time_and_size() {
        let ok = run_passphrase_command(
            std::ffi::OsStr::new("printf 'pass word'"),
            Duration::from_secs(5),
        );
        assert_eq!(ok.unwrap().as_slice(), b"pass word");
        let slow =
            run_passphrase_command(std::ffi::OsStr::new("sleep 5"), Duration::from_millis(200));
        assert!(
            slow.unwrap_err()
                .to_string()
                .contains("did not finish within")
        );
        // `yes` prints forever: stopped at the limit, at once.
        let flood = run_passphrase_command(std::ffi::OsStr::new("yes"), Duration::from_secs(30));
        assert!(
            flood
                .unwrap_err()
                .to_string()
                .contains("more than 4096 bytes")
        );
        let failed = run_passphrase_command(std::ffi::OsStr::new("exit 3"), Duration::from_secs(5));
        assert!(failed.unwrap_err().to_string().contains("exited with"));
    }

    #[test]
    fn the_passphrase_file_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 10_000]).unwrap();
        assert!(
            read_passphrase_file(&big)
                .unwrap_err()
                .to_string()
                .contains("more than 4096")
        );
        // A device that never ends is read only up to the limit.
        let zero = read_passphrase_file(Path::new("/dev/zero")).unwrap_err();
        assert!(zero.to_string().contains("more than 4096"), "{zero}");
        let ok = dir.path().join("ok");
        std::fs::write(&ok, "secret\n").unwrap();
        assert_eq!(read_passphrase_file(&ok).unwrap(), "secret\n");
    }
}
