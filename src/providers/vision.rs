//! Which models take images, by their names: the families whose makers say so. `None` for
//! a model this cannot tell (config's `[models."<id>"] images = true` says for it; so does
//! a provider's model list where it has the field).

/// Whether `model` takes images: `Some(true)` for the known vision families,
/// `Some(false)` for known text-only ones, `None` when unknown.
pub fn takes_images(model: &str) -> Option<bool> {
    let m = model.to_ascii_lowercase();
    // A provider prefix ("openai/gpt-4o", "models/gemini-2.5-pro") does not change the model.
    let m = m.rsplit('/').next().unwrap_or(&m);
    const TEXT_ONLY: &[&str] = &[
        "gpt-3.5",
        "o1-mini",
        "o3-mini",
        "gpt-4-0",
        "gpt-oss",
        "deepseek",
        "codestral",
        "mistral-tiny",
        "mixtral",
        "embed",
        "whisper",
        "tts",
    ];
    const VISION: &[&str] = &[
        "gpt-4o",
        "chatgpt-4o",
        "gpt-4.1",
        "gpt-4.5",
        "gpt-4-turbo",
        "gpt-5",
        "o1",
        "o3",
        "o4",
        "claude-3",
        "claude-sonnet-4",
        "claude-opus-4",
        "claude-haiku-4",
        "claude-4",
        "gemini",
        "gemma-3",
        "pixtral",
        "mistral-small",
        "mistral-medium",
        "llava",
        "bakllava",
        "vision",
        "-vl",
        "llama-4",
        "llama4",
        "grok-4",
        "grok-2-vision",
        "qwen2.5-vl",
        "minicpm-v",
        "moondream",
        "phi-3.5-vision",
        "phi-4-multimodal",
    ];
    if TEXT_ONLY.iter().any(|t| m.contains(t)) {
        return Some(false);
    }
    VISION.iter().any(|v| m.contains(v)).then_some(true)
}

/// Why images cannot go to `model`, which `takes` them or not (or nothing says), the
/// first words of the refusal; None when they can.
pub fn refusal(model: &str, takes: Option<bool>) -> Option<String> {
    match takes {
        Some(true) => None,
        Some(false) => Some(format!("{model} does not take images")),
        None => Some(format!(
            "keyturn does not know whether {model} takes images, so nothing was sent"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::takes_images;

    #[test]
    fn vision_families_text_only_models_and_the_unknown() {
        for m in [
            "gpt-4o-mini",
            "openai/gpt-4.1",
            "claude-sonnet-4-5",
            "claude-3-5-haiku-latest",
            "models/gemini-2.5-flash",
            "pixtral-large-latest",
            "llava:13b",
            "llama-3.2-11b-vision-instruct",
            "o4-mini",
        ] {
            assert_eq!(takes_images(m), Some(true), "{m}");
        }
        for m in ["o3-mini", "deepseek-chat", "gpt-3.5-turbo", "gpt-oss-120b"] {
            assert_eq!(takes_images(m), Some(false), "{m}");
        }
        for m in ["mock-model", "llama3.1:8b", "qwen3-32b"] {
            assert_eq!(takes_images(m), None, "{m}");
        }
    }
}
