//! The built-in providers: what a user gets without writing any config. Any of them can be
//! overridden field by field, and new ones added, under `[providers.<id>]` in config.

use super::Protocol;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltIn {
    pub id: &'static str,
    pub name: &'static str,
    pub protocol: Protocol,
    pub base_url: &'static str,
    /// False for local servers that take no key.
    pub needs_key: bool,
    pub default_model: &'static str,
    /// A static list for when the live list cannot be fetched.
    pub models: &'static [&'static str],
    /// Where to get a key.
    pub key_url: &'static str,
    /// Environment variables that conventionally hold this provider's key.
    pub key_env: &'static [&'static str],
}

pub const CATALOG: &[BuiltIn] = &[
    BuiltIn {
        id: "openai",
        name: "OpenAI",
        protocol: Protocol::Openai,
        base_url: "https://api.openai.com/v1",
        needs_key: true,
        default_model: "gpt-4.1-mini",
        models: &[
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-4o",
            "gpt-4o-mini",
            "o4-mini",
            "o3",
        ],
        key_url: "https://platform.openai.com/api-keys",
        key_env: &["OPENAI_API_KEY"],
    },
    BuiltIn {
        id: "anthropic",
        name: "Anthropic",
        protocol: Protocol::Anthropic,
        base_url: "https://api.anthropic.com/v1",
        needs_key: true,
        default_model: "claude-sonnet-4-5",
        models: &["claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"],
        key_url: "https://console.anthropic.com/settings/keys",
        key_env: &["ANTHROPIC_API_KEY"],
    },
    BuiltIn {
        id: "gemini",
        name: "Google Gemini",
        protocol: Protocol::Gemini,
        base_url: "https://generativelanguage.googleapis.com/v1beta",
        needs_key: true,
        default_model: "gemini-2.5-flash",
        models: &[
            "gemini-2.5-pro",
            "gemini-2.5-flash",
            "gemini-2.5-flash-lite",
        ],
        key_url: "https://aistudio.google.com/apikey",
        key_env: &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    },
    BuiltIn {
        id: "mistral",
        name: "Mistral",
        protocol: Protocol::Openai,
        base_url: "https://api.mistral.ai/v1",
        needs_key: true,
        default_model: "mistral-small-latest",
        models: &[
            "mistral-large-latest",
            "mistral-medium-latest",
            "mistral-small-latest",
            "codestral-latest",
        ],
        key_url: "https://console.mistral.ai/api-keys",
        key_env: &["MISTRAL_API_KEY"],
    },
    BuiltIn {
        id: "groq",
        name: "Groq",
        protocol: Protocol::Openai,
        base_url: "https://api.groq.com/openai/v1",
        needs_key: true,
        default_model: "llama-3.3-70b-versatile",
        models: &[
            "llama-3.3-70b-versatile",
            "llama-3.1-8b-instant",
            "openai/gpt-oss-120b",
            "qwen/qwen3-32b",
        ],
        key_url: "https://console.groq.com/keys",
        key_env: &["GROQ_API_KEY"],
    },
    BuiltIn {
        id: "together",
        name: "Together AI",
        protocol: Protocol::Openai,
        base_url: "https://api.together.xyz/v1",
        needs_key: true,
        default_model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        models: &[
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "deepseek-ai/DeepSeek-V3",
            "Qwen/Qwen2.5-72B-Instruct-Turbo",
        ],
        key_url: "https://api.together.ai/settings/api-keys",
        key_env: &["TOGETHER_API_KEY"],
    },
    BuiltIn {
        id: "openrouter",
        name: "OpenRouter",
        protocol: Protocol::Openai,
        base_url: "https://openrouter.ai/api/v1",
        needs_key: true,
        default_model: "openai/gpt-4.1-mini",
        models: &[
            "openai/gpt-4.1-mini",
            "anthropic/claude-sonnet-4.5",
            "google/gemini-2.5-flash",
            "deepseek/deepseek-r1",
        ],
        key_url: "https://openrouter.ai/settings/keys",
        key_env: &["OPENROUTER_API_KEY"],
    },
    BuiltIn {
        id: "nvidia",
        name: "NVIDIA NIM",
        protocol: Protocol::Openai,
        base_url: "https://integrate.api.nvidia.com/v1",
        needs_key: true,
        default_model: "meta/llama-3.3-70b-instruct",
        models: &[
            "meta/llama-3.3-70b-instruct",
            "nvidia/llama-3.1-nemotron-70b-instruct",
            "deepseek-ai/deepseek-r1",
        ],
        key_url: "https://build.nvidia.com/settings/api-keys",
        key_env: &["NVIDIA_API_KEY"],
    },
    BuiltIn {
        id: "deepseek",
        name: "DeepSeek",
        protocol: Protocol::Openai,
        base_url: "https://api.deepseek.com/v1",
        needs_key: true,
        default_model: "deepseek-chat",
        models: &["deepseek-chat", "deepseek-reasoner"],
        key_url: "https://platform.deepseek.com/api_keys",
        key_env: &["DEEPSEEK_API_KEY"],
    },
    BuiltIn {
        id: "xai",
        name: "xAI",
        protocol: Protocol::Openai,
        base_url: "https://api.x.ai/v1",
        needs_key: true,
        default_model: "grok-4",
        models: &["grok-4", "grok-3", "grok-3-mini"],
        key_url: "https://console.x.ai",
        key_env: &["XAI_API_KEY"],
    },
    BuiltIn {
        id: "ollama",
        name: "Ollama (local)",
        protocol: Protocol::Openai,
        base_url: "http://127.0.0.1:11434/v1",
        needs_key: false,
        default_model: "llama3.2",
        models: &["llama3.2", "qwen2.5", "mistral"],
        key_url: "",
        key_env: &[],
    },
];

pub fn builtin(id: &str) -> Option<&'static BuiltIn> {
    CATALOG.iter().find(|b| b.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_entries_are_complete_and_unique() {
        for (i, b) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[..i].iter().all(|o| o.id != b.id),
                "duplicate {}",
                b.id
            );
            assert!(b.base_url.starts_with("http"), "{}", b.id);
            assert!(
                b.models.contains(&b.default_model),
                "{}: default model not in its list",
                b.id
            );
            assert_eq!(b.needs_key, !b.key_env.is_empty(), "{}", b.id);
        }
    }
}
