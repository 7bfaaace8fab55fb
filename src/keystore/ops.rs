//! Changes to the key list as values, applied by one pure function. A save re-reads the file
//! under the lock and re-applies the change, so two processes never lose each other's work.

use secrecy::{ExposeSecret, SecretString};

use super::entry::{KeyEntry, TestRecord};

#[derive(Debug, Clone)]
pub enum KeyOp {
    Add(KeyEntry),
    Remove {
        id: String,
    },
    /// Replaces the secret; `test` is the new secret's test result, if it was tested.
    Rotate {
        id: String,
        secret: SecretString,
        at: u64,
        test: Option<TestRecord>,
    },
    Activate {
        id: String,
    },
    Relabel {
        id: String,
        label: String,
    },
    RecordTest {
        id: String,
        record: TestRecord,
    },
    /// Sets (or clears) a key's monthly spending cap.
    SetCap {
        id: String,
        monthly_usd: Option<crate::chat::money::Usd>,
    },
    /// Several changes saved as one (one backup, one undo step).
    Many(Vec<KeyOp>),
}

/// A change the key list refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    /// It names a key that is not in the list (another process removed it).
    #[error("no key with id {0}")]
    UnknownKey(String),
    /// It adds a secret the provider has already.
    #[error("that key is already stored for {0}")]
    AlreadyStored(String),
}

