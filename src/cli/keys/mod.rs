//! `keyturn keys ...`: the key store from scripts and SSH sessions. Secrets come from stdin
//! or a hidden prompt, never argv. Exit codes: 0 done, 1 a key test failed or was refused,
//! 2 usage or config, 3 the key store could not be opened or saved.

use secrecy::{ExposeSecret, SecretString};

mod args;
mod open;

pub use args::KeysCmd;
pub use open::open_existing;
use open::{Ctx, ask_tty, open, open_or_create};

use super::{CliError, exit, prompt};
use crate::config::{Config, Paths};
use crate::keystore::{
    KeyCheck, KeyEntry, KeyOp, KeyStore, KeystoreError, TestRecord, Unlock, unlock,
};
use crate::providers::hints::prefix_hint;
use crate::providers::validate::{CheckOutcome, check_key};
use crate::text::sanitize::sanitize_line;
use crate::time::{format_date, now};

async fn test_entry(config: &Config, client: &reqwest::Client, entry: &KeyEntry) -> CheckOutcome {
    match config.provider(&entry.provider, None) {
        Ok(choice) => check_key(client, &choice.endpoint, &entry.secret, config.timeouts()).await,
        Err(e) => CheckOutcome {
            check: KeyCheck::Unknown,
            detail: format!("cannot test: {e}"),
        },
    }
}

fn describe(entry: &KeyEntry) -> String {
    format!(
        "{} ({} {}{})",
        entry.id,
        entry.provider,
        entry.masked(),
        if entry.label.is_empty() {
            String::new()
        } else {
            format!(", {}", sanitize_line(&entry.label))
        }
    )
}

/// Reads a new secret, tests it, and decides whether it may be saved.
async fn new_secret_checked(
    ctx: &Ctx<'_>,
    provider: &str,
    force: bool,
) -> Result<(SecretString, Option<CheckOutcome>), CliError> {
    let Some(secret) = prompt::read_secret(&format!("API key for {provider} (hidden)")) else {
        return Err(CliError::Usage(
            "no key given: pipe it on stdin or run in a terminal to be asked (never pass it as an argument)".into(),
        ));
    };
    if secret.expose_secret().is_empty() {
        return Err(CliError::Usage("the key is empty".into()));
    }
    if let Some(hint) = prefix_hint(provider, secret.expose_secret()) {
        eprintln!("hint: {hint}");
    }
    let Ok(choice) = ctx.config.provider(provider, None) else {
        if force {
            return Ok((secret, None));
        }
        return Err(CliError::Usage(format!(
            "no provider {provider:?} in config, so the key cannot be tested; add [providers.{provider}] or pass --force to save it untested"
        )));
    };
    let client = crate::providers::http::build_client(ctx.config.timeouts());
    let outcome = check_key(&client, &choice.endpoint, &secret, ctx.config.timeouts()).await;
    eprintln!("test: {} — {}", outcome.check.label(), outcome.detail);
    if outcome.check != KeyCheck::Valid
        && !force
        && !prompt::confirm("The key was not verified. Save it anyway?")
    {
        return Err(CliError::Provider(
            "not saved (pass --force to save an unverified key)".into(),
        ));
    }
    Ok((secret, Some(outcome)))
}

fn record(outcome: &CheckOutcome) -> TestRecord {
    TestRecord {
        at: now(),
        result: outcome.check,
        detail: outcome.detail.clone(),
    }
}

fn print_list(store: &KeyStore) {
    if store.entries().is_empty() {
        println!("No keys yet. Add one with `keyturn keys add PROVIDER`.");
        return;
    }
    println!(
        "{:<10} {:<12} {:<16} {:<6} {:<6} {:<10} {:<10} {:<9} LAST TEST",
        "ID", "PROVIDER", "LABEL", "KEY", "ACTIVE", "CREATED", "ROTATED", "CAP/MONTH"
    );
    for e in store.entries() {
        let test = e.last_test.as_ref().map_or("-".to_string(), |t| {
            format!("{} ({})", t.result.label(), format_date(t.at))
        });
        println!(
            "{:<10} {:<12} {:<16} {:<6} {:<6} {:<10} {:<10} {:<9} {}",
            e.id,
            sanitize_line(&e.provider),
            crate::text::wrap::truncate(&sanitize_line(&e.label), 16),
            e.masked(),
            if e.active { "*" } else { "" },
            format_date(e.created),
            e.rotated.map_or("-".into(), format_date),
            e.monthly_usd.map_or("-".into(), |v| format!("${v}")),
            test
        );
    }
}

pub async fn run(paths: &Paths, config: &Config, cmd: KeysCmd) -> Result<(), CliError> {
    let ctx = Ctx {
        config,
        path: paths.keys_file(),
    };
    run_inner(&ctx, cmd).await
}

