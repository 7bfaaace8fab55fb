//! Key bundles: chosen keys encrypted to other machines' age or SSH public keys, so one person
//! can carry their keys to the servers they work on without pasting them again
//! (`keyturn keys export` / `import`). A bundle is a standard armored age file: `age -d -i
//! IDENTITY` opens it into this JSON (secrets only ever inside the encryption):
//!
//! ```json
//! {"keyturn_bundle": 1, "exported": 1767225600,
//!  "keys": [{"provider": "openai", "label": "work", "secret": "sk-…", "created": 1767000000,
//!            "rotated": null, "monthly_usd": "20"}]}
//! ```

use std::io::{Read, Write};
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::entry::KeyEntry;

/// The bundle format this keyturn writes and reads.
pub const BUNDLE_FORMAT: u32 = 1;

/// The most a bundle may be: far above any real list of keys.
const MAX_BUNDLE_BYTES: usize = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "{0:?} is not an age recipient (age1…), an SSH public key (ssh-ed25519 …, ssh-rsa …), or a readable file of them"
    )]
    BadRecipient(String),
    #[error("{path} holds no age recipient or SSH public key")]
    NoRecipients { path: String },
    #[error("could not encrypt the bundle: {0}")]
    Encrypt(String),
    #[error(
        "this bundle is not for the identity given: it was encrypted to other keys; give the identity (age identity file or SSH private key) of one of its recipients"
    )]
    NotForThisIdentity,
    #[error("this is not a keyturn key bundle ({0})")]
    NotABundle(String),
    #[error(
        "this bundle was written by a newer keyturn (format {0}); upgrade keyturn to import it"
    )]
    Newer(u32),
}

#[derive(Serialize, Deserialize)]
struct Bundle {
    keyturn_bundle: u32,
    exported: u64,
    keys: Vec<BundledKey>,
}

#[derive(Serialize, Deserialize)]
struct BundledKey {
    provider: String,
    #[serde(default)]
    label: String,
    secret: Zeroizing<String>,
    #[serde(default)]
    created: u64,
    #[serde(default)]
    rotated: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    monthly_usd: Option<crate::chat::money::Usd>,
}

type Recipient = Box<dyn age::Recipient + Send>;

/// One recipient from its text: an age X25519 recipient or an SSH public key line (options
/// before the key type, as in `authorized_keys`, are skipped).
fn parse_one(line: &str) -> Option<Recipient> {
    let line = line.trim();
    if let Ok(r) = line.parse::<age::x25519::Recipient>() {
        return Some(Box::new(r));
    }
    let start = ["ssh-ed25519 ", "ssh-rsa "]
        .iter()
        .filter_map(|t| line.find(t))
        .min()?;
    line[start..]
        .parse::<age::ssh::Recipient>()
        .ok()
        .map(|r| Box::new(r) as Recipient)
}

/// The recipients `spec` names: one recipient, or a file (`~/` expanded: `id_ed25519.pub`, an
/// `authorized_keys`, an age recipients file) with one per line; comments and blank lines
/// are skipped.
pub fn recipients(spec: &str) -> Result<Vec<Recipient>, BundleError> {
    if let Some(r) = parse_one(spec) {
        return Ok(vec![r]);
    }
    let path = super::unlock::expand_home(spec);
    let text =
        std::fs::read_to_string(&path).map_err(|_| BundleError::BadRecipient(spec.into()))?;
    let found: Vec<Recipient> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(parse_one)
        .collect();
    if found.is_empty() {
        return Err(BundleError::NoRecipients {
            path: path.display().to_string(),
        });
    }
    Ok(found)
}

/// The keys, encrypted to every recipient, as an armored age file.
pub fn seal(
    keys: &[&KeyEntry],
    recipients: &[Recipient],
    now: u64,
) -> Result<Vec<u8>, BundleError> {
    let bundle = Bundle {
        keyturn_bundle: BUNDLE_FORMAT,
        exported: now,
        keys: keys
            .iter()
            .map(|k| BundledKey {
                provider: k.provider.clone(),
                label: k.label.clone(),
                secret: Zeroizing::new(k.secret.expose_secret().to_string()),
                created: k.created,
                rotated: k.rotated,
                monthly_usd: k.monthly_usd,
            })
            .collect(),
    };
    let plain = Zeroizing::new(
        serde_json::to_vec_pretty(&bundle).map_err(|e| BundleError::Encrypt(e.to_string()))?,
    );
    let failed = |e: std::io::Error| BundleError::Encrypt(e.to_string());
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| BundleError::Encrypt(super::error::clean_age_message(&e.to_string())))?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(failed)?;
    let mut writer = encryptor.wrap_output(armor).map_err(failed)?;
    writer.write_all(&plain).map_err(failed)?;
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(failed)?;
    Ok(out)
}

