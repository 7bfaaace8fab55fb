//! Key bundles between two homes through the real binary: export to an age recipient and an
//! SSH key, open with the `age` CLI, import with a merge report; a bundle made by `age -r`
//! imports too.

use std::path::Path;
use std::process::Command;

use keyturn::keystore::{KeyEntry, KeyStore, Unlock};
use secrecy::SecretString;

use crate::support::{keyturn, text, write_config};

const PASS: &str = "bundle test passphrase";

/// A home whose store holds `keys` as (provider, label, secret).
fn home_with(keys: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "[keystore]\nscrypt_work_factor = 10\n[network]\ndiscover_local = false\n",
    );
    let unlock = Unlock::Passphrase(SecretString::from(PASS.to_string()));
    let mut store =
        KeyStore::create(&home.path().join("keys.age"), unlock, 10, &mut |_| None).unwrap();
    for (provider, label, secret) in keys {
        store
            .add(KeyEntry::new(
                provider,
                label,
                SecretString::from(secret.to_string()),
                1_700_000_000,
            ))
            .unwrap();
    }
    home
}

fn run(home: &Path, args: &[&str]) -> (bool, String, String) {
    let out = keyturn(home, args, None, &[("KEYTURN_PASSPHRASE", PASS)]);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// `keyturn keys import BUNDLE --identity IDENTITY` in `home`.
fn import(home: &Path, bundle: &Path, identity: &Path) -> (bool, String, String) {
    run(
        home,
        &[
            "keys",
            "import",
            bundle.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
        ],
    )
}

fn keygen(dir: &Path) -> (std::path::PathBuf, String) {
    let id = dir.join("identity.txt");
    assert!(
        Command::new("age-keygen")
            .arg("-o")
            .arg(&id)
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = Command::new("age-keygen")
        .arg("-y")
        .arg(&id)
        .output()
        .unwrap();
    (
        id,
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
    )
}

#[test]
fn keys_travel_in_a_bundle_to_another_home_and_merge_without_overwriting() {
    if !crate::support::age_available() {
        return;
    }
    let work = "sk-proj-WORKworkWORKwork0000000000001";
    let other = "sk-ant-api03-OTHERotherOTHERother00002";
    let laptop = home_with(&[("openai", "work", work), ("anthropic", "", other)]);
    let server = home_with(&[("openai", "work", "sk-proj-SERVERserverSERVER000000003")]);
    let dir = tempfile::tempdir().unwrap();
    let (age_id, age_recipient) = keygen(dir.path());
    let ssh = dir.path().join("id_ed25519");
    assert!(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "server", "-f"])
            .arg(&ssh)
            .status()
            .unwrap()
            .success()
    );
    let bundle = dir.path().join("keys.bundle");
    let pubkey = format!("{}.pub", ssh.display());
    let (ok, out, err) = run(
        laptop.path(),
        &[
            "keys",
            "export",
            "--provider",
            "openai",
            "-r",
            &age_recipient,
            "-r",
            &pubkey,
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Wrote 1 key") && out.contains("for 2 recipients"),
        "{out}"
    );
    let sealed = std::fs::read_to_string(&bundle).unwrap();
    assert!(sealed.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!sealed.contains("WORK"), "never plaintext");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&bundle).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The age CLI opens it with either recipient's identity, into the documented shape.
    for identity in [&age_id, &ssh] {
        let plain = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(identity)
            .arg(&bundle)
            .output()
            .unwrap();
        assert!(
            plain.status.success(),
            "{}",
            String::from_utf8_lossy(&plain.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
        assert_eq!(doc["keyturn_bundle"], 1);
        assert_eq!(doc["keys"][0]["provider"], "openai");
        assert_eq!(doc["keys"][0]["secret"], work);
        assert_eq!(
            doc["keys"].as_array().unwrap().len(),
            1,
            "only the provider asked for"
        );
    }
    // The server imports with its SSH key: its own "work" key stays, the laptop's is renamed.
    let (ok, out, err) = import(server.path(), &bundle, &ssh);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Label \"work\" is taken: imported as \"work (imported)\""),
        "{out}"
    );
    assert!(out.contains("Imported 1 key"), "{out}");
    let (_, list, _) = run(server.path(), &["keys", "list"]);
    assert!(
        list.contains("work (imported)") && list.contains("…0001") && list.contains("…0003"),
        "{list}"
    );
    // Again: nothing new, nothing overwritten.
    let (ok, out, _) = import(server.path(), &bundle, &ssh);
    assert!(ok);
    assert!(
        out.contains("Already stored, skipped: openai …0001") && out.contains("Nothing new"),
        "{out}"
    );
    // The wrong identity says so; nothing changes.
    let elsewhere = tempfile::tempdir().unwrap();
    let (stray_id, _) = keygen(elsewhere.path());
    let (ok, _, err) = import(server.path(), &bundle, &stray_id);
    assert!(!ok && err.contains("not for the identity given"), "{err}");
    // Export to standard output: armored text only.
    let (ok, out, err) = run(laptop.path(), &["keys", "export", "-r", &age_recipient]);
    assert!(
        ok && out.starts_with("-----BEGIN AGE ENCRYPTED FILE-----") && !out.contains("sk-"),
        "{err}"
    );
    assert!(err.contains("exported 2 keys"), "{err}");
    // A bad recipient is refused before any passphrase is needed.
    let (ok, _, err) = run(laptop.path(), &["keys", "export", "-r", "not-a-key"]);
    assert!(!ok && err.contains("is not an age recipient"), "{err}");
}

#[test]
fn a_bundle_made_with_the_age_cli_imports() {
    if !crate::support::age_available() {
        return;
    }
    let server = home_with(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (age_id, age_recipient) = keygen(dir.path());
    let plain = dir.path().join("bundle.json");
    std::fs::write(
        &plain,
        r#"{"keyturn_bundle": 1, "exported": 0, "keys": [{"provider": "groq", "label": "ci", "secret": "gsk_FROMCLIfromcliFROMCLI0000000004"}]}"#,
    )
    .unwrap();
    let sealed = dir.path().join("bundle.age");
    assert!(
        Command::new("age")
            .args(["-r", &age_recipient, "-o"])
            .arg(&sealed)
            .arg(&plain)
            .status()
            .unwrap()
            .success()
    );
    let (ok, out, err) = import(server.path(), &sealed, &age_id);
    assert!(ok, "{out}{err}");
    let (_, list, _) = run(server.path(), &["keys", "list"]);
    assert!(
        list.contains("groq") && list.contains("ci") && list.contains("…0004"),
        "{list}"
    );
}
