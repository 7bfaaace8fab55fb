//! Shell completion of the things a user names: provider ids, model names, key ids and
//! conversation ids, in bash, zsh and fish (clap_complete's dynamic completion: the shell
//! asks the binary, which reads config, the model caches, history and, when it can be
//! opened without asking, the key store). Nothing here prints a secret.

use clap_complete::engine::CompletionCandidate;

use crate::config::{Config, Paths};

/// Paths and config as the command being completed would see them (KEYTURN_HOME honoured;
/// `--home` on the line being completed is not known yet).
fn setup() -> Option<(Paths, Config)> {
    let paths = Paths::resolve(None, None).ok()?;
    let config = Config::load(&paths.config_file).unwrap_or_default();
    Some((paths, config))
}

/// Provider ids: config's and the built-in ones, with their names.
pub fn providers() -> Vec<CompletionCandidate> {
    let Some((_, config)) = setup() else {
        return Vec::new();
    };
    config
        .provider_ids()
        .into_iter()
        .filter_map(|id| config.provider(&id, None).ok())
        .map(|c| CompletionCandidate::new(c.endpoint.id).help(Some(c.endpoint.name.into())))
        .collect()
}

/// Model names: each provider's configured models and its cached live list.
pub fn models() -> Vec<CompletionCandidate> {
    let Some((paths, config)) = setup() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for id in config.provider_ids() {
        let Ok(choice) = config.provider(&id, None) else {
            continue;
        };
        let mut names = choice.models.clone();
        names.push(choice.model.clone());
        if let Some((cached, _)) =
            crate::runtime::model_service::read_cache_file(&paths.data_dir.join("models"), &id)
        {
            names.extend(cached.into_iter().map(|m| m.id));
        }
        for name in names {
            if !out.iter().any(|(n, _)| *n == name) {
                out.push((name, id.clone()));
            }
        }
    }
    out.into_iter()
        .map(|(name, provider)| {
            CompletionCandidate::new(crate::text::sanitize::sanitize_line(&name))
                .help(Some(provider.into()))
        })
        .collect()
}

/// Key ids, when the store opens without a prompt (an identity or a passphrase source in the
/// environment); completion never asks for a passphrase.
pub fn key_ids() -> Vec<CompletionCandidate> {
    let Some((paths, config)) = setup() else {
        return Vec::new();
    };
    let identity = config.keystore.identity_file.as_deref();
    let Ok(Some(unlock)) = crate::keystore::unlock::from_environment(identity) else {
        return Vec::new();
    };
    let Ok(store) = crate::keystore::KeyStore::open(&paths.keys_file(), unlock, &mut |_| None)
    else {
        return Vec::new();
    };
    store
        .entries()
        .iter()
        .map(|e| {
            let label = crate::text::sanitize::sanitize_line(&e.label);
            CompletionCandidate::new(e.id.clone()).help(Some(
                format!("{} {} {label}", e.provider, e.masked()).into(),
            ))
        })
        .collect()
}

/// Conversation ids, most recent first, with their titles; and `last`.
pub fn conversations() -> Vec<CompletionCandidate> {
    let Some((paths, _)) = setup() else {
        return Vec::new();
    };
    let store = crate::history::HistoryStore::new(&paths.data_dir);
    let mut out = vec![CompletionCandidate::new("last").help(Some("the most recent".into()))];
    out.extend(store.list().into_iter().map(|s| {
        CompletionCandidate::new(s.id)
            .help(Some(crate::text::sanitize::sanitize_line(&s.title).into()))
    }));
    out
}

/// The script a shell sources to ask keyturn for completions (`keyturn completions bash`).
pub fn registration(shell: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| std::io::Error::other(format!("no completion for the shell {shell}")))?;
    completer.write_registration("COMPLETE", "keyturn", "keyturn", "keyturn", out)
}
