//! Opening the key store from the CLI: unlock sources in order, or a new store.

use std::path::PathBuf;

use secrecy::SecretString;

use super::prompt;
use crate::config::{Config, Paths};
use crate::keystore::{KeyStore, KeystoreError, Unlock, unlock};

pub(super) struct Ctx<'a> {
    pub(super) config: &'a Config,
    pub(super) path: PathBuf,
}

pub(super) fn ask_tty(prompt_text: &str) -> Option<SecretString> {
    prompt::hidden(prompt_text)
}

fn unlock_for_open(config: &Config, path: &std::path::Path) -> Result<Unlock, KeystoreError> {
    if let Some(u) = unlock::from_environment(config.keystore.identity_file.as_deref())? {
        return Ok(u);
    }
    prompt::hidden(&format!("Passphrase for {}", path.display()))
        .map(Unlock::Passphrase)
        .ok_or(KeystoreError::NoPassphraseSource)
}

pub(super) fn open(ctx: &Ctx) -> Result<KeyStore, KeystoreError> {
    if !KeyStore::exists(&ctx.path) {
        return Err(KeystoreError::Missing {
            path: ctx.path.clone(),
        });
    }
    let mut store = KeyStore::open(
        &ctx.path,
        unlock_for_open(ctx.config, &ctx.path)?,
        &mut ask_tty,
    )?;
    with_recipients(ctx, &mut store);
    for w in &store.warnings {
        eprintln!("warning: {w} Fix it with `keyturn keys fix-permissions`.");
    }
    if let Some(w) = crate::keystore::unlock::passphrase_file_warning() {
        eprintln!("warning: {w}");
    }
    Ok(store)
}

/// Opens the store when there is one (for commands that need a provider key).
pub fn open_existing(paths: &Paths, config: &Config) -> Result<Option<KeyStore>, KeystoreError> {
    let ctx = Ctx {
        config,
        path: paths.keys_file(),
    };
    if !KeyStore::exists(&ctx.path) {
        return Ok(None);
    }
    open(&ctx).map(Some)
}

/// The store to add to: opened when it exists, or, when it does not, how the new one will be
/// protected (asked now, so no key is tested before it is known the store can be made).
pub(super) enum Destination {
    Open(KeyStore),
    New(Unlock),
}

impl Destination {
    pub(super) fn prepare(ctx: &Ctx) -> Result<Self, KeystoreError> {
        if KeyStore::exists(&ctx.path) {
            return open(ctx).map(Destination::Open);
        }
        let unlock = match unlock::from_environment(ctx.config.keystore.identity_file.as_deref())? {
            Some(u) => u,
            None if !prompt::has_tty() => return Err(KeystoreError::NoWayToCreate),
            None => prompt::new_passphrase("the new key store")
                .map(Unlock::Passphrase)
                .ok_or(KeystoreError::NoWayToCreate)?,
        };
        Ok(Destination::New(unlock))
    }

    /// A secret this store holds already for the provider (refused before any test).
    pub(super) fn holds(&self, provider: &str, secret: &SecretString) -> bool {
        match self {
            Destination::Open(store) => store.holds_for(provider, secret),
            Destination::New(_) => false,
        }
    }

    pub(super) fn into_store(self, ctx: &Ctx) -> Result<KeyStore, KeystoreError> {
        match self {
            Destination::Open(store) => Ok(store),
            Destination::New(unlock) => create(ctx, unlock),
        }
    }
}

/// `keystore.recipients` join the store's own recipient for its saves; one that cannot be
/// read is a warning (the store still opens).
fn with_recipients(ctx: &Ctx, store: &mut KeyStore) {
    if let Err(e) = store.add_recipients(&ctx.config.keystore.recipients) {
        eprintln!("warning: {e}");
    }
}

fn create(ctx: &Ctx, unlock: Unlock) -> Result<KeyStore, KeystoreError> {
    let existed = KeyStore::exists(&ctx.path);
    let mut store = KeyStore::create_or_open(
        &ctx.path,
        unlock,
        ctx.config.keystore.scrypt_work_factor,
        &mut ask_tty,
    )?;
    with_recipients(ctx, &mut store);
    if !existed {
        eprintln!(
            "Created {} (protected by {}).",
            ctx.path.display(),
            store.material().describe()
        );
    }
    Ok(store)
}

/// For `keys undo` when keys.age itself cannot be read: the backup, if it opens, replaces it
/// (the damaged file is kept aside).
pub(super) fn recover(ctx: &Ctx) -> Result<KeyStore, KeystoreError> {
    let unlock = unlock_for_open(ctx.config, &crate::keystore::backup_path(&ctx.path))?;
    KeyStore::recover_from_backup(&ctx.path, unlock, &mut ask_tty)
}
