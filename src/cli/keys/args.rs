//! The arguments of `keyturn keys`.

use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum KeysCmd {
    /// List keys (masked to their last 4 characters).
    List,
    /// Add a key for PROVIDER; the key is read from stdin or a hidden prompt.
    Add {
        /// The provider id (as in config.toml or a built-in one: openai, anthropic, ...).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::providers))]
        provider: String,
        /// A name for the key, shown in lists ("work", "personal").
        #[arg(long, default_value = "")]
        label: String,
        /// Save even if the provider does not accept the key.
        #[arg(long)]
        force: bool,
    },
    /// Test one key (by id) or all keys against their providers, spending no tokens.
    Test {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: Option<String>,
        /// Test every stored key.
        #[arg(long)]
        all: bool,
    },
    /// Replace a key's secret (read from stdin or a hidden prompt); the old one stays in
    /// the backup until the next change, so `keys undo` restores it.
    Rotate {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: String,
        /// Save the new secret even if the provider does not accept it.
        #[arg(long)]
        force: bool,
    },
    /// Undo the last change (swaps with the encrypted backup; run again to redo).
    Undo,
    /// Delete a key.
    Rm {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Also delete the backup, which still holds the key.
        #[arg(long)]
        purge_backup: bool,
    },
    /// Make a key the active one for its provider.
    Activate {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: String,
    },
    /// Change a key's label.
    Label {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: String,
        /// The new label.
        label: String,
    },
    /// Set a key's monthly spending cap in USD ("none" removes it).
    Cap {
        /// The key's id (`keyturn keys list` shows them).
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        id: String,
        /// Dollars a month, e.g. 5 or 12.50; "none" removes the cap.
        usd: String,
    },
    /// Import keys found in well-known environment variables.
    ImportEnv,
    /// Change the passphrase, or move to an identity file with --identity.
    Passwd {
        /// Protect the store with this age identity (or SSH key) file instead.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
    /// Delete the encrypted backup of the previous version.
    PurgeBackup,
    /// Set the key file to 0600 and its directory to 0700.
    FixPermissions,
}