/// The keys in a bundle (armored or binary), opened with `identities`. Each gets a fresh id
/// here; nothing is active.
pub fn open(
    bytes: &[u8],
    identities: &[Box<dyn age::Identity + Send + Sync>],
    now: u64,
) -> Result<Vec<KeyEntry>, BundleError> {
    let not = |why: &str| BundleError::NotABundle(why.to_string());
    let reader = age::armor::ArmoredReader::new(bytes);
    let decryptor = age::Decryptor::new(reader).map_err(|_| not("it is not an age file"))?;
    let mut plain = Zeroizing::new(Vec::new());
    let ids = identities.iter().map(|i| i.as_ref() as &dyn age::Identity);
    match decryptor.decrypt(ids) {
        Ok(r) => {
            r.take(MAX_BUNDLE_BYTES as u64 + 1)
                .read_to_end(&mut plain)
                .map_err(|_| not("its content is damaged"))?;
        }
        Err(age::DecryptError::NoMatchingKeys) => return Err(BundleError::NotForThisIdentity),
        Err(_) => return Err(not("it is damaged or protected by a passphrase")),
    }
    if plain.len() > MAX_BUNDLE_BYTES {
        return Err(not("it is far larger than any list of keys"));
    }
    #[derive(Deserialize)]
    struct Format {
        keyturn_bundle: u32,
    }
    let format: Format =
        serde_json::from_slice(&plain).map_err(|_| not("its content is not a key bundle"))?;
    if format.keyturn_bundle > BUNDLE_FORMAT {
        return Err(BundleError::Newer(format.keyturn_bundle));
    }
    let bundle: Bundle =
        serde_json::from_slice(&plain).map_err(|_| not("its key list is malformed"))?;
    Ok(bundle
        .keys
        .into_iter()
        .map(|k| {
            let mut e = KeyEntry::new(
                &k.provider,
                &k.label,
                SecretString::from(k.secret.to_string()),
                if k.created > 0 { k.created } else { now },
            );
            e.rotated = k.rotated;
            e.monthly_usd = k.monthly_usd;
            e
        })
        .collect())
}

/// What importing a bundle into a store does: keys to add, and what it leaves out or renames.
#[derive(Debug, Default)]
pub struct MergePlan {
    pub add: Vec<KeyEntry>,
    /// Keys the store already has (the same secret for the same provider), described.
    pub duplicates: Vec<String>,
    /// Labels already used for another key of the provider: (label, the label it gets).
    pub renamed: Vec<(String, String)>,
}

/// Plans the import of `incoming` into a store holding `existing`: new keys added, the same
/// secret skipped, a label clash renamed ("work (imported)"); nothing is overwritten.
pub fn plan_merge(existing: &[KeyEntry], incoming: Vec<KeyEntry>) -> MergePlan {
    let mut plan = MergePlan::default();
    for mut key in incoming {
        let known = existing.iter().chain(plan.add.iter());
        let same_secret = |e: &&KeyEntry| {
            e.provider == key.provider && e.secret.expose_secret() == key.secret.expose_secret()
        };
        if known.clone().any(|e| same_secret(&e)) {
            plan.duplicates.push(format!(
                "{} {} ({})",
                key.provider,
                key.masked(),
                label_or_none(&key.label)
            ));
            continue;
        }
        let taken = |label: &str| {
            existing
                .iter()
                .chain(plan.add.iter())
                .any(|e| e.provider == key.provider && e.label == label)
        };
        if !key.label.is_empty() && taken(&key.label) {
            let mut n = 1;
            let mut label = format!("{} (imported)", key.label);
            while taken(&label) {
                n += 1;
                label = format!("{} (imported {n})", key.label);
            }
            plan.renamed.push((key.label.clone(), label.clone()));
            key.label = label;
        }
        plan.add.push(key);
    }
    plan
}

/// The identity to open a bundle with when none is given: the store's own
/// (`keystore.identity_file`), else `~/.ssh/id_ed25519`, else `~/.ssh/id_rsa`.
pub fn default_identity(configured: Option<&Path>) -> Option<std::path::PathBuf> {
    if let Some(p) = configured {
        return Some(super::unlock::expand_home(p));
    }
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from)?;
    ["id_ed25519", "id_rsa"]
        .map(|n| home.join(".ssh").join(n))
        .into_iter()
        .find(|p| p.is_file())
}

