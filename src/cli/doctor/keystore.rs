//! The doctor's checks of the key store: present, private, how it unlocks, and whole.

use super::{Check, Status, check, env};
use crate::config::{Config, Paths};
use crate::keystore::{KeyStore, file::permission_warnings};

pub(super) fn keystore_checks(paths: &Paths, config: Option<&Config>) -> Vec<Check> {
    let path = paths.keys_file();
    if !KeyStore::exists(&path) {
        // Nothing to warn about when no configured provider needs a key (a local server).
        let keyless = config.is_some_and(|c| {
            !c.providers.is_empty()
                && c.providers.keys().all(|id| {
                    c.provider(id, None)
                        .is_ok_and(|p| p.auth != crate::config::AuthKind::Key)
                })
        });
        return vec![if keyless {
            check(
                "key store",
                Status::Pass,
                format!("no {} (no configured provider needs a key)", path.display()),
                None,
            )
        } else {
            check(
                "key store",
                Status::Warn,
                format!("no {} yet", path.display()),
                Some("add a key: `keyturn keys add PROVIDER` or F3 in the TUI"),
            )
        }];
    }
    let mut out = Vec::new();
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => out.push(check(
            "key store",
            Status::Pass,
            format!("{} present", path.display()),
            None,
        )),
        _ => out.push(check(
            "key store",
            Status::Fail,
            format!("{} is not a regular file", path.display()),
            Some("move it away"),
        )),
    }
    let warnings = permission_warnings(&path);
    if warnings.is_empty() {
        out.push(check(
            "key permissions",
            Status::Pass,
            "file 0600, directory 0700",
            None,
        ));
    } else {
        for w in warnings {
            out.push(check(
                "key permissions",
                Status::Fail,
                w,
                Some("`keyturn keys fix-permissions`"),
            ));
        }
    }
    let identity = env("KEYTURN_IDENTITY")
        .map(std::path::PathBuf::from)
        .or_else(|| config.and_then(|c| c.keystore.identity_file.clone()));
    let unlock = if let Some(id) = identity {
        let id = crate::keystore::unlock::expand_home(&id);
        if id.exists() {
            check(
                "unlock method",
                Status::Pass,
                format!("identity file {}", id.display()),
                None,
            )
        } else {
            check(
                "unlock method",
                Status::Fail,
                format!("identity file {} does not exist", id.display()),
                Some("fix keystore.identity_file or KEYTURN_IDENTITY"),
            )
        }
    } else if let Some(var) = crate::keystore::unlock::passphrase_variable() {
        match crate::keystore::unlock::passphrase_file_warning() {
            Some(w) => check("unlock method", Status::Warn, w, Some("chmod 600 the file")),
            None => check(
                "unlock method",
                Status::Pass,
                format!("passphrase from {var}"),
                None,
            ),
        }
    } else {
        check(
            "unlock method",
            Status::Pass,
            "passphrase asked on the terminal",
            None,
        )
    };
    out.push(unlock);
    out.push(content_check(&path, config));
    out
}

/// Whether keys.age is whole: its structure always (empty, truncated and foreign files are
/// caught offline), and its content when a non-interactive unlock source is set.
fn content_check(path: &std::path::Path, config: Option<&Config>) -> Check {
    let damaged = |detail: String| {
        check(
            "key file",
            Status::Fail,
            detail,
            Some(
                "restore the backup with `keyturn keys undo`, or move the file away to start afresh",
            ),
        )
    };
    let bytes = match crate::keystore::file::read(path) {
        Ok(Some(b)) => b,
        Ok(None) => return check("key file", Status::Warn, "gone while checking", None),
        Err(e) => return damaged(e.to_string()),
    };
    if let Err(detail) = crate::keystore::crypto::check_structure(&bytes) {
        return damaged(format!("{} is damaged: {detail}", path.display()));
    }
    let identity = config.and_then(|c| c.keystore.identity_file.as_deref());
    match crate::keystore::unlock::from_environment(identity) {
        Ok(Some(unlock)) => match KeyStore::open(path, unlock, &mut |_| None) {
            Ok(store) => check(
                "key file",
                Status::Pass,
                format!(
                    "opens ({})",
                    crate::text::count(store.entries().len(), "key")
                ),
                None,
            ),
            Err(e) => damaged(e.to_string()),
        },
        Ok(None) => check(
            "key file",
            Status::Pass,
            "structure intact (its content is checked when it is unlocked)",
            None,
        ),
        Err(e) => check("key file", Status::Fail, e.to_string(), None),
    }
}
