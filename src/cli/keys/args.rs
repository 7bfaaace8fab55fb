//! The arguments of `keyturn keys`.

use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum KeysCmd {
    /// List keys (masked to their last 4 characters).
    List,
    /// Add a key for PROVIDER; the key is read from stdin or a hidden prompt.
    Add {
        provider: String,
        #[arg(long, default_value = "")]
        label: String,
        /// Save even if the provider does not accept the key.
        #[arg(long)]
        force: bool,
    },
    /// Test one key (by id) or all keys against their providers, spending no tokens.
    Test {
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Replace a key's secret (read from stdin or a hidden prompt); the old one stays in
    /// the backup until the next change, so `keys undo` restores it.
    Rotate {
        id: String,
        #[arg(long)]
        force: bool,
    },
    /// Undo the last change (swaps with the encrypted backup; run again to redo).
    Undo,
    /// Delete a key.
    Rm {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Also delete the backup, which still holds the key.
        #[arg(long)]
        purge_backup: bool,
    },
    /// Make a key the active one for its provider.
    Activate { id: String },
    /// Change a key's label.
    Label { id: String, label: String },
    /// Set a key's monthly spending cap in USD ("none" removes it).
    Cap { id: String, usd: String },
    /// Import keys found in well-known environment variables.
    ImportEnv,
    /// Change the passphrase, or move to an identity file with --identity.
    Passwd {
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
    /// Delete the encrypted backup of the previous version.
    PurgeBackup,
    /// Set the key file to 0600 and its directory to 0700.
    FixPermissions,
}
