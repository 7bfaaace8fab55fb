//! The key manager's export and import of key bundles, on the key service's thread with the
//! store unlocked. Errors come back as the sentence the pane shows.

use std::path::Path;

use crate::keystore::bundle;
use crate::keystore::{KeyOp, KeyStore};
use crate::time::now;

/// Writes `provider`'s keys (or all) to `path` for `recipients`; the note says what went.
pub(super) fn export(
    store: &KeyStore,
    provider: Option<&str>,
    recipients: &[String],
    path: &str,
) -> Result<String, String> {
    let mut all = Vec::new();
    for r in recipients {
        all.extend(bundle::recipients(r).map_err(|e| format!("{e}."))?);
    }
    let chosen: Vec<_> = store
        .entries()
        .iter()
        .filter(|e| provider.is_none_or(|p| e.provider == p))
        .collect();
    if chosen.is_empty() {
        return Err("There are no keys to export.".into());
    }
    let sealed = bundle::seal(&chosen, &all, now()).map_err(|e| format!("{e}."))?;
    let file = crate::keystore::unlock::expand_home(path);
    crate::private_fs::write(&file, &sealed)
        .map_err(|e| format!("Could not write {}: {e}.", file.display()))?;
    Ok(format!(
        "Wrote {} key{} to {} for {} recipient{}; there, `keyturn keys import {}` (or I in F3).",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        file.display(),
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        file.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    ))
}

/// Adds the keys of the bundle at `path`, opened with `identity` (or the default one).
pub(super) fn import(
    store: &mut KeyStore,
    path: &str,
    identity: &str,
    configured: Option<&Path>,
) -> Result<String, String> {
    let file = crate::keystore::unlock::expand_home(path);
    let bytes =
        std::fs::read(&file).map_err(|e| format!("Could not read {}: {e}.", file.display()))?;
    let id_path = if identity.is_empty() {
        bundle::default_identity(configured).ok_or(
            "No identity to open it with: type the age identity file or SSH private key it was encrypted to.",
        )?
    } else {
        crate::keystore::unlock::expand_home(identity)
    };
    // No terminal to ask on: a passphrase-protected SSH key is for `keyturn keys import`.
    let identities = crate::keystore::identity::load_identities(&id_path, &mut |_| None)
        .map_err(|e| format!("{e} (a passphrase-protected key: use `keyturn keys import`)."))?;
    let incoming = bundle::open(&bytes, &identities, now()).map_err(|e| format!("{e}."))?;
    let plan = bundle::plan_merge(store.entries(), incoming);
    let note = bundle::describe_plan(&plan);
    if !plan.add.is_empty() {
        store
            .commit(KeyOp::Many(plan.add.into_iter().map(KeyOp::Add).collect()))
            .map_err(|e| e.to_string())?;
    }
    Ok(note)
}
