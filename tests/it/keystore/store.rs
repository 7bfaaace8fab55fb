//! The encrypted key store: round trips, every unlock method, bad input of every kind,
//! undo, passphrase change, and interop with Debian's `age` CLI both ways.
//! The interop tests fail (not skip) when CI or KEYTURN_REQUIRE_AGE is set and `age` is missing.

use crate::support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use keyturn::keystore::{KeyEntry, KeyOp, KeyStore, KeystoreError, Unlock, backup_path};
use secrecy::{ExposeSecret, SecretString};
use support::canary_key;

const LOG_N: u8 = 10;

fn pass(p: &str) -> Unlock {
    Unlock::Passphrase(SecretString::from(p.to_string()))
}

fn no_ask(_: &str) -> Option<SecretString> {
    None
}

fn new_store(dir: &Path) -> (KeyStore, PathBuf) {
    let path = dir.join("keys.age");
    let store = KeyStore::create(&path, pass("correct horse"), LOG_N, &mut no_ask).unwrap();
    (store, path)
}

fn add(store: &mut KeyStore, provider: &str, secret: &str) -> String {
    let entry = KeyEntry::new(
        provider,
        "label",
        SecretString::from(secret.to_string()),
        1_700_000_000,
    );
    let id = entry.id.clone();
    store.commit(KeyOp::Add(entry)).unwrap();
    id
}

fn open(path: &Path, p: &str) -> Result<KeyStore, KeystoreError> {
    KeyStore::open(path, pass(p), &mut no_ask)
}

/// Runs `age` with a pseudo-terminal (it reads passphrases only from a terminal).
fn age_with_tty(args: &str, typed: &str) -> std::process::Output {
    let mut child = Command::new("script")
        .args(["-qec", &format!("age {args}"), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn round_trip_keeps_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    let key = canary_key();
    let id = add(&mut store, "openai", &key);
    store
        .commit(KeyOp::Relabel {
            id: id.clone(),
            label: "work".into(),
        })
        .unwrap();
    let again = open(&path, "correct horse").unwrap();
    let e = again.find(&id).unwrap();
    assert_eq!(e.secret.expose_secret(), key);
    assert_eq!(
        (e.provider.as_str(), e.label.as_str(), e.active),
        ("openai", "work", true)
    );
    assert_eq!(again.active("openai").unwrap().id, id);
    // Everything, provider names included, is inside the ciphertext.
    let raw = std::fs::read(&path).unwrap();
    assert!(raw.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    for needle in ["openai", "work", "CANARY"] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} in plaintext"
        );
    }
}

#[test]
fn wrong_passphrase_is_distinct_from_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    add(&mut store, "openai", &canary_key());
    let err = open(&path, "wrong").unwrap_err();
    assert!(
        matches!(err, KeystoreError::WrongPassphrase { .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("Wrong passphrase for"));
    let good = std::fs::read(&path).unwrap();
    let payload_start = good.windows(4).position(|w| w == b"\n---").unwrap() + 4;
    let mut damaged = good.clone();
    let i = damaged.len() - 5;
    damaged[i] ^= 0x40;
    std::fs::write(&path, &damaged).unwrap();
    let err = open(&path, "correct horse").unwrap_err();
    assert!(matches!(err, KeystoreError::Corrupt { .. }), "{err}");
    // Every single-bit flip from the MAC line on is reported as damage, never as success.
    for i in payload_start..good.len() {
        let mut b = good.clone();
        b[i] ^= 0x01;
        std::fs::write(&path, &b).unwrap();
        match open(&path, "correct horse") {
            Err(KeystoreError::Corrupt { .. }) => {}
            other => panic!("flip at {i}: {other:?}"),
        }
    }
}

#[test]
fn truncation_at_every_offset_is_an_error_never_a_partial_store() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    add(&mut store, "openai", &canary_key());
    let good = std::fs::read(&path).unwrap();
    for len in 0..good.len() {
        std::fs::write(&path, &good[..len]).unwrap();
        match open(&path, "correct horse") {
            Err(KeystoreError::Empty { .. }) if len == 0 => {}
            Err(KeystoreError::Corrupt { .. }) => {}
            other => panic!("truncated to {len}: {other:?}"),
        }
    }
}

