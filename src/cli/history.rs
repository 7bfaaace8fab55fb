//! `keyturn history` and `keyturn usage`: saved conversations and the usage ledger from the
//! shell. Plain tables for people, `--json` for scripts.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};

use super::{CliError, exit};
use crate::config::Paths;
use crate::history::{HistoryStore, title_of};
use crate::usage::{GroupBy, Ledger, Month, report};

#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// List conversations, most recent first.
    List {
        /// One JSON array of {id, title, modified, messages} for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Print every branch of a conversation as an indented tree (`*` marks the one shown),
    /// with each reply's cost and each branch's total.
    Tree {
        /// A conversation id, a unique prefix of one, or `last`.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::conversations))]
        id: String,
    },
    /// Print a conversation (the branch shown) as Markdown.
    Show {
        /// A conversation id, a unique prefix of one, or `last`.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::conversations))]
        id: String,
    },
    /// Write a conversation to a Markdown file (with model, provider, token and cost front matter).
    Export {
        /// A conversation id, a unique prefix of one, or `last`.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::conversations))]
        id: String,
        /// Where to write it (default: stdout).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Delete a conversation.
    Rm {
        /// A conversation id, a unique prefix of one, or `last`.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::cli::complete::conversations))]
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Find conversations containing TEXT (case-insensitive).
    Search {
        /// The text to look for, in titles and messages.
        text: String,
    },
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
    /// The report as JSON (cost_usd is null when any request in a row has no price).
    #[arg(long)]
    json: bool,
}

/// Loads a saved conversation named by id, prefix or `last`, noting damage on stderr.
pub fn load(store: &HistoryStore, spec: &str) -> Result<crate::app::Conversation, CliError> {
    let id = store
        .resolve(spec)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let id = id.as_str();
    let (conv, report) = store
        .load(id)
        .map_err(|e| CliError::Usage(format!("cannot read conversation {id}: {e}")))?;
    if let Some(d) = report.describe(id) {
        eprintln!("keyturn: {d}");
    }
    Ok(conv)
}

pub fn run_history(paths: &Paths, cmd: HistoryCmd) -> Result<(), CliError> {
    let store = HistoryStore::new(&paths.data_dir);
    let ledger = crate::usage::Ledger::new(&paths.data_dir);
    let mut out = std::io::stdout().lock();
    match cmd {
        HistoryCmd::List { json } => {
            let list = store.list();
            if json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|s| serde_json::json!({"id": s.id, "title": s.title, "modified": s.modified, "messages": s.messages}))
                    .collect();
                writeln!(out, "{}", serde_json::Value::Array(rows))?;
            } else if list.is_empty() {
                writeln!(out, "No saved conversations yet.")?;
            } else {
                for s in list {
                    writeln!(
                        out,
                        "{:<22} {:<16} {:>9}  {}",
                        s.id,
                        crate::time::format_local(s.modified),
                        crate::text::count(s.messages, "msg"),
                        s.title
                    )?;
                }
            }
        }
        HistoryCmd::Tree { id } => {
            let conv = load(&store, &id)?;
            let records = ledger.for_conversation(&conv.id);
            out.write_all(crate::cli::history_tree::render(&conv, &records).as_bytes())?;
        }
        HistoryCmd::Show { id } | HistoryCmd::Export { id, output: None } => {
            let conv = load(&store, &id)?;
            out.write_all(
                crate::history::export::to_markdown(&conv, &ledger.for_conversation(&conv.id))
                    .as_bytes(),
            )?;
        }
        HistoryCmd::Export {
            id,
            output: Some(path),
        } => {
            let conv = load(&store, &id)?;
            let md = crate::history::export::to_markdown(&conv, &ledger.for_conversation(&conv.id));
            crate::private_fs::write(&path, md.as_bytes())
                .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;
            writeln!(out, "Wrote {} ({}).", path.display(), title_of(&conv))?;
        }
        HistoryCmd::Rm { id, yes } => {
            let conv = load(&store, &id)?;
            if !yes {
                let question = format!(
                    "Delete \"{}\" ({})? [y/N] ",
                    title_of(&conv),
                    crate::text::count(conv.messages.len(), "message")
                );
                if !super::prompt::confirm(&question) {
                    eprintln!("Kept.");
                    return Err(CliError::Said(exit::USAGE));
                }
            }
            store
                .remove(&conv.id)
                .map_err(|e| CliError::Usage(format!("cannot delete {}: {e}", conv.id)))?;
            writeln!(out, "Deleted {}.", conv.id)?;
        }
        HistoryCmd::Search { text } => {
            let hits = store.search(&text);
            if hits.is_empty() {
                writeln!(out, "No conversation contains {text:?}.")?;
                return Err(CliError::Said(exit::PROVIDER));
            }
            for (s, excerpt) in hits {
                writeln!(out, "{:<22} {}\n    …{}…", s.id, s.title, excerpt)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

pub fn run_usage(paths: &Paths, args: UsageArgs) -> Result<(), CliError> {
    let tz = jiff::tz::TimeZone::system();
    let month = match &args.month {
        Some(m) => Month::parse(m).ok_or_else(|| {
            CliError::Usage(format!("--month takes YYYY-MM, e.g. 2026-11 (got {m:?})"))
        })?,
        None => Month::of(crate::time::now(), &tz),
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
        let v = serde_json::json!({
            "month": month.to_string(),
            "rows": rows.iter().map(crate::usage::Row::to_json).collect::<Vec<_>>(),
            "total": crate::usage::total(&rows).to_json(),
            "skipped_lines": skipped,
        });
        writeln!(out, "{v}")?;
    } else if rows.is_empty() {
        writeln!(out, "No requests recorded in {month}.")?;
    } else {
        write_table(&mut out, &rows)?;
    }
    out.flush()?;
    Ok(())
}

/// The usage report as a table with a total row and what it leaves out.
fn write_table(out: &mut impl Write, rows: &[crate::usage::Row]) -> std::io::Result<()> {
    // Names (cleaned by the report) are padded by hand so one of any length prints (a
    // format width has a limit); the column is capped.
    let names: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    let w = names
        .iter()
        .map(|n| crate::text::wrap::str_width(n))
        .max()
        .unwrap_or(5)
        .clamp(5, 48);
    let pad = |name: &str| {
        let used = crate::text::wrap::str_width(name);
        format!("{name}{}", " ".repeat(w.saturating_sub(used)))
    };
    writeln!(
        out,
        "{}  {:>8}  {:>12}  {:>12}  {:>10}",
        pad(""),
        "requests",
        "input tok",
        "output tok",
        "cost USD"
    )?;
    for (r, name) in rows.iter().zip(names) {
        writeln!(
            out,
            "{}  {:>8}  {:>12}  {:>12}  {:>10}",
            pad(name),
            r.requests,
            r.input,
            r.output,
            cost_cell(r)
        )?;
    }
    let total = crate::usage::total(rows);
    writeln!(
        out,
        "{}  {:>8}  {:>12}  {:>12}  {:>10}",
        pad("total"),
        total.requests,
        total.input,
        total.output,
        cost_cell(&total)
    )?;
    if total.unpriced > 0 {
        writeln!(
            out,
            "+ {} request(s) of unpriced models (add them to prices.toml to count them)",
            total.unpriced
        )?;
    }
    for note in total.reasoning_note().into_iter().chain(total.cache_note()) {
        writeln!(out, "{note}")?;
    }
    if total.estimated > 0 {
        writeln!(
            out,
            "~ {} request(s) with estimated tokens (the provider reported none)",
            total.estimated
        )?;
    }
    Ok(())
}

fn cost_cell(r: &crate::usage::Row) -> String {
    format!("{}{}", r.cost_figure(), r.cost_mark())
}
