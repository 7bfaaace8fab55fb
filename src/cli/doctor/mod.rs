//! `keyturn doctor`: a readable report, one line per check, with the fix when one fails.
//! Config, key store (presence, permissions, unlock method), terminal, CA certificates,
//! proxies; with `--online` each provider with a key and each key (no tokens spent).
//! Exit 0 when nothing failed. Never prints a secret.

use serde::Serialize;

mod keystore;
mod system;

use keystore::keystore_checks;
use system::{ca_check, proxy_check, terminal_checks};

use crate::config::{Config, Paths};
use crate::keystore::KeyCheck;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: String,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

fn check(name: &str, status: Status, detail: impl Into<String>, fix: Option<&str>) -> Check {
    Check {
        check: name.into(),
        status,
        detail: detail.into(),
        fix: fix.map(str::to_string),
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct DoctorArgs {
    /// Also check that each provider answers and each key is valid (spends no tokens).
    #[arg(long)]
    pub online: bool,
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Hides credentials in a proxy URL (`http://user:pass@host` → `http://…@host`).
fn redact_proxy(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}…{}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}

fn config_check(paths: &Paths) -> (Check, Option<Config>) {
    let path = &paths.config_file;
    if !path.exists() {
        return (
            check(
                "config",
                Status::Pass,
                format!("no {} (defaults are used)", path.display()),
                None,
            ),
            Some(Config::default()),
        );
    }
    match Config::load(path) {
        Ok(c) => (
            check(
                "config",
                Status::Pass,
                format!("{} parses", path.display()),
                None,
            ),
            Some(c),
        ),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default().to_string();
            (
                check(
                    "config",
                    Status::Fail,
                    first,
                    Some("fix that line (config.example.toml documents every option)"),
                ),
                None,
            )
        }
    }
}

async fn online_checks(paths: &Paths, config: &Config) -> Vec<Check> {
    let mut out = Vec::new();
    let store = match crate::cli::keys::open_existing(paths, config) {
        Ok(s) => s,
        Err(e) => {
            out.push(check("keys (online)", Status::Fail, e.to_string(), None));
            None
        }
    };
    let client = crate::providers::http::build_client(config.timeouts());
    // Every provider that has a key or needs none and is configured; each stored key.
    let mut tested = Vec::new();
    if let Some(store) = &store {
        let futures = store.entries().iter().filter_map(|e| {
            let choice = config.provider(&e.provider, None).ok()?;
            let client = client.clone();
            let secret = e.secret.clone();
            let name = format!(
                "key {} {} ({})",
                e.provider,
                e.masked(),
                crate::text::sanitize::sanitize_line(&e.label)
            );
            Some(async move {
                let o = crate::providers::validate::check_key(
                    &client,
                    &choice.endpoint,
                    &secret,
                    config.timeouts(),
                )
                .await;
                (name, o)
            })
        });
        for (name, o) in futures_util::future::join_all(futures).await {
            let status = match o.check {
                KeyCheck::Valid => Status::Pass,
                KeyCheck::RateLimited | KeyCheck::Unknown => Status::Warn,
                _ => Status::Fail,
            };
            // Only a key the provider judged is blamed; a network failure is the network's.
            let fix = match o.check {
                KeyCheck::Invalid | KeyCheck::NoCredit => {
                    Some("replace it: F3 then r, or `keyturn keys rotate ID`")
                }
                KeyCheck::Unreachable => Some(
                    "the provider could not be reached, so the key was not judged: check the network, proxy and base_url",
                ),
                _ => None,
            };
            out.push(check(
                &name,
                status,
                format!("{}: {}", o.check.label(), o.detail),
                fix,
            ));
        }
        tested.extend(store.entries().iter().map(|e| e.provider.clone()));
    }
    for id in config.providers.keys() {
        if tested.contains(id) {
            continue;
        }
        let Ok(choice) = config.provider(id, None) else {
            continue;
        };
        if choice.auth == crate::config::AuthKind::Key {
            continue;
        }
        let res =
            crate::providers::models::fetch(&client, &choice.endpoint, None, config.timeouts())
                .await;
        out.push(match res {
            Ok(m) => check(
                &format!("provider {id}"),
                Status::Pass,
                format!("reachable ({})", crate::text::count(m.len(), "model")),
                None,
            ),
            Err(e) => check(&format!("provider {id}"), Status::Fail, e.to_string(), None),
        });
    }
    out
}

pub async fn run(paths: &Paths, args: DoctorArgs) -> Result<(), super::CliError> {
    let (config_result, config) = config_check(paths);
    let mut checks = vec![config_result];
    checks.extend(keystore_checks(paths, config.as_ref()));
    checks.extend(terminal_checks());
    checks.push(ca_check());
    checks.push(proxy_check());
    if args.online {
        match &config {
            Some(c) => checks.extend(online_checks(paths, c).await),
            None => checks.push(check(
                "online",
                Status::Fail,
                "skipped: the config does not parse",
                None,
            )),
        }
    }
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&checks).unwrap_or_default()
        );
    } else {
        for c in &checks {
            let mark = match c.status {
                Status::Pass => "✓",
                Status::Warn => "!",
                Status::Fail => "✗",
            };
            let fix = c
                .fix
                .as_ref()
                .map(|f| format!(" → {f}"))
                .unwrap_or_default();
            println!(
                "{mark} {:<20} {}{fix}",
                c.check,
                crate::text::sanitize::sanitize_line(&c.detail)
            );
        }
        println!(
            "{}",
            if failed {
                "Some checks failed; each ✗ line says how to fix it."
            } else {
                "All checks passed."
            }
        );
    }
    if failed {
        // Each failed check is on the report already.
        Err(super::CliError::Said(super::exit::PROVIDER))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_credentials_are_hidden() {
        assert_eq!(
            redact_proxy("http://user:secret@proxy:3128"),
            "http://…@proxy:3128"
        );
        assert_eq!(redact_proxy("http://proxy:3128"), "http://proxy:3128");
    }
}