#[test]
fn garbage_huge_directory_fifo_and_symlink_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    std::fs::write(&path, b"this is not an age file at all\n").unwrap();
    assert!(matches!(
        open(&path, "x").unwrap_err(),
        KeystoreError::Corrupt { .. }
    ));
    std::fs::File::create(&path)
        .unwrap()
        .set_len(5 << 20)
        .unwrap();
    assert!(matches!(
        open(&path, "x").unwrap_err(),
        KeystoreError::TooLarge { .. }
    ));
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let err = open(&path, "x").unwrap_err();
    assert!(
        err.to_string()
            .contains("is a directory, not a regular file"),
        "{err}"
    );
    std::fs::remove_dir(&path).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success()
    );
    let err = open(&path, "x").unwrap_err();
    assert!(err.to_string().contains("named pipe"), "{err}");
    std::fs::remove_file(&path).unwrap();
    // A symlink is never read or written through.
    let target = dir.path().join("elsewhere.age");
    KeyStore::create(&target, pass("p"), LOG_N, &mut no_ask).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let err = open(&path, "p").unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    let err = KeyStore::create(&path, pass("p"), LOG_N, &mut no_ask).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(matches!(
        open(&dir.path().join("none.age"), "x").unwrap_err(),
        KeystoreError::Missing { .. }
    ));
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    let mut r = age::scrypt::Recipient::new(SecretString::from("p".to_string()));
    r.set_work_factor(LOG_N);
    let ct = age::encrypt(&r, br#"{"schema_version": 99, "keys": [], "future": true}"#).unwrap();
    std::fs::write(&path, &ct).unwrap();
    let err = open(&path, "p").unwrap_err();
    assert!(
        matches!(err, KeystoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), ct);
}

#[test]
fn undo_restores_the_previous_version_and_redo_swaps_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    let id = add(&mut store, "openai", "sk-test-old-0000000000001");
    store
        .commit(KeyOp::Rotate {
            id: id.clone(),
            secret: SecretString::from("sk-test-new-0000000000002".to_string()),
            at: 5,
            test: None,
        })
        .unwrap();
    assert!(store.backup_holds(&id));
    store.undo().unwrap();
    assert_eq!(
        store.find(&id).unwrap().secret.expose_secret(),
        "sk-test-old-0000000000001"
    );
    assert_eq!(
        open(&path, "correct horse")
            .unwrap()
            .find(&id)
            .unwrap()
            .secret
            .expose_secret(),
        "sk-test-old-0000000000001"
    );
    store.undo().unwrap();
    assert_eq!(
        store.find(&id).unwrap().secret.expose_secret(),
        "sk-test-new-0000000000002"
    );
    store.commit(KeyOp::Remove { id: id.clone() }).unwrap();
    assert!(
        store.backup_holds(&id),
        "the backup still has the deleted key"
    );
    assert!(store.purge_backup().unwrap());
    assert!(!store.backup_holds(&id));
    assert!(matches!(
        store.undo().unwrap_err(),
        KeystoreError::NothingToUndo
    ));
}

#[test]
fn passwd_leaves_no_file_that_opens_with_the_old_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    let id = add(&mut store, "openai", &canary_key());
    add(&mut store, "groq", &canary_key());
    assert!(backup_path(&path).exists());
    store
        .change_unlock(pass("new passphrase"), LOG_N, &mut no_ask)
        .unwrap();
    assert!(matches!(
        open(&path, "correct horse").unwrap_err(),
        KeystoreError::WrongPassphrase { .. }
    ));
    assert!(matches!(
        open(&backup_path(&path), "correct horse").unwrap_err(),
        KeystoreError::WrongPassphrase { .. }
    ));
    let reopened = open(&path, "new passphrase").unwrap();
    assert!(reopened.find(&id).is_ok());
    assert_eq!(
        open(&backup_path(&path), "new passphrase")
            .unwrap()
            .entries()
            .len(),
        1
    );
    // Saves after passwd use the new passphrase.
    store
        .commit(KeyOp::Relabel {
            id: id.clone(),
            label: "renamed".into(),
        })
        .unwrap();
    assert_eq!(
        open(&path, "new passphrase")
            .unwrap()
            .find(&id)
            .unwrap()
            .label,
        "renamed"
    );
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".tmp"), "temp file left behind: {name}");
    }
}

#[test]
fn two_stores_in_one_process_never_lose_each_others_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, path) = new_store(dir.path());
    let mut b = open(&path, "correct horse").unwrap();
    let ida = add(&mut a, "openai", &canary_key());
    let idb = add(&mut b, "groq", &canary_key());
    a.commit(KeyOp::Relabel {
        id: idb.clone(),
        label: "from a".into(),
    })
    .unwrap();
    let c = open(&path, "correct horse").unwrap();
    assert!(c.find(&ida).is_ok() && c.find(&idb).is_ok());
    assert_eq!(c.find(&idb).unwrap().label, "from a");
}

