//! Small facts about providers' keys: which environment variables hold them, and which
//! prefixes give a key's provider away (for a hint, never a refusal).

/// Well-known environment variables and the provider id each belongs to, from the catalogue.
pub fn env_vars() -> Vec<(&'static str, &'static str)> {
    super::catalog::CATALOG
        .iter()
        .flat_map(|b| b.key_env.iter().map(move |v| (*v, b.id)))
        .collect()
}

/// Prefixes distinctive enough to name a provider. A bare `sk-` is shared by many.
const PREFIXES: &[(&str, &str)] = &[
    ("sk-ant-", "anthropic"),
    ("sk-or-", "openrouter"),
    ("sk-proj-", "openai"),
    ("sk-svcacct-", "openai"),
    ("AIza", "gemini"),
    ("gsk_", "groq"),
    ("nvapi-", "nvidia"),
    ("xai-", "xai"),
];

pub fn provider_for_key(key: &str) -> Option<&'static str> {
    PREFIXES
        .iter()
        .find(|(p, _)| key.starts_with(p))
        .map(|(_, id)| *id)
}

/// A hint when a key's prefix looks like another provider's.
pub fn prefix_hint(provider: &str, key: &str) -> Option<String> {
    let looks = provider_for_key(key)?;
    (looks != provider).then(|| {
        format!("This key looks like a {looks} key, but it is being added for {provider}. Saved as asked; check the provider if it fails.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_only_for_distinctive_mismatches() {
        assert!(
            prefix_hint("openai", "sk-ant-api03-xyz")
                .unwrap()
                .contains("anthropic")
        );
        assert_eq!(prefix_hint("anthropic", "sk-ant-api03-xyz"), None);
        assert_eq!(prefix_hint("deepseek", "sk-abc123"), None);
        assert_eq!(prefix_hint("local", "whatever"), None);
    }
}
