//! Finds local OpenAI-compatible servers (llama.cpp, LM Studio, vLLM) on their usual ports,
//! in the background at start: each probe is bounded to ~200 ms, nothing listening costs
//! nothing and shows nothing. Ollama (11434) is a built-in provider already.

use std::time::Duration;

use crate::config::{AuthKind, ProviderChoice};
use crate::providers::{Endpoint, Protocol};

/// Providers found at run time, consulted after config when resolving a provider id.
pub type Discovered = std::sync::Arc<std::sync::Mutex<Vec<ProviderChoice>>>;

/// Config's provider, else a discovered one (with an optional model override).
pub fn resolve(
    config: &crate::config::Config,
    discovered: &Discovered,
    id: &str,
    model: Option<&str>,
) -> Result<ProviderChoice, crate::config::ProviderConfigError> {
    config.provider(id, model).or_else(|e| {
        let found = discovered.lock().unwrap_or_else(|p| p.into_inner());
        let mut choice = found
            .iter()
            .find(|c| c.endpoint.id == id)
            .cloned()
            .ok_or(e)?;
        if let Some(m) = model {
            choice.model = m.to_string();
        }
        Ok(choice)
    })
}

/// (id, display name, port) of the servers worth looking for.
pub const LOCAL_SERVERS: &[(&str, &str, u16)] = &[
    ("llamacpp", "llama.cpp", 8080),
    ("lmstudio", "LM Studio", 1234),
    ("vllm", "vLLM", 8000),
];

pub const PROBE_TIMEOUT: Duration = Duration::from_millis(200);

/// Probes one server; Some(provider) when it answers `GET /v1/models` with models.
pub async fn probe(
    client: &reqwest::Client,
    id: &str,
    name: &str,
    port: u16,
) -> Option<ProviderChoice> {
    let base_url = format!("http://127.0.0.1:{port}/v1");
    let endpoint = Endpoint {
        id: id.to_string(),
        name: format!("{name} (local :{port})"),
        protocol: Protocol::Openai,
        base_url,
        extra_headers: Vec::new(),
        cache: Default::default(),
        api: Default::default(),
    };
    let timeouts = crate::providers::http::Timeouts {
        connect: PROBE_TIMEOUT,
        idle: PROBE_TIMEOUT,
        nap: false,
    };
    let models = tokio::time::timeout(
        PROBE_TIMEOUT,
        crate::providers::models::fetch(client, &endpoint, None, timeouts),
    )
    .await
    .ok()?
    .ok()?;
    let first = models.first()?.id.clone();
    Some(ProviderChoice {
        endpoint,
        auth: AuthKind::None,
        api_key_env: None,
        model: first,
        models: models.into_iter().map(|m| m.id).collect(),
        temperature: None,
        max_tokens: None,
    })
}

/// Probes every server not already configured on the same port, all at once.
pub async fn discover(
    client: &reqwest::Client,
    servers: &[(&str, &str, u16)],
    configured_urls: &[String],
) -> Vec<ProviderChoice> {
    let probes = servers
        .iter()
        .filter(|(_, _, port)| {
            !configured_urls
                .iter()
                .any(|u| u.contains(&format!(":{port}")))
        })
        .map(|(id, name, port)| probe(client, id, name, *port));
    futures_util::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Looks for local servers in the background; what it finds joins the picker.
pub fn spawn(effects: &super::Effects) {
    let (client, config, found, tx) = (
        effects.client.clone(),
        effects.config.clone(),
        effects.discovered.clone(),
        effects.tx.clone(),
    );
    tokio::spawn(async move {
        let urls: Vec<String> = config
            .provider_ids()
            .iter()
            .filter_map(|id| config.provider(id, None).ok())
            .map(|c| c.endpoint.base_url)
            .collect();
        for choice in discover(client.get(), LOCAL_SERVERS, &urls).await {
            tracing::info!("found a local server: {}", choice.endpoint.name);
            let provider = crate::app::picker::PickerProvider {
                id: choice.endpoint.id.clone(),
                name: choice.endpoint.name.clone(),
                default_model: choice.model.clone(),
                models: choice.models.clone(),
                needs_key: false,
                env_key: false,
            };
            found.lock().unwrap_or_else(|p| p.into_inner()).push(choice);
            let _ = tx.send(crate::app::Msg::Discovered(provider)).await;
        }
    });
}
