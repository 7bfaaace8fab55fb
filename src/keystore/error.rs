//! Key store failures, each with what happened and what to do next. Never holds a secret.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("There is no key store at {} yet. Add a key with `keyturn keys add PROVIDER` or from the key manager (F3).", path.display())]
    Missing { path: PathBuf },
    #[error("Wrong passphrase for {}. Nothing was changed; try again. (Sure of it? Then its header may be damaged: `keyturn keys undo` restores the backup.)", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("{} cannot be opened with {what}: {detail}", path.display())]
    WrongIdentity {
        path: PathBuf,
        what: String,
        detail: String,
    },
    #[error("{} is damaged or is not a keyturn key file ({detail}). {}", path.display(), recovery(path))]
    Corrupt { path: PathBuf, detail: String },
    #[error("{} is empty. {}", path.display(), recovery(path))]
    Empty { path: PathBuf },
    #[error("{} is {size} bytes; a key file is never larger than {max} bytes, so this is not one. Move it away and retry.", path.display())]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    #[error("{} is {kind}, not a regular file; keyturn will not read or write through it. Move it away and retry.", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{} was written by a newer keyturn (schema {found}; this one knows {known}). Upgrade keyturn; the file was left untouched.", path.display())]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("{} needs a scrypt work factor of {required}, above the most keyturn accepts ({max}). It was not made by keyturn or age with normal settings.", path.display())]
    ExcessiveWork {
        path: PathBuf,
        required: u8,
        max: u8,
    },
    #[error("Could not {action} {}: {}. Nothing was changed; {} and retry.", path.display(), source, io_advice(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "The key store is locked and there is no way to ask for its passphrase here. Set KEYTURN_PASSPHRASE_FILE, KEYTURN_PASSPHRASE_COMMAND or KEYTURN_PASSPHRASE, or keystore.identity_file in config."
    )]
    NoPassphraseSource,
    #[error(
        "There is no key store yet, and no terminal here to choose its passphrase on. Create it non-interactively: put a passphrase in a file and set KEYTURN_PASSPHRASE_FILE to it (or set KEYTURN_PASSPHRASE or KEYTURN_PASSPHRASE_COMMAND, or KEYTURN_IDENTITY to an age identity file), then run the command again."
    )]
    NoWayToCreate,
    #[error(
        "Choosing a new passphrase needs a terminal to type it twice. Run `keyturn keys passwd` in a terminal, give the new one in KEYTURN_NEW_PASSPHRASE, or pass --identity FILE to protect the store with an age identity instead."
    )]
    NoTerminalForNewPassphrase,
    #[error("Cannot use the identity file {}: {detail}", path.display())]
    BadIdentity { path: PathBuf, detail: String },
    #[error("The passphrase command failed: {detail}")]
    PassphraseCommand { detail: String },
    #[error("The passphrase file {} cannot be used: {detail}", path.display())]
    PassphraseFile { path: PathBuf, detail: String },
    #[error("No key with id {id:?}. `keyturn keys list` shows the ids.")]
    NoSuchKey { id: String },
    #[error("That key is already stored for {provider}.")]
    AlreadyStored { provider: String },
    #[error("There is nothing to undo: no backup of an earlier version exists.")]
    NothingToUndo,
    #[error("{}'s passphrase or identity was changed by another keyturn since this one unlocked it. Unlock again.", path.display())]
    ChangedElsewhere { path: PathBuf },
    #[error("{} is missing but its backup {}.bak is there: `keyturn keys undo` restores it. To start afresh instead, move the backup away first.", path.display(), path.display())]
    MissingWithBackup { path: PathBuf },
    #[error(
        "keystore.recipients needs an identity: a passphrase-protected key store cannot also be encrypted to other keys (age allows a passphrase only alone). Set keystore.identity_file (your SSH key or an age identity) and move the store to it with `keyturn keys passwd --identity FILE`, or remove keystore.recipients."
    )]
    RecipientsNeedIdentity,
    #[error("keystore.recipients: {detail}")]
    BadRecipient { detail: String },
    #[error("An empty passphrase would protect nothing; choose one.")]
    EmptyPassphrase,
}

impl KeystoreError {
    /// keys.age itself could not be read (damaged, empty, missing, or a header damaged so it
    /// reads as a wrong passphrase): restoring the backup is the way back, if it opens.
    pub fn backup_may_restore(&self) -> bool {
        matches!(
            self,
            KeystoreError::Corrupt { .. }
                | KeystoreError::Empty { .. }
                | KeystoreError::TooLarge { .. }
                | KeystoreError::Missing { .. }
                | KeystoreError::WrongPassphrase { .. }
        )
    }
}

/// What to do about a damaged file: the key file has a backup to restore; the backup
/// itself has none (never "keys.age.bak.bak").
fn recovery(path: &std::path::Path) -> String {
    if path.extension().is_some_and(|e| e == "bak") {
        "This is the backup; keys.age itself is not affected. `keyturn keys purge-backup` removes it.".into()
    } else {
        format!(
            "`keyturn keys undo` restores the previous version from {}.bak (the damaged file is kept aside), or move it away to start afresh.",
            path.display()
        )
    }
}

/// The next step for an I/O failure, by its real cause.
fn io_advice(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => "free some disk space",
        K::ReadOnlyFilesystem => {
            "the file system is read-only: remount it or set KEYTURN_HOME elsewhere"
        }
        K::PermissionDenied => "check the owner and mode of the file and its directory",
        K::NotFound => "check that the directory exists",
        K::AlreadyExists => "another keyturn made it first: run the command again",
        _ => "fix the cause",
    }
}

/// age's messages wrap values in Unicode isolation marks (U+2068/U+2069); strip them.
pub fn clean_age_message(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .collect::<String>()
        .trim()
        .to_string()
}
