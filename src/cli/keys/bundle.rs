//! `keyturn keys export` and `keyturn keys import`: keys carried to another machine in a
//! bundle encrypted to its age or SSH public keys (`keystore::bundle`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::describe;
use super::open::{Ctx, Destination, ask_tty, open};
use crate::cli::CliError;
use crate::keystore::KeyOp;
use crate::keystore::bundle::{self, BundleError};
use crate::time::now;

impl From<BundleError> for CliError {
    fn from(e: BundleError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// Writes the chosen keys (every key, or those of `providers` and `keys`) to a bundle for
/// `recipients`, in `output` (0600) or on standard output.
pub(super) fn export(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    providers: &[String],
    keys: &[String],
    recipients: &[String],
    output: Option<&Path>,
) -> Result<(), CliError> {
    // Recipients are checked before the store is opened: a typo costs no passphrase.
    let mut all = Vec::new();
    for spec in recipients {
        all.extend(bundle::recipients(spec)?);
    }
    let store = open(ctx)?;
    for id in keys {
        store.find(id)?;
    }
    let chosen: Vec<_> = store
        .entries()
        .iter()
        .filter(|e| {
            let by_provider = providers.is_empty() || providers.contains(&e.provider);
            let by_id = keys.is_empty() || keys.contains(&e.id);
            // Named keys are chosen whatever their provider; providers add theirs.
            if keys.is_empty() || providers.is_empty() {
                by_provider && by_id
            } else {
                by_provider || by_id
            }
        })
        .collect();
    if chosen.is_empty() {
        return Err(CliError::Usage(
            "no stored key matches: `keyturn keys list` shows the providers and ids".into(),
        ));
    }
    let sealed = bundle::seal(&chosen, &all, now())?;
    let what = format!(
        "{} key{} ({}) for {} recipient{}",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        chosen
            .iter()
            .map(|e| describe(e))
            .collect::<Vec<_>>()
            .join(", "),
        all.len(),
        if all.len() == 1 { "" } else { "s" },
    );
    match output {
        Some(path) => {
            crate::private_fs::write(path, &sealed)
                .map_err(|e| CliError::Usage(format!("could not write {}: {e}", path.display())))?;
            writeln!(
                out,
                "Wrote {what} to {}. On the other machine: `keyturn keys import {}`.",
                path.display(),
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            )?;
        }
        None => {
            out.write_all(&sealed)?;
            eprintln!("keyturn: exported {what}");
        }
    }
    Ok(())
}

/// The identity to open a bundle with: the one given, else the store's own, else the usual
/// SSH keys.
fn identity_path(ctx: &Ctx<'_>, given: Option<&Path>) -> Result<PathBuf, CliError> {
    given
        .map(Path::to_path_buf)
        .or_else(|| bundle::default_identity(ctx.config.keystore.identity_file.as_deref()))
        .ok_or_else(|| {
            CliError::Usage(
                "no identity to open the bundle with: give --identity (the age identity file or SSH private key it was encrypted to)".into(),
            )
        })
}

/// Adds a bundle's keys to the store: new ones added, the same secrets skipped, clashing
/// labels renamed; one save (with the usual backup).
pub(super) fn import(
    ctx: &Ctx<'_>,
    out: &mut impl Write,
    file: &Path,
    identity: Option<&Path>,
) -> Result<(), CliError> {
    let mut bytes = Vec::new();
    let read = if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(8 << 20)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(8 << 20).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::Usage(format!("could not read {}: {e}", file.display())))?;
    let id_path = identity_path(ctx, identity)?;
    let identities = crate::keystore::identity::load_identities(&id_path, &mut ask_tty)?;
    let incoming = bundle::open(&bytes, &identities, now())?;
    let destination = Destination::prepare(ctx)?;
    let mut store = destination.into_store(ctx)?;
    let plan = bundle::plan_merge(store.entries(), incoming);
    for (from, to) in &plan.renamed {
        writeln!(out, "Label {from:?} is taken: imported as {to:?}.")?;
    }
    for d in &plan.duplicates {
        writeln!(out, "Already stored, skipped: {d}.")?;
    }
    if plan.add.is_empty() {
        writeln!(out, "Nothing new to import.")?;
        return Ok(());
    }
    let added: Vec<String> = plan.add.iter().map(describe).collect();
    store.commit(KeyOp::Many(plan.add.into_iter().map(KeyOp::Add).collect()))?;
    writeln!(
        out,
        "Imported {} key{}: {}. `keyturn keys test --all` checks them here.",
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        added.join(", ")
    )?;
    Ok(())
}
