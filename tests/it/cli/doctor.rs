//! `keyturn doctor` through the binary: healthy, broken config, lax permissions, missing
//! CA bundle (simulated), JSON, and online key checks that never print a key.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use crate::support::text;
use keyturn::mock::{MockOptions, MockProvider};
use support::{canary_key, local_config, write_config};

/// The binary with the doctor tests' passphrase.
fn keyturn(home: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut all = vec![("KEYTURN_PASSPHRASE", "doctor pass")];
    all.extend_from_slice(env);
    crate::support::keyturn(home, args, stdin, &all)
}

fn healthy_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    write_config(
        home.path(),
        &(local_config("http://127.0.0.1:9/v1", "") + "[keystore]\nscrypt_work_factor = 10\n"),
    );
    let out = keyturn(
        home.path(),
        &["keys", "add", "local", "--force"],
        Some(&canary_key()),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    home
}

#[test]
fn a_healthy_home_passes() {
    let home = healthy_home();
    let out = keyturn(home.path(), &["doctor"], None, &[]);
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{s}");
    assert!(
        s.contains("✓ key permissions")
            && s.contains("passphrase from KEYTURN_PASSPHRASE")
            && s.contains("All checks passed."),
        "{s}"
    );
}

#[test]
fn a_broken_config_lax_permissions_and_a_missing_ca_bundle_fail_with_fixes() {
    let home = healthy_home();
    std::fs::set_permissions(
        home.path().join("keys.age"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = keyturn(
        home.path(),
        &["doctor"],
        None,
        &[("SSL_CERT_FILE", "/nonexistent/ca.pem")],
    );
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("✗ key permissions") && s.contains("→ `keyturn keys fix-permissions`"),
        "{s}"
    );
    assert!(
        s.contains("✗ CA certificates") && s.contains("apt-get install ca-certificates"),
        "{s}"
    );
    std::fs::write(home.path().join("config.toml"), "default_model = 3\n").unwrap();
    let out = keyturn(home.path(), &["doctor"], None, &[]);
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        s.contains(&format!(
            "✗ config               {}:1:",
            home.path().join("config.toml").display()
        )),
        "{s}"
    );
}

#[test]
fn json_output_is_machine_readable() {
    let home = healthy_home();
    let out = keyturn(
        home.path(),
        &["doctor", "--json"],
        None,
        &[("HTTPS_PROXY", "http://user:hunter2@proxy:3128")],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = v.as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "key store" && c["status"] == "pass")
    );
    let proxy = checks.iter().find(|c| c["check"] == "proxy").unwrap();
    assert!(
        !proxy["detail"].as_str().unwrap().contains("hunter2"),
        "{proxy}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_checks_test_every_key_without_printing_it() {
    let good = canary_key();
    let mock = MockProvider::start(MockOptions {
        required_key: Some(good.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        &(local_config(&mock.base_url(), "").replace("auth = \"none\"", "auth = \"key\"")
            + "[keystore]\nscrypt_work_factor = 10\n"),
    );
    let h = home.path().to_path_buf();
    let bad = canary_key();
    let out = tokio::task::spawn_blocking(move || {
        keyturn(
            &h,
            &["keys", "add", "local", "--label", "good"],
            Some(&good),
            &[],
        );
        keyturn(
            &h,
            &["keys", "add", "local", "--label", "bad", "--force"],
            Some(&bad),
            &[],
        );
        keyturn(&h, &["doctor", "--online"], None, &[])
    })
    .await
    .unwrap();
    let s = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("✓ key local") && s.contains("(good)"), "{s}");
    assert!(
        s.contains("✗ key local") && s.contains("(bad)") && s.contains("invalid"),
        "{s}"
    );
    assert!(!s.contains("CANARY"), "{s}");
}

#[test]
fn a_damaged_key_file_fails_offline_and_keyless_setups_are_not_told_to_add_a_key() {
    let home = healthy_home();
    let keys = home.path().join("keys.age");
    let whole = std::fs::read(&keys).unwrap();
    let doctor = |env: &[(&str, &str)]| {
        let out = keyturn(home.path(), &["doctor"], None, env);
        (out.status.code(), text(&out.stdout))
    };
    let (code, s) = doctor(&[]);
    assert_eq!(code, Some(0), "{s}");
    assert!(
        s.contains("✓ key file") && s.contains("opens (1 key)"),
        "{s}"
    );
    // Cut in half: the passphrase in the environment shows the damage.
    std::fs::write(&keys, &whole[..whole.len() / 2]).unwrap();
    let (code, s) = doctor(&[]);
    assert_eq!(code, Some(1), "{s}");
    assert!(
        s.contains("✗ key file") && s.contains("keyturn keys undo"),
        "{s}"
    );
    assert!(!s.contains("All checks passed"), "{s}");
    // Cut inside its header, with no passphrase at hand: the structure alone shows it.
    std::fs::write(&keys, &whole[..40]).unwrap();
    let (code, s) = doctor(&[("KEYTURN_PASSPHRASE", "")]);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("✗ key file"), "{s}");
    // Empty.
    std::fs::write(&keys, b"").unwrap();
    let (code, s) = doctor(&[]);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("is empty"), "{s}");
    // A local server needs no key: no key store is not a warning.
    std::fs::remove_file(&keys).unwrap();
    let (_, s) = doctor(&[]);
    assert!(
        s.contains("no configured provider needs a key") && !s.contains("add a key"),
        "{s}"
    );
}

#[test]
fn a_connection_failure_blames_the_network_not_the_key() {
    let home = healthy_home();
    // The config points at 127.0.0.1:9, where nothing listens; the key needs a provider.
    let cfg = std::fs::read_to_string(home.path().join("config.toml"))
        .unwrap()
        .replace("auth = \"none\"", "auth = \"key\"");
    std::fs::write(home.path().join("config.toml"), cfg).unwrap();
    let out = keyturn(home.path(), &["doctor", "--online"], None, &[]);
    let s = text(&out.stdout);
    assert!(
        s.contains("✗ key local") && s.contains("unreachable"),
        "{s}"
    );
    assert!(
        s.contains("check the network") && !s.contains("replace it"),
        "{s}"
    );
}

#[test]
fn without_a_terminal_the_doctor_says_so_instead_of_a_made_up_size() {
    let home = healthy_home();
    let out = std::process::Command::new("setsid")
        .arg(env!("CARGO_BIN_EXE_keyturn"))
        .arg("doctor")
        .env("KEYTURN_HOME", home.path())
        .env("KEYTURN_PASSPHRASE", "doctor pass")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let s = text(&out.stdout);
    assert!(
        s.contains("no terminal here") && !s.contains("terminal size"),
        "{s}"
    );
}