async fn run_inner(ctx: &Ctx<'_>, cmd: KeysCmd) -> Result<(), CliError> {
    match cmd {
        KeysCmd::List => print_list(&open(ctx)?),
        KeysCmd::Add {
            provider,
            label,
            force,
        } => {
            let (secret, outcome) = new_secret_checked(ctx, &provider, force).await?;
            let mut store = open_or_create(ctx)?;
            let mut entry = KeyEntry::new(&provider, &label, secret, now());
            entry.last_test = outcome.as_ref().map(record);
            let id = store.add(entry)?;
            let e = store.find(&id)?;
            println!(
                "Added {}{}.",
                describe(e),
                if e.active { ", active" } else { "" }
            );
        }
        KeysCmd::Test { id, all } => {
            let mut store = open(ctx)?;
            let targets: Vec<KeyEntry> = match (id, all) {
                (Some(id), false) => vec![store.find(&id)?.clone()],
                (None, true) => store.entries().to_vec(),
                _ => {
                    return Err(CliError::Usage("give a key id or --all".into()));
                }
            };
            let client = crate::providers::http::build_client(ctx.config.timeouts());
            let outcomes = futures_util::future::join_all(
                targets.iter().map(|e| test_entry(ctx.config, &client, e)),
            )
            .await;
            let mut all_valid = true;
            let mut records = Vec::new();
            for (e, o) in targets.iter().zip(outcomes) {
                println!("{}: {} — {}", describe(e), o.check.label(), o.detail);
                all_valid &= o.check == KeyCheck::Valid;
                records.push(KeyOp::RecordTest {
                    id: e.id.clone(),
                    record: record(&o),
                });
            }
            store.commit(KeyOp::Many(records))?;
            return if all_valid {
                Ok(())
            } else {
                Err(CliError::Said(exit::PROVIDER))
            };
        }
        KeysCmd::Rotate { id, force } => {
            let store = open(ctx)?;
            let entry = store.find(&id)?.clone();
            drop(store);
            let (secret, outcome) = new_secret_checked(ctx, &entry.provider, force).await?;
            let mut store = open(ctx)?;
            store.rotate(&entry.id, secret, now(), outcome.as_ref().map(record))?;
            println!(
                "Rotated {}. The old key stays in the backup until the next change: `keyturn keys undo` restores it, `keyturn keys purge-backup` forgets it.",
                describe(store.find(&entry.id)?)
            );
        }
        KeysCmd::Undo => {
            let mut store = open(ctx)?;
            store.undo()?;
            println!(
                "Restored the previous version ({} keys). Run `keyturn keys undo` again to redo.",
                store.entries().len()
            );
        }
        KeysCmd::Rm {
            id,
            yes,
            purge_backup,
        } => {
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
            println!("Deleted {}.", describe(&entry));
            if store.backup_holds(&entry.id) {
                if purge_backup
                    || prompt::confirm("The backup still holds this key. Delete the backup too?")
                {
                    store.purge_backup()?;
                    println!("Deleted the backup.");
                } else {
                    println!(
                        "The backup still holds it: `keyturn keys undo` brings it back, `keyturn keys purge-backup` forgets it."
                    );
                }
            }
        }
        KeysCmd::Activate { id } => {
            let mut store = open(ctx)?;
            let entry = store.find(&id)?.clone();
            store.commit(KeyOp::Activate {
                id: entry.id.clone(),
            })?;
            println!(
                "{} is now the active key for {}.",
                describe(&entry),
                entry.provider
            );
        }
        KeysCmd::Label { id, label } => {
            let mut store = open(ctx)?;
            let entry = store.find(&id)?.clone();
            store.commit(KeyOp::Relabel {
                id: entry.id.clone(),
                label,
            })?;
            println!("Relabelled {}.", describe(store.find(&entry.id)?));
        }
        KeysCmd::Cap { id, usd } => {
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
                Some(v) => println!("{}: monthly cap ${v}.", describe(store.find(&entry.id)?)),
                None => println!("{}: no monthly cap.", describe(store.find(&entry.id)?)),
            }
        }
        KeysCmd::ImportEnv => {
            let found = crate::runtime::api_keys::env_keys(ctx.config);
            if found.is_empty() {
                let names: Vec<String> = crate::runtime::api_keys::key_env_vars(ctx.config)
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect();
                println!("No keys found in the environment ({}).", names.join(", "));
                return Ok(());
            }
            let mut store = open_or_create(ctx)?;
            let mut imported = Vec::new();
            for (var, id) in store.import(found, now())? {
                match id {
                    Some(id) => {
                        println!("{var}: imported as {}.", describe(store.find(&id)?));
                        imported.push(var);
                    }
                    None => println!("{var}: already stored."),
                }
            }
            if !imported.is_empty() {
                println!(
                    "Now unset them (e.g. `unset {}`) and remove them from your shell profile: keyturn reads the encrypted store.",
                    imported.join(" ")
                );
            }
        }
        KeysCmd::Passwd { identity } => {
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
                        .ok_or(KeystoreError::NoPassphraseSource)?,
                },
            };
            store.change_unlock(unlock, ctx.config.keystore.scrypt_work_factor, &mut ask_tty)?;
            println!(
                "{} is now protected by {}; the backup was re-encrypted too.",
                ctx.path.display(),
                store.material().describe()
            );
        }
        KeysCmd::PurgeBackup => {
            let store = open(ctx)?;
            let existed = store.purge_backup()?;
            println!(
                "{}",
                if existed {
                    "Deleted the backup."
                } else {
                    "There was no backup."
                }
            );
        }
        KeysCmd::FixPermissions => {
            let mut store = open(ctx)?;
            store.fix_permissions()?;
            println!("{} is 0600 and its directory 0700.", ctx.path.display());
        }
    }
    Ok(())
}