/// What an import did, in one line: how many were added, skipped and renamed.
pub fn describe_plan(plan: &MergePlan) -> String {
    let mut parts = vec![format!(
        "imported {} key{}",
        plan.add.len(),
        if plan.add.len() == 1 { "" } else { "s" }
    )];
    if !plan.duplicates.is_empty() {
        parts.push(format!("{} already stored", plan.duplicates.len()));
    }
    for (from, to) in &plan.renamed {
        parts.push(format!("{from:?} taken, so {to:?}"));
    }
    let mut line = parts.join("; ");
    line[..1].make_ascii_uppercase();
    line.push('.');
    line
}

fn label_or_none(label: &str) -> &str {
    if label.is_empty() { "no label" } else { label }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(provider: &str, label: &str, secret: &str) -> KeyEntry {
        KeyEntry::new(provider, label, SecretString::from(secret.to_string()), 1)
    }

    #[test]
    fn a_bundle_opens_with_its_recipients_identity_and_no_other() {
        let id = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let recipients = recipients(&id.to_public().to_string()).unwrap();
        let k = key("openai", "work", "sk-proj-abcdefghijklmnop1234");
        let mut capped = key("anthropic", "", "sk-ant-api03-zzzzzzzzzzzz9876");
        capped.monthly_usd = crate::chat::money::Usd::parse("20");
        let sealed = seal(&[&k, &capped], &recipients, 7).unwrap();
        let text = String::from_utf8(sealed.clone()).unwrap();
        assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
        assert!(
            !text.contains("sk-proj") && !text.contains("openai"),
            "nothing in the clear"
        );
        let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(id)];
        let back = open(&sealed, &ids, 9).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            (back[0].provider.as_str(), back[0].label.as_str()),
            ("openai", "work")
        );
        assert_eq!(
            back[0].secret.expose_secret(),
            "sk-proj-abcdefghijklmnop1234"
        );
        assert_eq!(back[1].monthly_usd, crate::chat::money::Usd::parse("20"));
        assert!(back.iter().all(|k| !k.active));
        let wrong: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(other)];
        assert!(matches!(
            open(&sealed, &wrong, 9),
            Err(BundleError::NotForThisIdentity)
        ));
        assert!(matches!(
            open(b"hello", &wrong, 9),
            Err(BundleError::NotABundle(_))
        ));
    }

    #[test]
    fn recipients_come_from_a_line_or_a_file_of_them() {
        let id = age::x25519::Identity::generate();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("authorized_keys");
        std::fs::write(
            &file,
            format!(
                "# servers\n\n{}\nfrom=\"10.0.0.1\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@laptop\n",
                id.to_public()
            ),
        )
        .unwrap();
        assert_eq!(recipients(file.to_str().unwrap()).unwrap().len(), 2);
        assert!(matches!(
            recipients("nonsense"),
            Err(BundleError::BadRecipient(_))
        ));
        let empty = dir.path().join("empty.pub");
        std::fs::write(&empty, "# nothing\n").unwrap();
        assert!(matches!(
            recipients(empty.to_str().unwrap()),
            Err(BundleError::NoRecipients { .. })
        ));
    }

    #[test]
    fn a_merge_adds_new_keys_skips_known_secrets_and_renames_clashing_labels() {
        let existing = vec![
            key("openai", "work", "sk-one-aaaaaaaaaaaaaaaa"),
            key("openai", "work (imported)", "sk-two-bbbbbbbbbbbbbbbb"),
        ];
        let incoming = vec![
            key("openai", "work", "sk-one-aaaaaaaaaaaaaaaa"),
            key("openai", "work", "sk-three-cccccccccccccccc"),
            key("anthropic", "work", "sk-ant-dddddddddddddddd"),
            key("anthropic", "work", "sk-ant-dddddddddddddddd"),
        ];
        let plan = plan_merge(&existing, incoming);
        let added: Vec<(&str, &str)> = plan
            .add
            .iter()
            .map(|k| (k.provider.as_str(), k.label.as_str()))
            .collect();
        assert_eq!(
            added,
            [("openai", "work (imported 2)"), ("anthropic", "work")]
        );
        assert_eq!(plan.duplicates.len(), 2);
        assert!(
            plan.duplicates[0].contains("openai …aaaa (work)"),
            "{:?}",
            plan.duplicates
        );
        assert_eq!(
            plan.renamed,
            [("work".to_string(), "work (imported 2)".to_string())]
        );
    }
}
