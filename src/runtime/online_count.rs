//! The providers' own counts of the next request (`[context] provider_counts = true`): when
//! typing pauses, Anthropic's `count_tokens` or Gemini's `countTokens` is asked (free calls,
//! with the user's key) and its exact figure replaces the local estimate in the meter. A key
//! pressed meanwhile cancels the call; a failed call leaves the local count as it was.

use std::sync::Arc;
use std::time::Duration;

use super::Effects;
use crate::app::meter::{Reading, request_key};
use crate::app::{App, Msg};
use crate::estimate::windows::Limits;
use crate::estimate::{Counted, priced};
use crate::providers::{ChatMessage, ChatRequest, Protocol, Role};

/// How long typing must pause before the provider is asked.
const PAUSE: Duration = Duration::from_millis(800);

#[derive(Default)]
pub struct OnlineCount {
    task: Option<tokio::task::AbortHandle>,
    last_key: Option<u64>,
    /// The sent messages of the last context counted (shared, not copied per key).
    messages: Option<(u64, Arc<Vec<ChatMessage>>)>,
}

impl Effects {
    /// After a batch: when the next request changed and the meter has its local count, the
    /// provider is asked after a pause.
    pub(super) fn count_online(&mut self, app: &App) {
        if !self.config.context.provider_counts || app.session.active.is_some() {
            return;
        }
        let (Some(provider), Some(reading)) = (&app.session.provider, &app.meter.reading) else {
            return;
        };
        let key = request_key(app);
        // Only after the local count of this very request: its limits and price come along.
        if reading.key != key || reading.estimate.exact || self.online.last_key == Some(key) {
            return;
        }
        self.online.last_key = Some(key);
        if let Some(task) = self.online.task.take() {
            task.abort();
        }
        let Ok((choice, resolved)) = self.resolve(&provider.id, &provider.model, None) else {
            return;
        };
        if choice.endpoint.protocol == Protocol::Openai {
            return;
        }
        let context = crate::app::meter::context_key(app);
        let messages = match &self.online.messages {
            Some((k, m)) if *k == context => m.clone(),
            _ => {
                let m = Arc::new(
                    app.session
                        .conversation
                        .history_before(app.next_request_end()),
                );
                self.online.messages = Some((context, m.clone()));
                m
            }
        };
        let draft = app.draft().trim_end().to_string();
        let system = app.system_prompt().map(str::to_string);
        let max_tokens = app.max_tokens();
        let local = reading.clone();
        let prices = self.persistence.prices();
        let (client, timeouts, tx) = (self.client.clone(), self.config.timeouts(), self.tx.clone());
        let task = tokio::spawn(async move {
            tokio::time::sleep(PAUSE).await;
            let mut messages = (*messages).clone();
            if !draft.trim().is_empty() {
                messages.push(ChatMessage::new(Role::User, draft));
            }
            let request = ChatRequest {
                model: local.estimate.model.clone(),
                system,
                messages,
                temperature: None,
                max_tokens,
                reasoning: None,
            };
            let secret = resolved.map(|k| k.secret);
            let answer = crate::providers::count::count_tokens(
                client.get(),
                &choice.endpoint,
                &request,
                secret.as_ref(),
                timeouts,
            )
            .await;
            let tokens = match answer {
                Some(Ok(n)) => n,
                Some(Err(e)) => {
                    tracing::info!("the provider's count failed, the local one stays: {e}");
                    return;
                }
                None => return,
            };
            let e = &local.estimate;
            let estimate = priced(
                Counted {
                    provider: &e.provider,
                    model: &e.model,
                    input_tokens: tokens,
                    exact: true,
                    reserved: e.reserved_output_tokens,
                },
                Limits {
                    context_window: e.context_window,
                    max_output_tokens: e.max_output_tokens,
                    source: e.window_source,
                    images: e.takes_images,
                },
                prices.find(&e.provider, &e.model),
            );
            let _ = tx
                .send(Msg::Counted(Box::new(Reading {
                    key: local.key,
                    estimate,
                    sent: local.sent,
                })))
                .await;
        });
        self.online.task = Some(task.abort_handle());
    }
}
