//! Small, careful edits to config.toml that keep the user's comments and layout
//! (toml_edit), written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why config.toml could not be edited; the file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} does not parse: {source}; fix it by hand, then try again", path.display())]
    Parse {
        path: PathBuf,
        source: toml_edit::TomlError,
    },
    #[error("`{0}` in config is not a table")]
    NotATable(String),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> EditError + '_ {
    move |source| EditError::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> EditError + '_ {
    move |source| EditError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn parse_error(path: &Path) -> impl FnOnce(toml_edit::TomlError) -> EditError + '_ {
    move |source| EditError::Parse {
        path: path.to_path_buf(),
        source,
    }
}

/// Makes a provider and model the default: `default_provider = "<id>"` and
/// `[providers.<id>] default_model = "<model>"`, creating the table when needed.
pub fn set_default(path: &Path, provider_id: &str, model: &str) -> Result<(), EditError> {
    let mut doc = read(path)?;
    set_keeping_comments(doc.as_table_mut(), "default_provider", provider_id);
    let providers = doc
        .entry("providers")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| EditError::NotATable("providers".into()))?;
    let table = providers
        .entry(provider_id)
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| EditError::NotATable(format!("providers.{provider_id}")))?;
    set_keeping_comments(table, "default_model", model);
    write(path, &doc)
}

/// Sets `key = "value"` in place: the comment above the key and the one after the value stay.
fn set_keeping_comments(table: &mut dyn toml_edit::TableLike, key: &str, value: &str) {
    match table.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
        Some(v) => {
            let decor = v.decor().clone();
            *v = value.into();
            *v.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(value));
        }
    }
}

/// Sets or removes a monthly cap: `[budget] monthly_usd` (no provider) or
/// `[budget.providers] <id>`. None removes the cap.
pub fn set_budget_cap(
    path: &Path,
    provider_id: Option<&str>,
    usd: Option<crate::chat::money::Usd>,
) -> Result<(), EditError> {
    let mut doc = read(path)?;
    let budget = doc
        .entry("budget")
        .or_insert_with(|| {
            // No empty `[budget]` header above `[budget.providers]`.
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| EditError::NotATable("budget".into()))?;
    let (table, key) = match provider_id {
        None => (budget, "monthly_usd"),
        Some(id) => {
            let providers = budget
                .entry("providers")
                .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
                .as_table_mut()
                .ok_or_else(|| EditError::NotATable("budget.providers".into()))?;
            (providers, id)
        }
    };
    match (usd, table.get_mut(key)) {
        // Assign in place so the key keeps the comment above it.
        (Some(v), Some(item)) => *item = toml_edit::value(v.dollars()),
        (Some(v), None) => {
            table.insert(key, toml_edit::value(v.dollars()));
        }
        (None, _) => {
            table.remove(key);
        }
    }
    write(path, &doc)
}

fn read(path: &Path) -> Result<toml_edit::DocumentMut, EditError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(read_error(path)(e)),
    };
    text.parse().map_err(parse_error(path))
}

/// Replaces the file atomically (a temporary file in the same directory, synced, renamed).
fn write(path: &Path, doc: &toml_edit::DocumentMut) -> Result<(), EditError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::private_fs::create_dir(dir).map_err(write_error(dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_error(dir))?;
    tmp.write_all(doc.to_string().as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(write_error(path))?;
    // Keep the file's permissions (tempfile creates 0600; config is not secret, keep what it was).
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| write_error(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: f64) -> crate::chat::money::Usd {
        crate::chat::money::Usd::from_dollars(v).unwrap()
    }

    #[test]
    fn budget_caps_are_set_updated_and_removed_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[budget]\n# my global cap\nmonthly_usd = 20.0\nwarn_at = 0.8\n",
        )
        .unwrap();
        set_budget_cap(&path, None, Some(u(35.5))).unwrap();
        set_budget_cap(&path, Some("openai"), Some(u(10.0))).unwrap();
        set_budget_cap(&path, Some("anthropic"), Some(u(4.25))).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my global cap\nmonthly_usd = 35.5"),
            "{text}"
        );
        let c = super::super::Config::parse(&path, &text).unwrap();
        assert_eq!(c.budget.monthly_usd, Some(u(35.5)));
        assert_eq!(c.budget.warn_at, 0.8);
        assert_eq!(c.budget.providers.get("openai"), Some(&u(10.0)));
        assert_eq!(c.budget.providers.get("anthropic"), Some(&u(4.25)));
        set_budget_cap(&path, None, None).unwrap();
        set_budget_cap(&path, Some("openai"), None).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let c = super::super::Config::parse(&path, &text).unwrap();
        assert_eq!(c.budget.monthly_usd, None);
        assert_eq!(c.budget.providers.len(), 1, "{text}");
        // A missing file is made.
        let fresh = dir.path().join("new.toml");
        set_budget_cap(&fresh, Some("groq"), Some(u(1.0))).unwrap();
        let text = std::fs::read_to_string(&fresh).unwrap();
        assert_eq!(text, "[budget.providers]\ngroq = 1.0\n");
        let global = dir.path().join("global.toml");
        set_budget_cap(&global, None, Some(u(3.0))).unwrap();
        assert_eq!(
            std::fs::read_to_string(&global).unwrap(),
            "[budget]\nmonthly_usd = 3.0\n"
        );
        let c = super::super::Config::parse(&fresh, &text).unwrap();
        assert_eq!(c.budget.providers.get("groq"), Some(&u(1.0)));
    }

    #[test]
    fn keeps_comments_and_adds_or_updates_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# my config\ndefault_provider = \"openai\" # chosen\n\n[providers.openai]\n# the model\ndefault_model = \"old\"\n").unwrap();
        set_default(&path, "openai", "gpt-4.1").unwrap();
        set_default(&path, "anthropic", "claude-sonnet-4-5").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my config")
                && text.contains("# chosen")
                && text.contains("# the model"),
            "{text}"
        );
        assert!(text.contains("default_model = \"gpt-4.1\""), "{text}");
        assert!(
            text.contains("[providers.anthropic]\ndefault_model = \"claude-sonnet-4-5\""),
            "{text}"
        );
        assert!(
            text.contains("default_provider = \"anthropic\" # chosen"),
            "{text}"
        );
        let c = super::super::Config::parse(&path, &text).unwrap();
        assert_eq!(
            c.provider("anthropic", None).unwrap().model,
            "claude-sonnet-4-5"
        );
        assert_eq!(c.start_provider_id().as_deref(), Some("anthropic"));
        let fresh = dir.path().join("new.toml");
        set_default(&fresh, "groq", "llama").unwrap();
        let text = std::fs::read_to_string(&fresh).unwrap();
        let c = super::super::Config::parse(&fresh, &text).unwrap();
        assert_eq!(c.start_provider_id().as_deref(), Some("groq"), "{text}");
    }
}