#[test]
fn an_age_identity_file_unlocks_and_relocks() {
    let dir = tempfile::tempdir().unwrap();
    let id_path = dir.path().join("identity.txt");
    let identity = age::x25519::Identity::generate();
    std::fs::write(
        &id_path,
        format!(
            "# test identity\n{}\n",
            identity.to_string().expose_secret()
        ),
    )
    .unwrap();
    let path = dir.path().join("keys.age");
    let mut store =
        KeyStore::create(&path, Unlock::Identity(id_path.clone()), LOG_N, &mut no_ask).unwrap();
    let id = add(&mut store, "mistral", &canary_key());
    let again = KeyStore::open(&path, Unlock::Identity(id_path.clone()), &mut no_ask).unwrap();
    assert!(again.find(&id).is_ok());
    // The wrong method is named plainly.
    let err = open(&path, "pw").unwrap_err();
    assert!(
        err.to_string().contains("encrypted to an identity"),
        "{err}"
    );
    let other = dir.path().join("other.txt");
    std::fs::write(
        &other,
        age::x25519::Identity::generate()
            .to_string()
            .expose_secret(),
    )
    .unwrap();
    let err = KeyStore::open(&path, Unlock::Identity(other), &mut no_ask).unwrap_err();
    assert!(matches!(err, KeystoreError::WrongIdentity { .. }), "{err}");
}

fn ssh_keygen(dir: &Path, name: &str, passphrase: &str) -> Option<PathBuf> {
    let path = dir.join(name);
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", "test", "-f"])
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(path)
}

#[test]
fn ssh_keys_unlock_including_passphrase_protected_ones() {
    let dir = tempfile::tempdir().unwrap();
    let Some(plain) = ssh_keygen(dir.path(), "id_plain", "") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ssh-keygen is required in CI"
        );
        return;
    };
    let path = dir.path().join("keys.age");
    let mut store =
        KeyStore::create(&path, Unlock::Identity(plain.clone()), LOG_N, &mut no_ask).unwrap();
    let id = add(&mut store, "openai", &canary_key());
    assert!(
        KeyStore::open(&path, Unlock::Identity(plain), &mut no_ask)
            .unwrap()
            .find(&id)
            .is_ok()
    );

    let protected = ssh_keygen(dir.path(), "id_protected", "ssh pass").unwrap();
    store
        .change_unlock(Unlock::Identity(protected.clone()), LOG_N, &mut |_| {
            Some(SecretString::from("ssh pass".to_string()))
        })
        .unwrap();
    let mut asked = Vec::new();
    let reopened = KeyStore::open(&path, Unlock::Identity(protected.clone()), &mut |prompt| {
        asked.push(prompt.to_string());
        Some(SecretString::from("ssh pass".to_string()))
    })
    .unwrap();
    assert!(reopened.find(&id).is_ok());
    assert_eq!(asked.len(), 1, "asked once: {asked:?}");
    let err = KeyStore::open(&path, Unlock::Identity(protected), &mut |_| {
        Some(SecretString::from("nope".to_string()))
    })
    .unwrap_err();
    assert!(
        err.to_string().contains("wrong passphrase for the SSH key"),
        "{err}"
    );
}

