//! One function per `keyturn keys` command; each writes its result to `out` and returns
//! its error for `main` to print.

use std::io::Write;

use secrecy::SecretString;

use super::open::{Ctx, Destination, ask_tty, open};
use super::{describe, print_list, prompt, read_new_secret, record, test_entry, test_new_secret};
use crate::cli::{CliError, exit};
use crate::keystore::{KeyCheck, KeyEntry, KeyOp, KeystoreError, Unlock, unlock};
use crate::time::now;

/// Lists the keys (masked).
pub(super) fn list(ctx: &Ctx<'_>, out: &mut impl Write) -> Result<(), CliError> {
    // No store is an empty list, not an error: nothing to unlock, nothing wrong.
    if !crate::keystore::KeyStore::exists(&ctx.path) {
        writeln!(
            out,
            "No keys yet. Add one with `keyturn keys add PROVIDER` or from the key manager (F3)."
        )?;
        return Ok(());
    }
    print_list(out, &open(ctx)?)?;
    Ok(())
}

/// Adds a key read from stdin or a hidden prompt, tested first.
pub(super) async fn add(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    provider: String,
    label: String,
    force: bool,
) -> Result<(), CliError> {
    // Where it will be saved is settled first: no key is tested for a store that cannot be
    // opened or made.
    let destination = Destination::prepare(ctx)?;
    let secret = read_new_secret(&provider)?;
    if destination.holds(&provider, &secret) {
        return Err(KeystoreError::AlreadyStored { provider }.into());
    }
    let outcome = test_new_secret(ctx, &provider, &secret, force).await?;
    let mut store = destination.into_store(ctx)?;
    let mut entry = KeyEntry::new(&provider, &label, secret, now());
    entry.last_test = outcome.as_ref().map(record);
    let id = store.add(entry)?;
    let e = store.find(&id)?;
    writeln!(
        out,
        "Added {}{}.",
        describe(e),
        if e.active { ", active" } else { "" }
    )?;
    Ok(())
}

/// Tests one key or all of them; exit 1 when any is not valid.
pub(super) async fn test(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    id: Option<String>,
    all: bool,
) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    let targets: Vec<KeyEntry> = match (id, all) {
        (Some(id), false) => vec![store.find(&id)?.clone()],
        (None, true) => store.entries().to_vec(),
        _ => {
            return Err(CliError::Usage("give a key id or --all".into()));
        }
    };
    let client = crate::providers::http::build_client(ctx.config.timeouts());
    let outcomes =
        futures_util::future::join_all(targets.iter().map(|e| test_entry(ctx.config, &client, e)))
            .await;
    let mut all_valid = true;
    let mut records = Vec::new();
    for (e, o) in targets.iter().zip(outcomes) {
        writeln!(out, "{}: {} — {}", describe(e), o.check.label(), o.detail)?;
        all_valid &= o.check == KeyCheck::Valid;
        records.push((e.id.clone(), record(&o)));
    }
    // Test results are not a change to undo: the backup is left as it was.
    store.record_tests(records)?;
    if all_valid {
        Ok(())
    } else {
        Err(CliError::Said(exit::PROVIDER))
    }
}

/// Replaces a key's secret; the old one stays in the backup.
pub(super) async fn rotate(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    id: String,
    force: bool,
) -> Result<(), CliError> {
    let store = open(ctx)?;
    let entry = store.find(&id)?.clone();
    let secret = read_new_secret(&entry.provider)?;
    // Refused before it is tested: a secret stored as a key of the provider already.
    if store.holds_for(&entry.provider, &secret) {
        return Err(KeystoreError::AlreadyStored {
            provider: entry.provider,
        }
        .into());
    }
    drop(store);
    let outcome = test_new_secret(ctx, &entry.provider, &secret, force).await?;
    let mut store = open(ctx)?;
    store.rotate(&entry.id, secret, now(), outcome.as_ref().map(record))?;
    writeln!(
        out,
        "Rotated {}. The old key stays in the backup until the next change: `keyturn keys undo` restores it, `keyturn keys purge-backup` forgets it.",
        describe(store.find(&entry.id)?)
    )?;
    Ok(())
}

