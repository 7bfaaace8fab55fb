//! The one error type of the subcommands. Each knows its exit code; `main` prints it once.

use super::exit;
use crate::keystore::KeystoreError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad argument, config or input: nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// A provider config cannot use, or no home directory for keyturn's files.
    #[error(transparent)]
    ProviderConfig(#[from] crate::config::ProviderConfigError),
    #[error(transparent)]
    NoHome(#[from] crate::config::NoHomeError),
    /// The key store could not be opened or saved.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// The provider or the network failed (the message is already redacted).
    #[error("{0}")]
    Provider(String),
    /// The command's output could not be written (a full disk, a closed file).
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// Ctrl-C while a reply streamed.
    #[error("interrupted")]
    Interrupted,
    /// The command already said what went wrong on its own output (a failed check, a search
    /// that found nothing); only the exit code is left to give.
    #[error("")]
    Said(u8),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::ProviderConfig(_) | CliError::NoHome(_) => exit::USAGE,
            CliError::Keystore(
                KeystoreError::NoSuchKey { .. }
                | KeystoreError::NothingToUndo
                | KeystoreError::AlreadyStored { .. },
            ) => exit::USAGE,
            CliError::Keystore(_) => exit::KEYSTORE,
            CliError::Provider(_) => exit::PROVIDER,
            CliError::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
            CliError::Output(_) => exit::PROVIDER,
            CliError::Interrupted => exit::INTERRUPTED,
            CliError::Said(code) => *code,
        }
    }

    /// What to print on stderr, if anything: a reader that closed early (`| head`) is not an
    /// error, and a command that already said it adds nothing.
    pub fn message(&self) -> Option<String> {
        match self {
            CliError::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
            CliError::Said(_) => None,
            CliError::Interrupted => Some("\nkeyturn: interrupted".into()),
            CliError::Keystore(KeystoreError::WrongPassphrase { path }) => Some(format!(
                "keyturn: {}",
                crate::keystore::unlock::wrong_passphrase_from_environment(path)
                    .unwrap_or_else(|| self.to_string())
            )),
            other => Some(format!("keyturn: {other}")),
        }
    }
}

/// The exit code for a subcommand's result, after printing its error once.
pub fn finish(result: Result<(), CliError>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            if let Some(m) = e.message() {
                // Not eprintln!: a terminal that went away must not turn the exit into a panic.
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "{m}");
            }
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_knows_its_exit_code() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(CliError::Output(pipe).exit_code(), exit::OK);
        assert_eq!(CliError::Output(full).exit_code(), exit::PROVIDER);
        assert_eq!(CliError::Usage("x".into()).exit_code(), exit::USAGE);
        assert_eq!(
            CliError::Keystore(KeystoreError::NothingToUndo).exit_code(),
            exit::USAGE
        );
        assert_eq!(CliError::Interrupted.exit_code(), exit::INTERRUPTED);
        assert_eq!(CliError::Said(1).message(), None);
    }
}
