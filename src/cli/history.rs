//! `keyturn history` and `keyturn usage`: saved conversations and the usage ledger from the
//! shell. Plain tables for people, `--json` for scripts.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};

use super::exit;
use crate::config::Paths;
use crate::history::{HistoryStore, title_of};
use crate::usage::prices::PriceTable;
use crate::usage::{GroupBy, Ledger, Month, report};

#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// List conversations, most recent first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print a conversation as Markdown.
    Show { id: String },
    /// Write a conversation to a Markdown file (with model, provider, token and cost front matter).
    Export {
        id: String,
        /// Where to write it (default: stdout).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Delete a conversation.
    Rm {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Find conversations containing TEXT (case-insensitive).
    Search { text: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    Provider,
    Key,
    Model,
    Day,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// The month to report, YYYY-MM (default: this month, local time).
    #[arg(long)]
    month: Option<String>,
    /// How to group the rows.
    #[arg(long, value_enum, default_value = "provider")]
    by: By,
    #[arg(long)]
    json: bool,
}

fn date(secs: u64) -> String {
    jiff::Timestamp::from_second(secs as i64)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

pub fn run_history(paths: &Paths, cmd: HistoryCmd) -> u8 {
    let store = HistoryStore::new(&paths.data_dir);
    let prices = PriceTable::load(&paths.config_dir.join("prices.toml")).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    let load = |id: &str| {
        if !crate::history::valid_id(id) || !store.path(id).is_file() {
            eprintln!("keyturn: no conversation {id:?}; `keyturn history list` shows them");
            return None;
        }
        match store.load(id) {
            Ok((conv, report)) => {
                if let Some(d) = report.describe(id) {
                    eprintln!("keyturn: {d}");
                }
                Some(conv)
            }
            Err(e) => {
                eprintln!("keyturn: cannot read conversation {id}: {e}");
                None
            }
        }
    };
    match cmd {
        HistoryCmd::List { json } => {
            let list = store.list();
            if json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|s| serde_json::json!({"id": s.id, "title": s.title, "modified": s.modified, "messages": s.messages}))
                    .collect();
                let _ = writeln!(out, "{}", serde_json::Value::Array(rows));
            } else if list.is_empty() {
                let _ = writeln!(out, "No saved conversations yet.");
            } else {
                for s in list {
                    let _ = writeln!(
                        out,
                        "{:<22} {:<16} {:>4} msgs  {}",
                        s.id,
                        date(s.modified),
                        s.messages,
                        s.title
                    );
                }
            }
            exit::OK
        }
        HistoryCmd::Show { id } | HistoryCmd::Export { id, output: None } => match load(&id) {
            Some(conv) => {
                let _ =
                    out.write_all(crate::history::export::to_markdown(&conv, &prices).as_bytes());
                exit::OK
            }
            None => exit::USAGE,
        },
        HistoryCmd::Export {
            id,
            output: Some(path),
        } => match load(&id) {
            Some(conv) => {
                let md = crate::history::export::to_markdown(&conv, &prices);
                match std::fs::write(&path, md) {
                    Ok(()) => {
                        let _ = writeln!(out, "Wrote {} ({}).", path.display(), title_of(&conv));
                        exit::OK
                    }
                    Err(e) => {
                        eprintln!("keyturn: cannot write {}: {e}", path.display());
                        exit::USAGE
                    }
                }
            }
            None => exit::USAGE,
        },
        HistoryCmd::Rm { id, yes } => {
            let Some(conv) = load(&id) else {
                return exit::USAGE;
            };
            if !yes {
                let question = format!(
                    "Delete \"{}\" ({} messages)? [y/N] ",
                    title_of(&conv),
                    conv.messages.len()
                );
                if !super::prompt::confirm(&question) {
                    eprintln!("Kept.");
                    return exit::USAGE;
                }
            }
            match store.remove(&id) {
                Ok(()) => {
                    let _ = writeln!(out, "Deleted {id}.");
                    exit::OK
                }
                Err(e) => {
                    eprintln!("keyturn: cannot delete {id}: {e}");
                    exit::USAGE
                }
            }
        }
        HistoryCmd::Search { text } => {
            let hits = store.search(&text);
            if hits.is_empty() {
                let _ = writeln!(out, "No conversation contains {text:?}.");
                return exit::PROVIDER;
            }
            for (s, excerpt) in hits {
                let _ = writeln!(out, "{:<22} {}\n    …{}…", s.id, s.title, excerpt);
            }
            exit::OK
        }
    }
}

pub fn run_usage(paths: &Paths, args: UsageArgs) -> u8 {
    let tz = jiff::tz::TimeZone::system();
    let month = match &args.month {
        Some(m) => match Month::parse(m) {
            Some(m) => m,
            None => {
                eprintln!("keyturn: --month takes YYYY-MM, e.g. 2026-11 (got {m:?})");
                return exit::USAGE;
            }
        },
        None => Month::of(crate::keystore::entry::now(), &tz),
    };
    let ledger = Ledger::new(&paths.data_dir);
    let (records, skipped) = ledger.read(month);
    if !skipped.is_empty() {
        eprintln!(
            "keyturn: skipped {} damaged line(s) in {}",
            skipped.len(),
            ledger.file(month).display()
        );
    }
    let by = match args.by {
        By::Provider => GroupBy::Provider,
        By::Key => GroupBy::Key,
        By::Model => GroupBy::Model,
        By::Day => GroupBy::Day,
    };
    let rows = report(&records, by, &tz);
    let mut out = std::io::stdout().lock();
    if args.json {
        let v =
            serde_json::json!({"month": month.to_string(), "rows": rows, "skipped_lines": skipped});
        let _ = writeln!(out, "{v}");
        return exit::OK;
    }
    if rows.is_empty() {
        let _ = writeln!(out, "No requests recorded in {month}.");
        return exit::OK;
    }
    let w = rows
        .iter()
        .map(|r| r.group.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<w$}  {:>8}  {:>12}  {:>12}  {:>10}",
        "", "requests", "input tok", "output tok", "cost USD"
    );
    let mut total = crate::usage::Row::default();
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<w$}  {:>8}  {:>12}  {:>12}  {:>10}",
            r.group,
            r.requests,
            r.input,
            r.output,
            cost_cell(r)
        );
        total.requests += r.requests;
        total.input += r.input;
        total.output += r.output;
        total.cost_usd += r.cost_usd;
        total.unpriced += r.unpriced;
        total.estimated += r.estimated;
    }
    let _ = writeln!(
        out,
        "{:<w$}  {:>8}  {:>12}  {:>12}  {:>10}",
        "total",
        total.requests,
        total.input,
        total.output,
        cost_cell(&total)
    );
    if total.unpriced > 0 {
        let _ = writeln!(
            out,
            "+ {} request(s) of unpriced models (add them to prices.toml to count them)",
            total.unpriced
        );
    }
    if total.estimated > 0 {
        let _ = writeln!(
            out,
            "~ {} request(s) with estimated tokens (the provider reported none)",
            total.estimated
        );
    }
    exit::OK
}

fn cost_cell(r: &crate::usage::Row) -> String {
    format!("{}{}", r.cost_figure(), r.cost_mark())
}
