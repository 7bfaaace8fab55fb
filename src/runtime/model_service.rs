//! Model lists for the picker: the disk cache when fresh, else the provider's live list
//! (with its key when it needs one), falling back to a stale cache and then to the
//! catalogue's static list when offline. Each answer goes back as `Msg::Models`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::key_service::KeyService;
use crate::app::Msg;
use crate::app::picker::ListSource;
use crate::config::Config;
use crate::providers::models::{ModelInfo, fetch};

/// How long a fetched list is trusted before it is fetched again.
pub const CACHE_TTL: Duration = Duration::from_secs(24 * 3600);

#[derive(Serialize, Deserialize)]
struct CacheFile {
    fetched_at: u64,
    models: Vec<ModelInfo>,
}

/// The cache file of a provider's model list under `dir` (`data/models/`).
fn cache_file(dir: &std::path::Path, provider_id: &str) -> PathBuf {
    let safe: String = provider_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.json"))
}

/// A provider's cached model list and its age in seconds (shell completion reads it too).
pub fn read_cache_file(dir: &std::path::Path, provider_id: &str) -> Option<(Vec<ModelInfo>, u64)> {
    let text = std::fs::read_to_string(cache_file(dir, provider_id)).ok()?;
    let cache: CacheFile = serde_json::from_str(&text).ok()?;
    Some((
        cache.models,
        crate::time::now().saturating_sub(cache.fetched_at),
    ))
}

#[derive(Clone)]
pub struct ModelService {
    dir: PathBuf,
    config: Arc<Config>,
    client: crate::providers::http::LazyClient,
    keys: KeyService,
    tx: mpsc::Sender<Msg>,
    discovered: super::discovery::Discovered,
}

impl ModelService {
    pub fn new(
        dir: PathBuf,
        config: Arc<Config>,
        client: crate::providers::http::LazyClient,
        keys: KeyService,
        tx: mpsc::Sender<Msg>,
        discovered: super::discovery::Discovered,
    ) -> Self {
        Self {
            dir,
            config,
            client,
            keys,
            tx,
            discovered,
        }
    }

    fn cache_path(&self, provider_id: &str) -> PathBuf {
        cache_file(&self.dir, provider_id)
    }

    /// (models, age in seconds) from the cache, if any.
    fn read_cache(&self, provider_id: &str) -> Option<(Vec<ModelInfo>, u64)> {
        read_cache_file(&self.dir, provider_id)
    }

    fn write_cache(&self, provider_id: &str, models: &[ModelInfo]) {
        let file = CacheFile {
            fetched_at: crate::time::now(),
            models: models.to_vec(),
        };
        let write = || -> std::io::Result<()> {
            crate::private_fs::create_dir(&self.dir)?;
            let tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            serde_json::to_writer(&tmp, &file)?;
            tmp.persist(self.cache_path(provider_id))
                .map_err(|e| e.error)?;
            Ok(())
        };
        if let Err(e) = write() {
            tracing::warn!("could not cache the model list of {provider_id}: {e}");
        }
    }

    pub fn fetch(&self, provider_id: String, req: u64) {
        let this = self.clone();
        tokio::spawn(async move {
            let send = |models: Vec<ModelInfo>, source: ListSource, error: Option<String>| {
                let msg = Msg::Models {
                    provider_id: provider_id.clone(),
                    req,
                    models,
                    source,
                    error,
                };
                let tx = this.tx.clone();
                async move {
                    let _ = tx.send(msg).await;
                }
            };
            let cached = this.read_cache(&provider_id);
            if let Some((models, age)) = &cached
                && *age < CACHE_TTL.as_secs()
            {
                return send(models.clone(), ListSource::Cache, None).await;
            }
            let Ok(choice) =
                super::discovery::resolve(&this.config, &this.discovered, &provider_id, None)
            else {
                return send(
                    Vec::new(),
                    ListSource::Catalogue,
                    Some("not configured".into()),
                )
                .await;
            };
            let key = {
                let guard = this.keys.store.lock().unwrap_or_else(|p| p.into_inner());
                super::api_keys::resolve(&choice, guard.as_ref(), None)
            };
            let fallback = |error: String| match &cached {
                Some((models, _)) => (models.clone(), ListSource::Cache, Some(error)),
                None => (Vec::new(), ListSource::Catalogue, Some(error)),
            };
            let (models, source, error) = match key {
                // The picker's header already says there is no key.
                Err(_) => {
                    let (models, source, _) = fallback(String::new());
                    (models, source, None)
                }
                Ok(key) => match fetch(
                    this.client.get(),
                    &choice.endpoint,
                    key.as_ref().map(|k| &k.secret),
                    this.config.timeouts(),
                )
                .await
                {
                    Ok(models) if !models.is_empty() => {
                        this.write_cache(&provider_id, &models);
                        (models, ListSource::Live, None)
                    }
                    Ok(_) => fallback("the provider listed no chat models".into()),
                    Err(e) => fallback(e.to_string()),
                },
            };
            send(models, source, error).await;
        });
    }
}
