//! `keyturn keys` through the real binary, against the mock provider on 127.0.0.1.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{blocking, text};
use keyturn::mock::{MockOptions, MockProvider, Reply};
use support::{canary_key, write_config};

const PASS: &str = "test passphrase";

struct Home {
    dir: tempfile::TempDir,
    base_url: String,
}

impl Home {
    fn new(base_url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let cfg = format!(
            "default_provider = \"local\"\n[keystore]\nscrypt_work_factor = 10\n[network]\nidle_timeout_secs = 3\ndiscover_local = false\n\
             [providers.local]\nname = \"Local mock\"\nbase_url = \"{base_url}\"\nauth = \"key\"\ndefault_model = \"mock-model\"\n\
             [providers.other]\nbase_url = \"{base_url}\"\nauth = \"key\"\ndefault_model = \"mock-model\"\n"
        );
        write_config(dir.path(), &cfg);
        Self {
            dir,
            base_url: base_url.to_string(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary in this home, with debug logging (leak checks read the log) and the
    /// store's passphrase; `env` adds or overrides variables.
    fn run(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let home = self.path().to_string_lossy().into_owned();
        let mut all = vec![
            ("HOME", home.as_str()),
            ("KEYTURN_LOG", "debug"),
            ("KEYTURN_PASSPHRASE", PASS),
        ];
        all.extend_from_slice(env);
        crate::support::keyturn(self.path(), args, stdin, &all)
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin, &[]);
        assert!(
            out.status.success(),
            "{args:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// The id of the only key whose line contains `needle` in `keys list`.
    fn id_of(&self, needle: &str) -> String {
        let list = self.ok(&["keys", "list"], None);
        let line = list
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {list}"));
        line.split_whitespace().next().unwrap().to_string()
    }

    /// Every file under the home, for leak checks (keys.age and its backup are ciphertext).
    fn all_file_bytes(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
                }
            }
        }
        out
    }
}

async fn mock_requiring(key: &str) -> MockProvider {
    MockProvider::start(MockOptions {
        required_key: Some(key.to_string()),
        ..Default::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_list_test_rotate_undo_rm_and_ask_use_the_store() {
    let good = canary_key();
    let mock = mock_requiring(&good).await;
    let home = Home::new(&mock.base_url());
    let g = good.clone();
    let (home, outputs) = blocking(move || {
        let mut outputs = String::new();
        let out = home.run(
            &["keys", "add", "local", "--label", "work"],
            Some(&format!("  {g}\n")),
            &[],
        );
        outputs += &(text(&out.stdout) + &text(&out.stderr));
        assert!(out.status.success(), "{outputs}");
        assert!(text(&out.stderr).contains("test: valid"), "{outputs}");
        assert!(text(&out.stdout).contains(&format!("…{}", &g[g.len() - 4..])));
        let list = home.ok(&["keys", "list"], None);
        outputs += &list;
        assert!(
            list.contains("local") && list.contains("work") && list.contains("valid ("),
            "{list}"
        );
        let id = home.id_of("work");

        // ask uses the active key from the store.
        let ans = home.run(&["ask", "hello"], None, &[]);
        assert!(ans.status.success(), "{}", text(&ans.stderr));
        outputs += &(text(&ans.stdout) + &text(&ans.stderr));

        // A key the provider rejects is not saved without --force.
        let bad = canary_key();
        let out = home.run(&["keys", "add", "other", "--label", "bad"], Some(&bad), &[]);
        outputs += &(text(&out.stdout) + &text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{outputs}");
        assert!(text(&out.stderr).contains("test: invalid"), "{outputs}");
        assert!(text(&out.stderr).contains("not saved"), "{outputs}");
        let out = home.run(
            &["keys", "add", "other", "--label", "bad", "--force"],
            Some(&bad),
            &[],
        );
        assert!(out.status.success());
        let out = home.run(&["keys", "test", "--all"], None, &[]);
        outputs += &(text(&out.stdout) + &text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "one key is invalid: {outputs}");
        assert!(
            text(&out.stdout).contains("valid") && text(&out.stdout).contains("invalid"),
            "{outputs}"
        );

        // Rotate to a rejected key (forced), undo brings the good one back.
        let rotated = canary_key();
        let out = home.run(&["keys", "rotate", &id, "--force"], Some(&rotated), &[]);
        outputs += &(text(&out.stdout) + &text(&out.stderr));
        assert!(out.status.success(), "{outputs}");
        assert_eq!(home.run(&["ask", "hi"], None, &[]).status.code(), Some(1));
        outputs += &home.ok(&["keys", "undo"], None);
        assert!(home.run(&["ask", "hi"], None, &[]).status.success());

        // Delete asks for --yes without a terminal; the backup is offered for purging.
        let out = home.run(&["keys", "rm", &id], None, &[]);
        assert_eq!(out.status.code(), Some(2));
        let out = home.ok(&["keys", "rm", &id, "--yes"], None);
        assert!(out.contains("The backup still holds it"), "{out}");
        outputs += &out;
        outputs += &home.ok(&["keys", "purge-backup"], None);
        assert!(!home.ok(&["keys", "list"], None).contains(&id));
        (home, outputs)
    })
    .await;
    for (what, s) in [("output", outputs.as_bytes().to_vec())].into_iter().chain(
        home.all_file_bytes()
            .into_iter()
            .map(|(p, b)| (p.display().to_string().leak() as &str, b)),
    ) {
        assert!(
            !s.windows(14).any(|w| w == b"sk-test-CANARY"),
            "a key leaked into {what}"
        );
    }
    assert!(mock.requests().iter().any(|r| r.path == "/v1/models"));
}

#[test]
fn activate_label_and_import_env() {
    let home = Home::new("http://127.0.0.1:9/v1");
    let (k1, k2) = (canary_key(), canary_key());
    home.ok(
        &["keys", "add", "local", "--label", "one", "--force"],
        Some(&k1),
    );
    home.ok(
        &["keys", "add", "local", "--label", "two", "--force"],
        Some(&k2),
    );
    let two = home.id_of(" two ");
    let list = home.ok(&["keys", "list"], None);
    assert!(
        list.lines()
            .find(|l| l.contains(" one "))
            .unwrap()
            .contains(" * "),
        "{list}"
    );
    home.ok(&["keys", "activate", &two], None);
    home.ok(&["keys", "label", &two[..5], "renamed"], None);
    let list = home.ok(&["keys", "list"], None);
    assert!(
        list.lines()
            .find(|l| l.contains("renamed"))
            .unwrap()
            .contains(" * "),
        "{list}"
    );
    let imported = canary_key();
    let out = home.run(
        &["keys", "import-env"],
        None,
        &[("OPENAI_API_KEY", &imported)],
    );
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("OPENAI_API_KEY: imported"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("unset OPENAI_API_KEY"));
    let out = home.run(
        &["keys", "import-env"],
        None,
        &[("OPENAI_API_KEY", &imported)],
    );
    assert!(text(&out.stdout).contains("already stored"));
    let out = home.run(
        &["keys", "add", "local", "--force"],
        Some("sk-ant-api03-CANARYtestkey000000"),
        &[],
    );
    assert!(
        text(&out.stderr).contains("looks like a anthropic key"),
        "{}",
        text(&out.stderr)
    );
    let out = home.run(&["keys", "activate", "nope"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("No key with id"));

    // A cap below a cent is kept exactly, not rounded to $0.00.
    let said = home.ok(&["keys", "cap", &two, "0.004"], None);
    assert!(said.contains("monthly cap $0.004."), "{said}");
    let list = home.ok(&["keys", "list"], None);
    assert!(
        list.lines()
            .find(|l| l.contains("renamed"))
            .unwrap()
            .contains("$0.004"),
        "{list}"
    );
    let out = home.run(&["keys", "cap", &two, "-1"], None, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn passphrase_sources_passwd_and_wrong_passphrase() {
    let home = Home::new("http://127.0.0.1:9/v1");
    home.ok(&["keys", "add", "local", "--force"], Some(&canary_key()));
    let pf = home.path().join("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    for env in [
        vec![
            ("KEYTURN_PASSPHRASE", ""),
            ("KEYTURN_PASSPHRASE_FILE", pf.to_str().unwrap()),
        ],
        vec![
            ("KEYTURN_PASSPHRASE", ""),
            ("KEYTURN_PASSPHRASE_COMMAND", "printf 'test passphrase'"),
        ],
    ] {
        let out = home.run(&["keys", "list"], None, &env);
        assert!(out.status.success(), "{env:?}: {}", text(&out.stderr));
    }
    let out = home.run(&["keys", "list"], None, &[("KEYTURN_PASSPHRASE", "wrong")]);
    assert_eq!(out.status.code(), Some(3));
    // The passphrase came from the environment: fix it there, not by "trying again".
    let err = text(&out.stderr);
    assert!(
        err.contains("The passphrase from KEYTURN_PASSPHRASE does not open")
            && !err.contains("try again"),
        "{err}"
    );
    let out = home.run(
        &["keys", "list"],
        None,
        &[
            ("KEYTURN_PASSPHRASE_COMMAND", "exit 7"),
            ("KEYTURN_PASSPHRASE", ""),
        ],
    );
    assert!(
        text(&out.stderr).contains("passphrase command failed"),
        "{}",
        text(&out.stderr)
    );
    // No source and no terminal: a clear error, not a hang.
    let out = Command::new("setsid")
        .arg(env!("CARGO_BIN_EXE_keyturn"))
        .args(["keys", "list"])
        .env("KEYTURN_HOME", home.path())
        .env_remove("KEYTURN_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("no way to ask for its passphrase"),
        "{}",
        text(&out.stderr)
    );

    let out = home.run(
        &["keys", "passwd"],
        None,
        &[("KEYTURN_NEW_PASSPHRASE", "brand new")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        home.run(&["keys", "list"], None, &[]).status.code(),
        Some(3)
    );
    assert!(
        home.run(
            &["keys", "list"],
            None,
            &[("KEYTURN_PASSPHRASE", "brand new")]
        )
        .status
        .success()
    );

    // Move to an age identity; KEYTURN_IDENTITY then unlocks.
    let id = home.path().join("id.txt");
    std::fs::write(
        &id,
        secrecy::ExposeSecret::expose_secret(&age::x25519::Identity::generate().to_string())
            .as_bytes(),
    )
    .unwrap();
    let out = home.run(
        &["keys", "passwd", "--identity", id.to_str().unwrap()],
        None,
        &[("KEYTURN_PASSPHRASE", "brand new")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        home.run(
            &["keys", "list"],
            None,
            &[("KEYTURN_IDENTITY", id.to_str().unwrap())]
        )
        .status
        .success()
    );
}

#[test]
fn files_are_private_even_under_umask_000() {
    let home = Home::new("http://127.0.0.1:9/v1");
    std::fs::remove_file(home.path().join("config.toml")).unwrap();
    let store_dir = home.path().join("nested");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask 000; printf 'sk-test-CANARY-umask0000000' | '{}' --home '{}' keys add local --force", env!("CARGO_BIN_EXE_keyturn"), store_dir.display()))
        .env("KEYTURN_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store_dir), 0o700);
    assert_eq!(mode(&store_dir.join("keys.age")), 0o600);
    assert_eq!(mode(&store_dir.join("keys.age.lock")), 0o600);
    // A lax file is reported and can be fixed.
    std::fs::set_permissions(
        store_dir.join("keys.age"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .args(["--home", store_dir.to_str().unwrap(), "keys", "list"])
        .env("KEYTURN_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("readable by others (mode 644)"),
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_keyturn"))
        .args([
            "--home",
            store_dir.to_str().unwrap(),
            "keys",
            "fix-permissions",
        ])
        .env("KEYTURN_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(mode(&store_dir.join("keys.age")), 0o600);
}

#[test]
fn concurrent_writers_never_lose_a_change() {
    let home = Home::new("http://127.0.0.1:9/v1");
    home.ok(
        &["keys", "add", "local", "--force", "--label", "seed"],
        Some(&canary_key()),
    );
    let script = |tag: &str| {
        format!(
            "for i in 1 2 3 4 5; do printf 'sk-test-CANARY-{tag}-'$i'-0000000' | '{}' keys add other --force --label {tag}$i || exit 1; done",
            env!("CARGO_BIN_EXE_keyturn")
        )
    };
    let spawn = |tag: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(script(tag))
            .env("KEYTURN_HOME", home.path())
            .env("KEYTURN_PASSPHRASE", PASS)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a"), spawn("b"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let list = home.ok(&["keys", "list"], None);
    for tag in ["a", "b"] {
        for i in 1..=5 {
            assert!(
                list.contains(&format!("{tag}{i} ")),
                "{tag}{i} lost:\n{list}"
            );
        }
    }
}

#[test]
fn kill_9_during_saves_leaves_the_old_or_the_new_file_never_a_broken_one() {
    let home = Home::new("http://127.0.0.1:9/v1");
    home.ok(
        &["keys", "add", "local", "--force", "--label", "label0"],
        Some(&canary_key()),
    );
    let id = home.id_of("label0");
    let bin = env!("CARGO_BIN_EXE_keyturn");
    for round in 0..12 {
        // The loop runs in a process group of its own: killing the group ends the loop and
        // the keyturn it is running, and nothing this test did not start.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("i=0; while true; do i=$((i+1)); '{bin}' keys label {id} r{round}n$i >/dev/null 2>&1; done"))
            .env("KEYTURN_HOME", home.path())
            .env("KEYTURN_PASSPHRASE", PASS)
            .process_group(0)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + (round * 37) % 90));
        let group = format!("-{}", child.id());
        let _ = Command::new("kill").args(["-9", "--", &group]).status();
        let _ = child.wait();
        let out = home.run(&["keys", "list"], None, &[]);
        assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(&id),
            "round {round}: the key is gone"
        );
    }
}

#[test]
fn a_full_disk_fails_the_save_and_keeps_the_old_file() {
    let home = Home::new("http://127.0.0.1:9/v1");
    home.ok(
        &["keys", "add", "local", "--force", "--label", "before"],
        Some(&canary_key()),
    );
    let before = std::fs::read(home.path().join("keys.age")).unwrap();
    // RLIMIT_FSIZE=0 makes every write fail with EFBIG, as a full disk would (SIGXFSZ ignored).
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f 0; printf 'sk-test-CANARY-full0000000' | '{}' keys add other --force --label after", env!("CARGO_BIN_EXE_keyturn")))
        .env("KEYTURN_HOME", home.path())
        .env("KEYTURN_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Nothing was changed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(home.path().join("keys.age")).unwrap(), before);
    let list = home.ok(&["keys", "list"], None);
    assert!(list.contains("before") && !list.contains("after"));
    // Retry works once space is back.
    home.ok(
        &["keys", "add", "other", "--force", "--label", "after"],
        Some(&canary_key()),
    );
    assert!(home.ok(&["keys", "list"], None).contains("after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_and_unreachable_keys_are_reported_as_such() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    mock.push(Reply::Status {
        status: 429,
        body: r#"{"error":{"message":"slow down"}}"#.into(),
        retry_after: Some("3".into()),
    });
    let home = Home::new(&mock.base_url());
    let out = blocking(move || {
        home.run(
            &["keys", "add", "local", "--force"],
            Some(&canary_key()),
            &[],
        )
    })
    .await;
    assert!(
        text(&out.stderr).contains("test: rate-limited"),
        "{}",
        text(&out.stderr)
    );
    let home = Home::new("http://127.0.0.1:9/v1");
    let out = home.run(
        &["keys", "add", "local", "--force"],
        Some(&canary_key()),
        &[],
    );
    assert!(
        text(&out.stderr).contains("test: unreachable"),
        "{}",
        text(&out.stderr)
    );
    let _ = &home.base_url;
}

/// `keys` writes through a checked stdout: a full disk fails the command, a reader that went
/// away (`| head`) does not; before, println! panicked on both.
#[test]
fn keys_list_to_a_full_or_closed_stdout() {
    let home = Home::new("http://127.0.0.1:9/v1");
    home.ok(
        &["keys", "add", "local", "--label", "one", "--force"],
        Some(&canary_key()),
    );
    let run = |stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_keyturn"))
            .args(["keys", "list"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("KEYTURN_HOME", home.path())
            .env("KEYTURN_PASSPHRASE", PASS)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = run(Stdio::from(full));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot write the output"));
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = run(Stdio::from(writer));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// A command run without a controlling terminal (setsid), with only `env` for unlocking.
fn without_terminal(home: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut cmd = Command::new("setsid");
    cmd.arg(env!("CARGO_BIN_EXE_keyturn"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KEYTURN_HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_use_and_duplicates_say_what_is_needed_before_any_test() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = Home::new(&mock.base_url());
    let h = home.path().to_path_buf();
    let (list, add, passwd) = blocking(move || {
        (
            without_terminal(&h, &["keys", "list"], "", &[]),
            without_terminal(&h, &["keys", "add", "local"], "sk-test-first-key-0001", &[]),
            without_terminal(&h, &["keys", "passwd"], "", &[]),
        )
    })
    .await;
    // No store: an empty list.
    assert!(list.status.success(), "{}", text(&list.stderr));
    assert!(text(&list.stdout).contains("No keys yet"));
    // No passphrase source and no terminal: how to make the store, and no key was tested.
    assert_eq!(add.status.code(), Some(3));
    let err = text(&add.stderr);
    assert!(
        err.contains("no terminal here to choose its passphrase")
            && err.contains("KEYTURN_PASSPHRASE_FILE"),
        "{err}"
    );
    assert!(!err.contains("test:"), "{err}");
    assert!(mock.requests().is_empty(), "the key was tested anyway");
    assert_eq!(passwd.status.code(), Some(3));

    // With a store: passwd without a terminal says it needs one.
    let k1 = home.ok(&["keys", "add", "local"], Some("sk-test-first-key-0001"));
    assert!(k1.contains("Added"), "{k1}");
    let h = home.path().to_path_buf();
    let passwd = blocking(move || {
        without_terminal(&h, &["keys", "passwd"], "", &[("KEYTURN_PASSPHRASE", PASS)])
    })
    .await;
    let err = text(&passwd.stderr);
    assert!(err.contains("needs a terminal to type it twice"), "{err}");
    // A second key, then rotating it to the first one's secret: refused, untested.
    home.ok(&["keys", "add", "local"], Some("sk-test-second-key-0002"));
    let second = home.id_of("0002");
    let tested = mock.requests().len();
    let out = home.run(
        &["keys", "rotate", &second],
        Some("sk-test-first-key-0001"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("already stored for local"));
    assert_eq!(mock.requests().len(), tested, "refused before any test");
    // Adding it again is refused the same way.
    let out = home.run(
        &["keys", "add", "local"],
        Some("sk-test-first-key-0001"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(mock.requests().len(), tested);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_passphrase_command_inherits_no_secret_and_a_lax_passphrase_file_is_warned() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = Home::new(&mock.base_url());
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-scrub-key-0001"),
    );
    // The command prints the passphrase only if it sees none of keyturn's secrets nor a key.
    let cmd = "test -z \"$KEYTURN_NEW_PASSPHRASE$OPENAI_API_KEY\" && printf 'test passphrase'";
    let out = home.run(
        &["keys", "list"],
        None,
        &[
            ("KEYTURN_PASSPHRASE", ""),
            ("KEYTURN_PASSPHRASE_COMMAND", cmd),
            ("KEYTURN_NEW_PASSPHRASE", "leak-me"),
            ("OPENAI_API_KEY", "sk-test-leak-me"),
        ],
    );
    assert!(
        out.status.success(),
        "the command saw a secret: {}",
        text(&out.stderr)
    );
    // A passphrase file others can read: it works, with a warning (and doctor says so).
    let pf = home.path().join("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    std::fs::set_permissions(&pf, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = [
        ("KEYTURN_PASSPHRASE", ""),
        ("KEYTURN_PASSPHRASE_FILE", pf.to_str().unwrap()),
    ];
    let out = home.run(&["keys", "list"], None, &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("can be read by others"),
        "{}",
        text(&out.stderr)
    );
    let doctor = home.run(&["doctor"], None, &env);
    assert!(
        text(&doctor.stdout).contains("can be read by others"),
        "{}",
        text(&doctor.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_works_undo_restores_a_damaged_file_and_tests_keep_the_backup() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = Home::new(&mock.base_url());
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-recover-old-0001"),
    );
    let id = home.id_of("0001");
    // rotate → test → undo: the old key comes back (the test did not touch the backup).
    home.ok(
        &["keys", "rotate", &id, "--force"],
        Some("sk-test-recover-new-0002"),
    );
    let _ = home.run(&["keys", "test", &id], None, &[]);
    home.ok(&["keys", "undo"], None);
    assert!(home.ok(&["keys", "list"], None).contains("0001"));
    // A damaged keys.age: undo restores it from the backup and keeps the damage aside.
    let keys = home.path().join("keys.age");
    let whole = std::fs::read(&keys).unwrap();
    std::fs::write(&keys, &whole[..whole.len() / 2]).unwrap();
    let broken = home.run(&["keys", "list"], None, &[]);
    assert_eq!(broken.status.code(), Some(3));
    assert!(text(&broken.stderr).contains("keyturn keys undo"));
    let restored = home.ok(&["keys", "undo"], None);
    assert!(
        restored.contains("Restored") && restored.contains("damaged"),
        "{restored}"
    );
    assert!(home.path().join("keys.age.damaged").is_file());
    assert!(home.ok(&["keys", "list"], None).contains(&id[..4]));
    // A damaged backup is not sent to keys.age.bak.bak.
    std::fs::write(home.path().join("keys.age.bak"), b"garbage").unwrap();
    std::fs::remove_file(&keys).unwrap();
    let out = home.run(&["keys", "undo"], None, &[]);
    let err = text(&out.stderr);
    assert!(!out.status.success() && !err.contains(".bak.bak"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_store_with_a_backup_is_not_replaced_by_an_empty_one() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = Home::new(&mock.base_url());
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-backup-one-0001"),
    );
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-backup-two-0002"),
    );
    std::fs::remove_file(home.path().join("keys.age")).unwrap();
    let bak = std::fs::read(home.path().join("keys.age.bak")).unwrap();
    let out = home.run(
        &["keys", "add", "local", "--force"],
        Some("sk-test-backup-new-0003"),
        &[],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("keys undo"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read(home.path().join("keys.age.bak")).unwrap(),
        bak,
        "backup kept"
    );
    home.ok(&["keys", "undo"], None);
    assert!(home.ok(&["keys", "list"], None).contains("0001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_first_adds_at_once_keep_six_keys() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = std::sync::Arc::new(Home::new(&mock.base_url()));
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let home = home.clone();
            std::thread::spawn(move || {
                home.run(
                    &["keys", "add", "local", "--force"],
                    Some(&format!("sk-test-parallel-key-000{i}")),
                    &[],
                )
            })
        })
        .collect();
    for r in runs {
        let out = r.join().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let list = home.ok(&["keys", "list"], None);
    assert_eq!(
        (0..6)
            .filter(|i| list.contains(&format!("…000{i}")))
            .count(),
        6,
        "{list}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_salt_reads_as_a_wrong_passphrase_that_says_undo_and_undo_restores() {
    let mock = MockProvider::start(MockOptions::default()).await.unwrap();
    let home = Home::new(&mock.base_url());
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-salt-one-0001"),
    );
    home.ok(
        &["keys", "add", "local", "--force"],
        Some("sk-test-salt-two-0002"),
    );
    let keys = home.path().join("keys.age");
    let text = String::from_utf8_lossy(&std::fs::read(&keys).unwrap()).into_owned();
    // Change one character of the scrypt salt in the header.
    let at = text.find("-> scrypt ").unwrap() + "-> scrypt ".len();
    let mut bytes = std::fs::read(&keys).unwrap();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&keys, &bytes).unwrap();
    let out = home.run(&["keys", "list"], None, &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text_of(&out).contains("keyturn keys undo"),
        "{}",
        text_of(&out)
    );
    let restored = home.ok(&["keys", "undo"], None);
    assert!(restored.contains("Restored"), "{restored}");
    assert!(home.ok(&["keys", "list"], None).contains("0001"));
}

fn text_of(out: &Output) -> String {
    text(&out.stderr) + &text(&out.stdout)
}
