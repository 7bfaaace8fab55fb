//! Start-up and idle benchmark of the release binary in a real pseudo-terminal (`script`).
//! Prints figures; asserts nothing.
//!
//! 1. Launch to first frame: `KEYTURN_EXIT_AFTER_FIRST_FRAME` makes keyturn exit right
//!    after drawing its first frame; the time of `script` running `true` is subtracted.
//! 2. Idle: keyturn left alone for 3 s; its CPU time and context switches (wake-ups)
//!    over the last 2 s, from /proc.
//!
//! Run: `cargo bench --bench startup`.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_keyturn");

fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "default_provider = \"local\"\n[network]\ndiscover_local = false\n\
         [providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\nauth = \"none\"\ndefault_model = \"m\"\n",
    )
    .unwrap();
    home
}

/// A home with 1,000 saved conversations (the last one resumed) and 100,000 ledger records
/// this month.
fn busy_home() -> tempfile::TempDir {
    let home = home();
    let conv = home.path().join("data/conversations");
    std::fs::create_dir_all(&conv).unwrap();
    for i in 0..1_000 {
        let id = format!("20261101-000000-{i:04x}");
        let mut text = format!("{{\"t\":\"meta\",\"v\":1,\"id\":\"{id}\",\"created\":1}}\n");
        for n in 0..10 {
            text.push_str(&format!(
                "{{\"t\":\"msg\",\"n\":{},\"role\":\"user\",\"text\":\"question {n} of conversation {i}\",\"at\":1}}\n\
                 {{\"t\":\"start\",\"n\":{},\"at\":1,\"provider\":\"openai\",\"model\":\"gpt-4.1\"}}\n\
                 {{\"t\":\"delta\",\"n\":{},\"text\":\"An answer with **markdown** and `code`, long enough to wrap once or twice at eighty columns.\"}}\n\
                 {{\"t\":\"end\",\"n\":{},\"at\":2,\"state\":\"done\"}}\n",
                2 * n,
                2 * n + 1,
                2 * n + 1,
                2 * n + 1
            ));
        }
        std::fs::write(conv.join(format!("{id}.jsonl")), text).unwrap();
        if i == 999 {
            std::fs::write(conv.join("last"), &id).unwrap();
        }
    }
    let usage = home.path().join("data/usage");
    std::fs::create_dir_all(&usage).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let month = {
        let out = Command::new("date").arg("+%Y-%m").output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let mut ledger = String::new();
    for i in 0..100_000 {
        ledger.push_str(&format!(
            "{{\"at\":{},\"provider\":\"openai\",\"key_id\":\"k1\",\"model\":\"gpt-4.1\",\"input\":1200,\"output\":300,\"reasoning\":0,\"cached\":0,\"estimated\":false,\"cost_usd\":0.0048,\"cost_source\":\"table\"}}\n",
            now - (i % 3600)
        ));
    }
    std::fs::write(usage.join(format!("{month}.jsonl")), ledger).unwrap();
    home
}

/// Median time from main() to the first frame, as keyturn reports it, for a home.
fn first_frame_ms(home: &Path, runs: usize) -> f64 {
    let cmd = format!(
        "stty cols 80 rows 24; exec {BIN} --home '{}'",
        home.display()
    );
    let report = home.join("first-frame-us");
    let report_s = report.to_string_lossy().to_string();
    let mut inside: Vec<f64> = (0..runs)
        .map(|_| {
            in_pty(&cmd, &[("KEYTURN_EXIT_AFTER_FIRST_FRAME", &report_s)])
                .wait()
                .unwrap();
            let us: f64 = std::fs::read_to_string(&report).unwrap().parse().unwrap();
            us / 1000.0
        })
        .collect();
    inside.sort_by(f64::total_cmp);
    inside[runs / 2]
}

fn in_pty(command: &str, env: &[(&str, &str)]) -> Child {
    let mut c = Command::new("script");
    c.args(["-qfec", command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env("TERM", "xterm-256color")
        .env_remove("TMUX");
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("script(1) runs")
}

fn median_run(command: &str, env: &[(&str, &str)], runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let mut child = in_pty(command, env);
            child.wait().unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// keyturn's pid: the process whose executable is our binary.
fn find_pid() -> Option<u32> {
    let target = std::fs::canonicalize(BIN).ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        (std::fs::read_link(e.path().join("exe")).ok()? == target).then_some(pid)
    })
}

/// (CPU ticks, context switches) summed over the process's threads.
fn usage(pid: u32) -> (u64, u64) {
    let mut ticks = 0;
    let mut switches = 0;
    let tasks = Path::new("/proc").join(pid.to_string()).join("task");
    for t in std::fs::read_dir(tasks).into_iter().flatten().flatten() {
        if let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) {
            let after = stat.rsplit(')').next().unwrap_or("");
            let f: Vec<&str> = after.split_whitespace().collect();
            ticks += f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            ticks += f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
        if let Ok(status) = std::fs::read_to_string(t.path().join("status")) {
            for line in status.lines() {
                if line.contains("ctxt_switches:") {
                    switches += line
                        .split_whitespace()
                        .last()
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0);
                }
            }
        }
    }
    (ticks, switches)
}

fn main() {
    let home = home();
    // script's pty starts at 0x0; give it the size users have.
    let cmd = format!(
        "stty cols 80 rows 24; exec {BIN} --home '{}'",
        home.path().display()
    );
    let runs = 21;
    // The first frame really is drawn (the status bar's help hint is in the output).
    let out = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env("KEYTURN_EXIT_AFTER_FIRST_FRAME", "/dev/null")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("F1 help"),
        "no first frame was drawn"
    );
    let baseline = median_run("stty cols 80 rows 24; true", &[], runs);
    let report = home.path().join("first-frame-us");
    let report_s = report.to_string_lossy().to_string();
    let mut inside: Vec<f64> = Vec::new();
    let first = median_run(&cmd, &[("KEYTURN_EXIT_AFTER_FIRST_FRAME", &report_s)], runs);
    for _ in 0..runs {
        in_pty(&cmd, &[("KEYTURN_EXIT_AFTER_FIRST_FRAME", &report_s)])
            .wait()
            .unwrap();
        let us: f64 = std::fs::read_to_string(&report).unwrap().parse().unwrap();
        inside.push(us / 1000.0);
    }
    inside.sort_by(f64::total_cmp);
    println!(
        "start-up to first frame (release, 80x24 pty, median of {runs}): {:.1} ms from main() to the frame on the terminal; {:.1} ms wall from exec (script(1) alone, {:.1} ms, subtracted)",
        inside[runs / 2],
        (first.saturating_sub(baseline)).as_secs_f64() * 1000.0,
        baseline.as_secs_f64() * 1000.0
    );
    let empty = first_frame_ms(home.path(), runs);
    let busy = busy_home();
    let full = first_frame_ms(busy.path(), runs);
    println!(
        "start-up with 1,000 saved conversations and a 100,000-record ledger: {full:.1} ms vs {empty:.1} ms with none (+{:.1} ms)",
        full - empty
    );
    let mut child = in_pty(&cmd, &[]);
    std::thread::sleep(Duration::from_secs(1));
    let Some(pid) = find_pid() else {
        println!("idle: could not find keyturn's process");
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    let (t0, s0) = usage(pid);
    std::thread::sleep(Duration::from_secs(2));
    let (t1, s1) = usage(pid);
    println!(
        "idle for 2 s: {} CPU ticks (1 tick = 10 ms), {} context switches (wake-ups)",
        t1 - t0,
        s1 - s0
    );
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = child.wait();
}
