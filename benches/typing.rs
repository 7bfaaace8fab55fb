//! Typing beside the context meter (prints figures; asserts nothing): the loop's cost of a
//! keystroke (the reducer, the meter's fingerprint of the next request and handing the
//! change to the counting thread) in an empty conversation and in one of about 100,000
//! tokens, and how soon the count of the new draft comes back from that thread. Run:
//! `cargo bench --bench typing`.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::{App, AppOptions, Msg, ProviderInfo, update};
use keyturn::chat::{Role, TurnState};
use keyturn::runtime::meter::Meter;

const KEYS: usize = 400;

fn app(model: &str, turns: usize) -> App {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: model.into(),
        }),
        ..Default::default()
    });
    // About 500 tokens a message: prose with some code.
    let para = "The quick brown fox jumps over the lazy dog while the compiler checks \
        every borrow; `let x = vec![1, 2, 3];` then iterate and sum the values. ";
    let text = para.repeat(17);
    for _ in 0..turns {
        for role in [Role::User, Role::Assistant] {
            let id = app.session.fresh_msg_id();
            app.session
                .conversation
                .push_with_id(id, role, text.clone(), TurnState::Done);
        }
    }
    app
}

/// Types KEYS characters, each followed by what the loop does after a batch; returns the
/// loop's time per key and the median time for the count of a draft to come back.
fn run(model: &str, turns: usize) -> (Duration, Duration, u64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(model, turns);
    // The first count takes in every message (and loads a tokenizer): not typing.
    let (mut meter, first) = Meter::spawn(
        &keyturn::config::Config::default(),
        std::sync::Arc::new(keyturn::usage::prices::PriceTable::shipped()),
        dir.path().join("models"),
        tx,
        &app,
    )
    .unwrap();
    let reading = match first {
        Some(r) => r,
        None => match rt.block_on(rx.recv()).unwrap() {
            Msg::Counted(r) => *r,
            _ => panic!(),
        },
    };
    let tokens = reading.estimate.input_tokens;
    let mut loop_time = Duration::ZERO;
    let mut answers = Vec::new();
    for i in 0..KEYS {
        let c = (b'a' + (i % 26) as u8) as char;
        let t = Instant::now();
        let _ = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        meter.after_batch(&app);
        loop_time += t.elapsed();
        let _ = rt.block_on(rx.recv()).unwrap();
        answers.push(t.elapsed());
    }
    answers.sort();
    (loop_time / KEYS as u32, answers[KEYS / 2], tokens)
}

fn main() {
    println!("typing {KEYS} keys with the context meter on (per key):");
    println!(
        "  {:<34}{:>10}{:>14}{:>16}",
        "conversation", "tokens", "loop µs/key", "count back µs"
    );
    for (model, turns, what) in [
        ("mock-model", 0, "empty, estimated"),
        ("mock-model", 100, "200 messages, estimated"),
        ("gpt-4o", 0, "empty, exact (o200k)"),
        ("gpt-4o", 100, "200 messages, exact (o200k)"),
    ] {
        let (per_key, back, tokens) = run(model, turns);
        println!(
            "  {what:<34}{tokens:>10}{:>14.1}{:>16.1}",
            per_key.as_secs_f64() * 1e6,
            back.as_secs_f64() * 1e6
        );
    }
}
