//! Key store costs (prints figures; asserts nothing): creating and unlocking with a
//! passphrase at the default scrypt work factor (paid once per session), and a save with
//! the cached key (paid at every change). Run: `cargo bench --bench keystore`.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

use std::time::Instant;

use keyturn::keystore::{DEFAULT_LOG_N, KeyEntry, KeyOp, KeyStore, Unlock};
use secrecy::SecretString;

fn pass() -> Unlock {
    Unlock::Passphrase(SecretString::from("bench passphrase".to_string()))
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    let t = Instant::now();
    let mut store = KeyStore::create(&path, pass(), DEFAULT_LOG_N, &mut |_| None).unwrap();
    let create = t.elapsed();
    for i in 0..20 {
        let e = KeyEntry::new(
            "openai",
            &format!("k{i}"),
            SecretString::from(format!("sk-test-bench-{i:032}")),
            0,
        );
        store.commit(KeyOp::Add(e)).unwrap();
    }
    let id = store.entries()[0].id.clone();
    let rounds = 50;
    let t = Instant::now();
    for i in 0..rounds {
        store
            .commit(KeyOp::Relabel {
                id: id.clone(),
                label: format!("l{i}"),
            })
            .unwrap();
    }
    let save = t.elapsed() / rounds;
    let t = Instant::now();
    let reopened = KeyStore::open(&path, pass(), &mut |_| None).unwrap();
    let unlock = t.elapsed();
    assert_eq!(reopened.entries().len(), 20);
    println!("key store with 20 keys, scrypt work factor 2^{DEFAULT_LOG_N}:");
    println!(
        "  create (derive key once):      {:>8.1} ms",
        create.as_secs_f64() * 1e3
    );
    println!(
        "  unlock (derive key once):      {:>8.1} ms",
        unlock.as_secs_f64() * 1e3
    );
    println!(
        "  save a change (cached key, fsync, backup): {:>6.2} ms",
        save.as_secs_f64() * 1e3
    );
}