/// Writes the welcome flow's choices. A new config gets a commented header; an existing one
/// (the picker may have created it) is edited in place.
pub fn write_welcome(
    path: &Path,
    identity_file: Option<&Path>,
    default: Option<(&str, &str)>,
) -> Result<(), EditError> {
    if !path.exists() {
        let mut text = format!(
            "# keyturn configuration, written by the welcome flow on {}.\n# Every option is documented in config.example.toml; F3 manages keys, Ctrl-P models.\n",
            crate::time::format_date(crate::time::now())
        );
        if let Some((provider, model)) = default {
            text.push_str(&format!(
                "\n# The provider and model to start with (Ctrl-P switches; Ctrl-D saves a new default).\ndefault_provider = {}\ndefault_model = {}\n",
                toml_edit::value(provider),
                toml_edit::value(model)
            ));
        }
        if let Some(id) = identity_file {
            text.push_str(&format!(
                "\n[keystore]\n# keys.age is unlocked with this SSH key or age identity instead of a passphrase.\nidentity_file = {}\n",
                toml_edit::value(id.display().to_string())
            ));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::private_fs::create_dir(dir).map_err(write_error(dir))?;
        return crate::private_fs::write(path, text.as_bytes()).map_err(write_error(path));
    }
    let text = std::fs::read_to_string(path).map_err(read_error(path))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(parse_error(path))?;
    if let Some((provider, model)) = default {
        doc["default_provider"] = toml_edit::value(provider);
        doc["default_model"] = toml_edit::value(model);
    }
    if let Some(id) = identity_file {
        doc["keystore"]["identity_file"] = toml_edit::value(id.display().to_string());
    }
    write(path, &doc)
}

#[cfg(test)]
mod welcome_tests {
    use super::*;

    #[test]
    fn welcome_choices_become_a_commented_config_that_parses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        write_welcome(
            &path,
            Some(Path::new("/home/me/.ssh/id_ed25519")),
            Some(("anthropic", "claude-sonnet-4-5")),
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# keyturn configuration, written by the welcome flow"),
            "{text}"
        );
        let c = crate::config::Config::parse(&path, &text).unwrap();
        assert_eq!(c.start_provider_id().as_deref(), Some("anthropic"));
        assert_eq!(
            c.keystore.identity_file.as_deref(),
            Some(Path::new("/home/me/.ssh/id_ed25519"))
        );
        // Skipping everything still writes a config, so the next start goes to the chat.
        let skipped = dir.path().join("skipped.toml");
        write_welcome(&skipped, None, None).unwrap();
        crate::config::Config::parse(&skipped, &std::fs::read_to_string(&skipped).unwrap())
            .unwrap();
        // An existing config is edited, not replaced.
        std::fs::write(
            &skipped,
            "# mine\n[providers.groq]\ndefault_model = \"x\"\n",
        )
        .unwrap();
        write_welcome(&skipped, None, Some(("groq", "x"))).unwrap();
        let text = std::fs::read_to_string(&skipped).unwrap();
        assert!(
            text.contains("# mine") && text.contains("default_provider = \"groq\""),
            "{text}"
        );
    }
}
