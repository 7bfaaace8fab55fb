//! Key store failures, each with what happened and what to do next. Never holds a secret.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("There is no key store at {} yet. Add a key with `keyturn keys add PROVIDER` or from the key manager (F3).", path.display())]
    Missing { path: PathBuf },
    #[error("Wrong passphrase for {}. Nothing was changed; try again.", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("{} cannot be opened with {what}: {detail}", path.display())]
    WrongIdentity {
        path: PathBuf,
        what: String,
        detail: String,
    },
    #[error("{} is damaged or is not a keyturn key file ({detail}). The previous version may be in {}.bak; `keyturn keys undo` restores it.", path.display(), path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("{} is empty. keyturn never leaves an empty key file: restore the backup with `keyturn keys undo`, or move the file away to start afresh.", path.display())]
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
    #[error("Could not {action} {}: {source}. Nothing was changed; fix the cause (disk full? read-only?) and retry.", path.display())]
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
    #[error("An empty passphrase would protect nothing; choose one.")]
    EmptyPassphrase,
}

/// age's messages wrap values in Unicode isolation marks (U+2068/U+2069); strip them.
pub fn clean_age_message(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .collect::<String>()
        .trim()
        .to_string()
}