/// Swaps the key store with its backup.
pub(super) fn undo(ctx: &Ctx<'_>, out: &mut impl Write) -> Result<(), CliError> {
    let mut store = match open(ctx) {
        Ok(s) => s,
        // keys.age cannot be read: the backup is the way back (that is what the error said).
        Err(e) if e.backup_may_restore() => {
            let store = super::open::recover(ctx)?;
            writeln!(
                out,
                "Restored {} from its backup ({}); the damaged file is kept as {}.",
                ctx.path.display(),
                crate::text::count(store.entries().len(), "key"),
                crate::keystore::with_suffix(&ctx.path, ".damaged").display()
            )?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    store.undo()?;
    writeln!(
        out,
        "Restored the previous version ({}). Run `keyturn keys undo` again to redo.",
        crate::text::count(store.entries().len(), "key")
    )?;
    Ok(())
}

/// Deletes a key, and the backup that still holds it when asked.
pub(super) fn rm(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    id: String,
    yes: bool,
    purge_backup: bool,
) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    let entry = store.find(&id)?.clone();
    if !yes && !prompt::confirm(&format!("Delete key {}?", describe(&entry))) {
        return Err(CliError::Usage(
            "not deleted (pass --yes to delete without asking)".into(),
        ));
    }
    store.commit(KeyOp::Remove {
        id: entry.id.clone(),
    })?;
    writeln!(out, "Deleted {}.", describe(&entry))?;
    if store.backup_holds(&entry.id) {
        if purge_backup
            || prompt::confirm("The backup still holds this key. Delete the backup too?")
        {
            store.purge_backup()?;
            writeln!(out, "Deleted the backup.")?;
        } else {
            writeln!(
                out,
                "The backup still holds it: `keyturn keys undo` brings it back, `keyturn keys purge-backup` forgets it."
            )?;
        }
    }
    Ok(())
}

/// Makes a key its provider's active one.
pub(super) fn activate(ctx: &Ctx<'_>, out: &mut impl Write, id: String) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    let entry = store.find(&id)?.clone();
    store.commit(KeyOp::Activate {
        id: entry.id.clone(),
    })?;
    writeln!(
        out,
        "{} is now the active key for {}.",
        describe(&entry),
        entry.provider
    )?;
    Ok(())
}

/// Renames a key.
pub(super) fn relabel(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    id: String,
    label: String,
) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    let entry = store.find(&id)?.clone();
    store.commit(KeyOp::Relabel {
        id: entry.id.clone(),
        label,
    })?;
    writeln!(out, "Relabelled {}.", describe(store.find(&entry.id)?))?;
    Ok(())
}

/// Sets or removes a key's monthly cap.
pub(super) fn cap(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    id: String,
    usd: String,
) -> Result<(), CliError> {
    let monthly_usd = match usd.trim() {
        "none" | "off" | "" => None,
        v => match crate::chat::money::Usd::parse(v) {
            Some(v) => Some(v),
            None => {
                return Err(CliError::Usage(format!(
                    "a cap is dollars a month, e.g. 5 or 12.50, or \"none\" (got {usd:?})"
                )));
            }
        },
    };
    let mut store = open(ctx)?;
    let entry = store.find(&id)?.clone();
    store.commit(KeyOp::SetCap {
        id: entry.id.clone(),
        monthly_usd,
    })?;
    match monthly_usd {
        Some(v) => writeln!(
            out,
            "{}: monthly cap ${v}.",
            describe(store.find(&entry.id)?)
        )?,
        None => writeln!(out, "{}: no monthly cap.", describe(store.find(&entry.id)?))?,
    }
    Ok(())
}

/// Imports keys found in the environment.
pub(super) fn import_env(ctx: &Ctx<'_>, out: &mut impl Write) -> Result<(), CliError> {
    let found = crate::runtime::api_keys::env_keys(ctx.config);
    if found.is_empty() {
        let names: Vec<String> = crate::runtime::api_keys::key_env_vars(ctx.config)
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        writeln!(
            out,
            "No keys found in the environment ({}).",
            names.join(", ")
        )?;
        return Ok(());
    }
    let mut store = Destination::prepare(ctx)?.into_store(ctx)?;
    let mut imported = Vec::new();
    for (var, id) in store.import(found, now())? {
        match id {
            Some(id) => {
                writeln!(out, "{var}: imported as {}.", describe(store.find(&id)?))?;
                imported.push(var);
            }
            None => writeln!(out, "{var}: already stored.")?,
        }
    }
    if !imported.is_empty() {
        writeln!(
            out,
            "Now unset them (e.g. `unset {}`) and remove them from your shell profile: keyturn reads the encrypted store.",
            imported.join(" ")
        )?;
    }
    Ok(())
}

/// Changes how the store is protected (passphrase or identity).
pub(super) fn passwd(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    identity: Option<std::path::PathBuf>,
) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    let unlock = match identity {
        Some(path) => Unlock::Identity(unlock::expand_home(&path)),
        None => match std::env::var("KEYTURN_NEW_PASSPHRASE")
            .ok()
            .filter(|p| !p.is_empty())
        {
            Some(p) => Unlock::Passphrase(SecretString::from(p)),
            None => prompt::new_passphrase(&ctx.path.display().to_string())
                .map(Unlock::Passphrase)
                .ok_or(KeystoreError::NoTerminalForNewPassphrase)?,
        },
    };
    store.change_unlock(unlock, ctx.config.keystore.scrypt_work_factor, &mut ask_tty)?;
    writeln!(
        out,
        "{} is now protected by {}; the backup was re-encrypted too.",
        ctx.path.display(),
        store.material().describe()
    )?;
    Ok(())
}

/// Deletes the backup.
pub(super) fn purge_backup(ctx: &Ctx<'_>, out: &mut impl Write) -> Result<(), CliError> {
    let store = open(ctx)?;
    let existed = store.purge_backup()?;
    writeln!(
        out,
        "{}",
        if existed {
            "Deleted the backup."
        } else {
            "There was no backup."
        }
    )?;
    Ok(())
}

/// Makes keys.age 0600 and its directory 0700.
pub(super) fn fix_permissions(ctx: &Ctx<'_>, out: &mut impl Write) -> Result<(), CliError> {
    let mut store = open(ctx)?;
    store.fix_permissions()?;
    writeln!(
        out,
        "{} is 0600 and its directory 0700.",
        ctx.path.display()
    )?;
    Ok(())
}