/// Applies `op`; a change to a key that is not there, or a second copy of a provider's
/// key, is refused (checked here, so it holds when the change is re-applied under the lock).
pub fn apply(entries: &mut Vec<KeyEntry>, op: KeyOp) -> Result<(), OpError> {
    let index = |entries: &[KeyEntry], id: &str| {
        entries
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| OpError::UnknownKey(id.to_string()))
    };
    match op {
        KeyOp::Add(mut entry) => {
            if entries.iter().any(|e| {
                e.provider == entry.provider
                    && e.secret.expose_secret() == entry.secret.expose_secret()
            }) {
                return Err(OpError::AlreadyStored(entry.provider));
            }
            // The first key of a provider becomes its active one.
            entry.active = !entries
                .iter()
                .any(|e| e.provider == entry.provider && e.active);
            entries.push(entry);
        }
        KeyOp::Remove { id } => {
            let i = index(entries, &id)?;
            let removed = entries.remove(i);
            if removed.active
                && let Some(next) = entries
                    .iter_mut()
                    .filter(|e| e.provider == removed.provider)
                    .max_by_key(|e| e.rotated.unwrap_or(e.created))
            {
                next.active = true;
            }
        }
        KeyOp::Rotate {
            id,
            secret,
            at,
            test,
        } => {
            let i = index(entries, &id)?;
            let provider = &entries[i].provider;
            // A secret stored as another key of the provider would make two entries one key.
            if entries.iter().any(|e| {
                e.id != id
                    && &e.provider == provider
                    && e.secret.expose_secret() == secret.expose_secret()
            }) {
                return Err(OpError::AlreadyStored(provider.clone()));
            }
            entries[i].secret = secret;
            entries[i].rotated = Some(at);
            entries[i].last_test = test;
        }
        KeyOp::Activate { id } => {
            let i = index(entries, &id)?;
            let provider = entries[i].provider.clone();
            for e in entries.iter_mut().filter(|e| e.provider == provider) {
                e.active = e.id == id;
            }
        }
        KeyOp::SetCap { id, monthly_usd } => {
            let i = index(entries, &id)?;
            entries[i].monthly_usd = monthly_usd;
        }
        KeyOp::Relabel { id, label } => {
            let i = index(entries, &id)?;
            entries[i].label = label;
        }
        KeyOp::RecordTest { id, record } => {
            let i = index(entries, &id)?;
            entries[i].last_test = Some(record);
        }
        KeyOp::Many(ops) => {
            for op in ops {
                apply(entries, op)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn key(provider: &str, at: u64) -> KeyEntry {
        KeyEntry::new(
            provider,
            "l",
            SecretString::from(format!("sk-test-{provider}-{at}")),
            at,
        )
    }

    #[test]
    fn a_keys_cap_is_set_cleared_and_survives_the_file_format() {
        let mut v = vec![key("openai", 1)];
        let id = v[0].id.clone();
        apply(
            &mut v,
            KeyOp::SetCap {
                id: id.clone(),
                monthly_usd: crate::chat::money::Usd::parse("12.5"),
            },
        )
        .unwrap();
        let back = match crate::keystore::document::decode(&crate::keystore::document::encode(&v)) {
            Ok(b) => b,
            Err(_) => panic!("round trip failed"),
        };
        assert_eq!(back[0].monthly_usd, crate::chat::money::Usd::parse("12.5"));
        apply(
            &mut v,
            KeyOp::SetCap {
                id: id.clone(),
                monthly_usd: None,
            },
        )
        .unwrap();
        assert_eq!(v[0].monthly_usd, None);
        // A file written before caps existed still opens.
        let old = br#"{"schema_version":1,"keys":[{"id":"k1","provider":"openai","secret":"sk-x","created":1}]}"#;
        assert!(
            matches!(crate::keystore::document::decode(old), Ok(k) if k[0].monthly_usd.is_none())
        );
        assert!(
            apply(
                &mut v,
                KeyOp::SetCap {
                    id: "nope".into(),
                    monthly_usd: None
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_providers_second_copy_of_a_secret_is_refused() {
        let mut v = Vec::new();
        let a = KeyEntry::new("openai", "one", SecretString::from("sk-test-CANARY-dup"), 1);
        let again = KeyEntry::new("openai", "two", SecretString::from("sk-test-CANARY-dup"), 2);
        let other = KeyEntry::new("proxy", "p", SecretString::from("sk-test-CANARY-dup"), 3);
        apply(&mut v, KeyOp::Add(a)).unwrap();
        assert_eq!(
            apply(&mut v, KeyOp::Add(again)),
            Err(OpError::AlreadyStored("openai".into()))
        );
        // The same key configured for another provider (a proxy, say) is allowed.
        apply(&mut v, KeyOp::Add(other)).unwrap();
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn rotating_to_a_secret_stored_as_another_key_is_refused() {
        let mut v = Vec::new();
        let (a, b) = (key("openai", 1), key("openai", 2));
        let (ida, secret_b) = (a.id.clone(), b.secret.clone());
        apply(&mut v, KeyOp::Add(a)).unwrap();
        apply(&mut v, KeyOp::Add(b)).unwrap();
        let rotate = |secret| KeyOp::Rotate {
            id: ida.clone(),
            secret,
            at: 5,
            test: None,
        };
        assert_eq!(
            apply(&mut v, rotate(secret_b)),
            Err(OpError::AlreadyStored("openai".into()))
        );
        assert_eq!(v[0].rotated, None, "nothing changed");
        apply(&mut v, rotate(SecretString::from("sk-new-0000000000"))).unwrap();
        assert_eq!(v[0].rotated, Some(5));
    }

    #[test]
    fn first_key_per_provider_is_active_and_activation_is_exclusive() {
        let mut v = Vec::new();
        let (a, b, c) = (key("openai", 1), key("openai", 2), key("groq", 3));
        let (ida, idb) = (a.id.clone(), b.id.clone());
        for k in [a, b, c] {
            apply(&mut v, KeyOp::Add(k)).unwrap();
        }
        assert_eq!(
            v.iter().map(|e| e.active).collect::<Vec<_>>(),
            [true, false, true]
        );
        apply(&mut v, KeyOp::Activate { id: idb.clone() }).unwrap();
        assert_eq!(
            v.iter().map(|e| e.active).collect::<Vec<_>>(),
            [false, true, true]
        );
        apply(&mut v, KeyOp::Remove { id: idb }).unwrap();
        assert!(
            v.iter().find(|e| e.id == ida).unwrap().active,
            "removing the active key activates another"
        );
    }

    #[test]
    fn rotate_replaces_the_secret_and_clears_the_test() {
        let mut v = vec![key("openai", 1)];
        let id = v[0].id.clone();
        v[0].last_test = Some(TestRecord {
            at: 1,
            result: super::super::entry::KeyCheck::Valid,
            detail: String::new(),
        });
        apply(
            &mut v,
            KeyOp::Rotate {
                id,
                secret: SecretString::from("sk-new".to_string()),
                at: 9,
                test: None,
            },
        )
        .unwrap();
        assert_eq!(v[0].secret.expose_secret(), "sk-new");
        assert_eq!(v[0].rotated, Some(9));
        assert!(v[0].last_test.is_none());
        assert_eq!(
            apply(&mut v, KeyOp::Activate { id: "nope".into() }),
            Err(OpError::UnknownKey("nope".into()))
        );
    }
}
