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
    /// Write keys.age (and its backup) again for its identity and keystore.recipients now,
    /// rather than at the next change.
    Reencrypt,
    /// Write chosen keys to a bundle encrypted to other machines' age or SSH public keys
    /// (an armored age file; `keys import` on the other machine, or `age -d -i KEY`, opens it).
    Export {
        /// Only this provider's keys (repeatable; default: every key).
        #[arg(long = "provider", value_name = "PROVIDER",
              add = clap_complete::ArgValueCandidates::new(crate::cli::complete::providers))]
        providers: Vec<String>,
        /// Only this key (repeatable; `keyturn keys list` shows ids).
        #[arg(long = "key", value_name = "ID",
              add = clap_complete::ArgValueCandidates::new(crate::cli::complete::key_ids))]
        keys: Vec<String>,
        /// Encrypt to this age recipient (age1…), SSH public key (ssh-ed25519 …, ssh-rsa …), or
        /// a file of them (a .pub file, an authorized_keys); repeatable, at least one.
        #[arg(
            long = "recipient",
            short = 'r',
            value_name = "RECIPIENT",
            required = true
        )]
        recipients: Vec<String>,
        /// Write the bundle to FILE (made 0600) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Add the keys of a bundle made by `keys export` (or `age -r` from the documented JSON):
    /// new keys are added, keys already stored skipped, clashing labels renamed; one save.
    Import {
        /// The bundle file ("-" for standard input).
        file: PathBuf,
        /// The age identity file or SSH private key it was encrypted to. Default:
        /// keystore.identity_file, else ~/.ssh/id_ed25519, else ~/.ssh/id_rsa.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
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
