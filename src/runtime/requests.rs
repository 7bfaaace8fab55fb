//! Requests to providers: the chat stream of a turn, and the small title request. Both
//! resolve the provider and its key here, at the edge, so no secret enters the model.

use super::{Effects, api_keys, discovery};
use crate::app::Msg;
use crate::chat::EndState;
use crate::chat::TurnEnded;
use crate::config::ProviderChoice;
use crate::providers::http::{ChannelSink, EventSink};
use crate::providers::retry::{RetryPolicy, stream_with_retries};
use crate::providers::{ChatRequest, ProviderError, StreamEvent, Usage};

impl Effects {
    /// The provider (configured or discovered) and the key a request to it uses.
    pub(super) fn resolve(
        &self,
        provider_id: &str,
        model: &str,
        key_id: Option<&str>,
    ) -> Result<(ProviderChoice, Option<api_keys::ResolvedKey>), ProviderError> {
        let locked = self.keys.store_is_locked();
        let choice = discovery::resolve(&self.config, &self.discovered, provider_id, Some(model))
            .map_err(|e| ProviderError::Setup {
            provider: provider_id.to_string(),
            detail: e.to_string(),
        })?;
        let guard = self.keys.store.lock().unwrap_or_else(|p| p.into_inner());
        let key = api_keys::resolve(&choice, guard.as_ref(), key_id).map_err(|e| match e {
            ProviderError::Setup { provider, .. } if locked => ProviderError::Setup {
                provider,
                detail: "the key store is locked: press F3 and unlock it, then retry".into(),
            },
            other => other,
        })?;
        Ok((choice, key))
    }

    pub(super) fn start_stream(
        &mut self,
        req: u64,
        provider_id: &str,
        request: ChatRequest,
        key_id: Option<&str>,
    ) {
        let resolved = self.resolve(provider_id, &request.model, key_id);
        let client = self.client.clone();
        // The stream runs alone on the network thread, which may sleep between windows.
        let timeouts = crate::providers::http::Timeouts {
            nap: true,
            ..self.config.timeouts()
        };
        let tx = self.tx.clone();
        let ended = self.stream_ended.clone();
        self.tasks.spawn(req, async move {
            // Told when the task ends, whatever its last event was (see `run_loop`).
            let _ended = NotifyOnDrop(ended);
            match resolved {
                Ok((choice, key)) => {
                    if let Some(key_id) = key.as_ref().and_then(|k| k.id.clone()) {
                        let _ = tx.send(Msg::TurnKey { req, key_id }).await;
                    }
                    let describe = key.as_ref().map(|k| k.describe.clone());
                    // Errors the key caused name the key (label and last 4 characters).
                    let wrap = move |event| match (event, &describe) {
                        (StreamEvent::Error(e), Some(d)) => Msg::Stream {
                            req,
                            event: StreamEvent::Error(e.attribute_key(d)),
                        },
                        (event, _) => Msg::Stream { req, event },
                    };
                    let mut sink = ChannelSink { tx, wrap };
                    let secret = key.map(|k| k.secret);
                    stream_with_retries(
                        client.get(),
                        &choice.endpoint,
                        &request,
                        secret.as_ref(),
                        timeouts,
                        RetryPolicy::default(),
                        &mut sink,
                    )
                    .await
                }
                Err(e) => {
                    let mut sink = ChannelSink {
                        tx,
                        wrap: move |event| Msg::Stream { req, event },
                    };
                    sink.send(StreamEvent::Error(e)).await;
                }
            }
        });
    }

    /// Asks for a conversation's title in the background. It is worth one attempt, not
    /// retries: on any failure the title from the first question stays. What it used goes
    /// into the usage ledger like any other request.
    pub(super) fn ask_title(
        &mut self,
        first_msg: u64,
        provider_id: &str,
        request: ChatRequest,
        key_id: Option<&str>,
        conversation: Option<String>,
    ) {
        self.ask_aside(provider_id, request, key_id, conversation, move |answer| {
            match answer.map(|text| crate::history::title::clean(&text)) {
                Err(e) => tracing::info!("no title: {e}"),
                Ok(None) => tracing::info!("no title: the model's reply had none"),
                Ok(Some(title)) => return Some(Msg::Titled { first_msg, title }),
            }
            None
        });
    }

    /// Asks for a summary of older turns (a checkpoint); answered with `Msg::Summarized`,
    /// failure included (the user is waiting for it).
    pub(super) fn summarize(
        &mut self,
        req: u64,
        provider_id: &str,
        request: ChatRequest,
        conversation: Option<String>,
    ) {
        self.ask_aside(provider_id, request, None, conversation, move |answer| {
            Some(Msg::Summarized {
                req,
                summary: answer.map_err(|e| e.to_string()),
            })
        });
    }

    /// A request beside the conversation (a title, a summary): one attempt, its whole text
    /// collected, what it used recorded in the ledger; `done` makes the answer a message.
    fn ask_aside(
        &mut self,
        provider_id: &str,
        request: ChatRequest,
        key_id: Option<&str>,
        conversation: Option<String>,
        done: impl FnOnce(Result<String, ProviderError>) -> Option<Msg> + Send + 'static,
    ) {
        let resolved = match self.resolve(provider_id, &request.model, key_id) {
            Ok(r) => r,
            Err(e) => {
                if let Some(msg) = done(Err(e)) {
                    super::effects::post(&self.tx, msg);
                }
                return;
            }
        };
        let (client, timeouts, tx) = (self.client.clone(), self.config.timeouts(), self.tx.clone());
        let recorder = self.persistence.usage_recorder();
        let provider = provider_id.to_string();
        tokio::spawn(async move {
            let (choice, key) = resolved;
            let mut sink = Collect::default();
            let policy = RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            };
            let (key_id, secret) = key.map(|k| (k.id, k.secret)).unzip();
            stream_with_retries(
                client.get(),
                &choice.endpoint,
                &request,
                secret.as_ref(),
                timeouts,
                policy,
                &mut sink,
            )
            .await;
            if sink.usage.is_some() || !sink.text.is_empty() {
                recorder.record(&TurnEnded {
                    provider,
                    model: request.model.clone(),
                    key_id: key_id.flatten(),
                    usage: sink.usage,
                    prompt_chars: request.messages.iter().map(|m| m.content.len()).sum(),
                    reply_chars: sink.text.len(),
                    state: if sink.failed.is_some() {
                        EndState::Failed
                    } else {
                        EndState::Done
                    },
                    conversation,
                    message: None,
                });
            }
            let answer = match sink.failed {
                Some(e) => Err(e),
                None => Ok(sink.text),
            };
            if let Some(msg) = done(answer) {
                let _ = tx.send(msg).await;
            }
        });
    }
}

/// Gathers a whole reply (the title request is not shown as it streams).
#[derive(Default)]
struct Collect {
    text: String,
    usage: Option<Usage>,
    failed: Option<ProviderError>,
}

impl EventSink for Collect {
    async fn send(&mut self, event: StreamEvent) -> bool {
        match event {
            StreamEvent::Text(t) => self.text.push_str(&t),
            StreamEvent::Usage(u) => self.usage = Some(u),
            StreamEvent::Error(e) => self.failed = Some(e),
            _ => {}
        }
        true
    }
}

/// Wakes the UI loop when dropped: at the end of a stream task, or when it is aborted.
struct NotifyOnDrop(std::sync::Arc<tokio::sync::Notify>);

impl Drop for NotifyOnDrop {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}