#[test]
fn age_cli_decrypts_our_file_with_the_same_passphrase() {
    if !crate::support::age_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = new_store(dir.path());
    let key = canary_key();
    add(&mut store, "openai", &key);
    let out_path = dir.path().join("plain.json");
    let out = age_with_tty(
        &format!("-d -o {} {}", out_path.display(), path.display()),
        "correct horse\n",
    );
    assert!(
        out_path.exists(),
        "age -d failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let plain = std::fs::read_to_string(&out_path).unwrap();
    assert!(plain.contains("\"schema_version\": 1") && plain.contains(&key));
}

#[test]
fn we_open_files_the_age_cli_encrypted_with_a_passphrase() {
    if !crate::support::age_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("doc.json");
    let key = canary_key();
    std::fs::write(&plain, format!(r#"{{"schema_version":1,"keys":[{{"id":"k1","provider":"groq","label":"cli","secret":"{key}","created":1,"active":true}}]}}"#)).unwrap();
    let path = dir.path().join("keys.age");
    age_with_tty(
        &format!("-p -o {} {}", path.display(), plain.display()),
        "from cli\nfrom cli\n",
    );
    let mut store = open(&path, "from cli").unwrap();
    assert_eq!(store.find("k1").unwrap().secret.expose_secret(), key);
    // And our cheap re-save still opens with the same passphrase.
    store
        .commit(KeyOp::Relabel {
            id: "k1".into(),
            label: "resaved".into(),
        })
        .unwrap();
    assert_eq!(
        open(&path, "from cli").unwrap().find("k1").unwrap().label,
        "resaved"
    );
}

#[test]
fn age_cli_interop_with_identities_both_ways() {
    if !crate::support::age_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let id_path = dir.path().join("identity.txt");
    assert!(
        Command::new("age-keygen")
            .arg("-o")
            .arg(&id_path)
            .output()
            .unwrap()
            .status
            .success()
    );
    let path = dir.path().join("keys.age");
    let mut store =
        KeyStore::create(&path, Unlock::Identity(id_path.clone()), LOG_N, &mut no_ask).unwrap();
    let key = canary_key();
    add(&mut store, "openai", &key);
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&id_path)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&key));

    // age -r / -R encrypted, we open with -i's identity.
    let recipient = Command::new("age-keygen")
        .arg("-y")
        .arg(&id_path)
        .output()
        .unwrap();
    let recipient = String::from_utf8(recipient.stdout).unwrap();
    let plain = dir.path().join("doc.json");
    std::fs::write(&plain, r#"{"schema_version":1,"keys":[{"id":"k2","provider":"xai","secret":"sk-test-fromcli-000000000","created":1,"active":true}]}"#).unwrap();
    let from_cli = dir.path().join("cli.age");
    let st = Command::new("age")
        .args(["-r", recipient.trim(), "-o"])
        .arg(&from_cli)
        .arg(&plain)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(
        KeyStore::open(&from_cli, Unlock::Identity(id_path), &mut no_ask)
            .unwrap()
            .find("k2")
            .is_ok()
    );

    if let Some(ssh) = ssh_keygen(dir.path(), "id_ed", "") {
        let from_ssh = dir.path().join("ssh.age");
        let st = Command::new("age")
            .arg("-R")
            .arg(format!("{}.pub", ssh.display()))
            .arg("-o")
            .arg(&from_ssh)
            .arg(&plain)
            .status()
            .unwrap();
        assert!(st.success());
        let store = KeyStore::open(&from_ssh, Unlock::Identity(ssh.clone()), &mut no_ask).unwrap();
        assert!(store.find("k2").is_ok());
        // And the age CLI opens an SSH-protected store of ours with the SSH key.
        let ours = dir.path().join("ours-ssh.age");
        let mut s =
            KeyStore::create(&ours, Unlock::Identity(ssh.clone()), LOG_N, &mut no_ask).unwrap();
        add(&mut s, "groq", &key);
        let out = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&ssh)
            .arg(&ours)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(&key));
    }
}

#[test]
fn debug_of_every_type_that_holds_a_key_hides_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = new_store(dir.path());
    let key = canary_key();
    let id = add(&mut store, "openai", &key);
    let entry = store.find(&id).unwrap().clone();
    let op = KeyOp::Rotate {
        id,
        secret: SecretString::from(key.clone()),
        at: 1,
        test: None,
    };
    let shown = format!(
        "{store:?} {entry:?} {op:?} {:?} {:?} {:?}",
        KeyOp::Add(entry.clone()),
        pass(&key),
        store.material()
    );
    assert!(!shown.contains("CANARY"), "{shown}");
}

#[test]
fn a_store_encrypted_to_two_ssh_recipients_opens_with_either() {
    let dir = tempfile::tempdir().unwrap();
    let (Some(laptop), Some(server)) = (
        ssh_keygen(dir.path(), "laptop", ""),
        ssh_keygen(dir.path(), "server", ""),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ssh-keygen is required in CI"
        );
        return;
    };
    let path = dir.path().join("keys.age");
    let mut store =
        KeyStore::create(&path, Unlock::Identity(laptop.clone()), LOG_N, &mut no_ask).unwrap();
    let server_pub = format!("{}.pub", server.display());
    store
        .add_recipients(std::slice::from_ref(&server_pub))
        .unwrap();
    let key = canary_key();
    let id = add(&mut store, "openai", &key);
    for who in [&laptop, &server] {
        let opened = KeyStore::open(&path, Unlock::Identity(who.clone()), &mut no_ask).unwrap();
        assert!(opened.find(&id).is_ok(), "{} opens it", who.display());
    }
    // The backup is for both as well once re-encrypted; a stranger opens neither.
    store.reencrypt().unwrap();
    let stranger = ssh_keygen(dir.path(), "stranger", "").unwrap();
    assert!(KeyStore::open(&path, Unlock::Identity(stranger), &mut no_ask).is_err());
    // A passphrase store cannot have recipients: said, not ignored.
    let (mut pass_store, _) = new_store(&dir.path().join("p"));
    assert!(matches!(
        pass_store.add_recipients(&[server_pub]),
        Err(KeystoreError::RecipientsNeedIdentity)
    ));
}
