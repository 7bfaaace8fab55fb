//! `keyturn keys ...`: the key store from scripts and SSH sessions. Secrets come from stdin
//! or a hidden prompt, never argv. Exit codes: 0 done, 1 a key test failed or was refused,
//! 2 usage or config, 3 the key store could not be opened or saved.

use secrecy::{ExposeSecret, SecretString};

mod args;
mod bundle;
mod commands;
mod open;

pub use args::KeysCmd;
use open::Ctx;
pub use open::open_existing;

use std::io::Write;

use super::{CliError, prompt};
use crate::config::{Config, Paths};
use crate::keystore::{KeyCheck, KeyEntry, KeyStore, TestRecord};
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

/// Reads a new secret from stdin or a hidden prompt (never argv).
fn read_new_secret(provider: &str) -> Result<SecretString, CliError> {
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
    Ok(secret)
}

/// Tests a new secret against its provider and decides whether it may be saved.
async fn test_new_secret(
    ctx: &Ctx<'_>,
    provider: &str,
    secret: &SecretString,
    force: bool,
) -> Result<Option<CheckOutcome>, CliError> {
    let Ok(choice) = ctx.config.provider(provider, None) else {
        if force {
            return Ok(None);
        }
        return Err(CliError::Usage(format!(
            "no provider {provider:?} in config, so the key cannot be tested; add [providers.{provider}] or pass --force to save it untested"
        )));
    };
    let client = crate::providers::http::build_client(ctx.config.timeouts());
    let outcome = check_key(&client, &choice.endpoint, secret, ctx.config.timeouts()).await;
    eprintln!("test: {} — {}", outcome.check.label(), outcome.detail);
    if outcome.check != KeyCheck::Valid
        && !force
        && !prompt::confirm("The key was not verified. Save it anyway?")
    {
        return Err(CliError::Provider(
            "not saved (pass --force to save an unverified key)".into(),
        ));
    }
    Ok(Some(outcome))
}

fn record(outcome: &CheckOutcome) -> TestRecord {
    TestRecord {
        at: now(),
        result: outcome.check,
        detail: outcome.detail.clone(),
    }
}

fn print_list(out: &mut impl Write, store: &KeyStore) -> Result<(), CliError> {
    if store.entries().is_empty() {
        writeln!(
            out,
            "No keys yet. Add one with `keyturn keys add PROVIDER`."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<10} {:<12} {:<16} {:<6} {:<6} {:<10} {:<10} {:<9} LAST TEST",
        "ID", "PROVIDER", "LABEL", "KEY", "ACTIVE", "CREATED", "ROTATED", "CAP/MONTH"
    )?;
    for e in store.entries() {
        let test = e.last_test.as_ref().map_or("-".to_string(), |t| {
            format!("{} ({})", t.result.label(), format_date(t.at))
        });
        writeln!(
            out,
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
        )?;
    }
    Ok(())
}

pub async fn run(paths: &Paths, config: &Config, cmd: KeysCmd) -> Result<(), CliError> {
    let ctx = Ctx {
        config,
        path: paths.keys_file(),
    };
    run_inner(&ctx, cmd).await
}

async fn run_inner(ctx: &Ctx<'_>, cmd: KeysCmd) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let out = &mut stdout;
    use commands::*;
    match cmd {
        KeysCmd::List => list(ctx, out),
        KeysCmd::Add {
            provider,
            label,
            force,
        } => add(ctx, out, provider, label, force).await,
        KeysCmd::Test { id, all } => test(ctx, out, id, all).await,
        KeysCmd::Rotate { id, force } => rotate(ctx, out, id, force).await,
        KeysCmd::Undo => undo(ctx, out),
        KeysCmd::Rm {
            id,
            yes,
            purge_backup,
        } => rm(ctx, out, id, yes, purge_backup),
        KeysCmd::Activate { id } => activate(ctx, out, id),
        KeysCmd::Label { id, label } => relabel(ctx, out, id, label),
        KeysCmd::Cap { id, usd } => cap(ctx, out, id, usd),
        KeysCmd::ImportEnv => import_env(ctx, out),
        KeysCmd::Reencrypt => {
            let mut store = open::open(ctx)?;
            store.reencrypt()?;
            writeln!(
                out,
                "Re-encrypted {} (and its backup) for {} and {} more recipient{}.",
                ctx.path.display(),
                store.material().describe(),
                ctx.config.keystore.recipients.len(),
                if ctx.config.keystore.recipients.len() == 1 {
                    ""
                } else {
                    "s"
                }
            )
            .map_err(CliError::from)
        }
        KeysCmd::Export {
            providers,
            keys,
            recipients,
            output,
        } => bundle::export(ctx, out, &providers, &keys, &recipients, output.as_deref()),
        KeysCmd::Import { file, identity } => bundle::import(ctx, out, &file, identity.as_deref()),
        KeysCmd::Passwd { identity } => passwd(ctx, out, identity),
        KeysCmd::PurgeBackup => purge_backup(ctx, out),
        KeysCmd::FixPermissions => fix_permissions(ctx, out),
    }?;
    out.flush()?;
    Ok(())
}
