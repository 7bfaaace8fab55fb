//! The context meter's counting, off the loop: after a batch the loop sends what changed in
//! the next request (new or changed messages' texts, the draft) to a thread of its own, which
//! keeps every message's count, adds the draft's and answers `Msg::Counted`. A message is
//! counted once; typing recounts the draft alone; a burst of keys is counted once, at its
//! end. Nothing is counted while a reply streams (the reply is counted when it ends).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use crate::app::meter::{Reading, context_key, with_draft};
use crate::app::{App, Msg};
use crate::config::Config;
use crate::estimate::windows::{Limits, WindowTable};
use crate::estimate::{Counted, Counter, priced, reserved_output, tokens};
use crate::providers::Protocol;
use crate::usage::prices::PriceTable;

/// What the next request carries, as far as the counter does not know it yet.
/// A message's text as sent and its images' tokens.
type Sent = (String, u64);

struct Job {
    key: u64,
    provider: String,
    model: String,
    system: Option<String>,
    max_tokens: Option<u32>,
    /// Anthropic reserves its thinking budget beside the answer.
    reasoning: Option<crate::chat::Reasoning>,
    /// Every sent message in order: id, version, and its text when the counter lacks it;
    /// None when they are the last job's (only the draft changed).
    messages: Option<Vec<(u64, u64, Option<Sent>)>>,
    /// The draft as it would be sent (its attached text files inline), and its images'
    /// tokens.
    draft: String,
    draft_images: u64,
}

/// The loop's side: what the worker was already sent.
pub struct Meter {
    jobs: std_mpsc::Sender<Job>,
    last_key: Option<u64>,
    /// The fingerprint of the last job's messages (all but the draft).
    last_context: Option<u64>,
    /// Message id → the version whose text the worker has (for the current counter).
    known: HashMap<u64, u64>,
    counter: Option<Counter>,
}

impl Meter {
    /// Starts the counting thread; answers go to `tx`. Windows come from the app's table
    /// (read once at start). The request `app` starts with is counted here and now when that
    /// is cheap (an estimate: no tokenizer table to build), so the first frame already shows
    /// it; else the thread counts it.
    pub fn spawn(
        config: &Config,
        prices: Arc<PriceTable>,
        models_dir: std::path::PathBuf,
        tx: mpsc::Sender<Msg>,
        app: &App,
    ) -> Option<(Self, Option<Reading>)> {
        let (jobs, rx) = std_mpsc::channel();
        let mut worker = Worker::new(config, app.options.windows.clone(), prices, models_dir);
        let mut meter = Self {
            jobs,
            last_key: None,
            last_context: None,
            known: HashMap::new(),
            counter: None,
        };
        let mut first = None;
        if let Some(job) = meter.job(app) {
            if Counter::for_model(&job.model).is_exact() {
                let _ = meter.jobs.send(job);
            } else {
                worker.take(&job);
                first = Some(worker.total(&job));
            }
        }
        std::thread::Builder::new()
            .name("keyturn-meter".into())
            .spawn(move || worker.run(&rx, &tx))
            .ok()?;
        Some((meter, first))
    }

    /// After a batch: sends the next request's changes to the counter when it changed.
    pub fn after_batch(&mut self, app: &App) {
        if let Some(job) = self.job(app) {
            let _ = self.jobs.send(job);
        }
    }

    /// What the counter needs to know of the next request, when it changed.
    fn job(&mut self, app: &App) -> Option<Job> {
        if app.session.active.is_some() {
            return None;
        }
        let provider = app.session.provider.as_ref()?;
        let context = context_key(app);
        let key = with_draft(context, app);
        if self.last_key == Some(key) {
            return None;
        }
        self.last_key = Some(key);
        let job = |messages| Job {
            key,
            provider: provider.id.clone(),
            model: provider.model.clone(),
            system: app.system_prompt().map(str::to_string),
            max_tokens: app.max_tokens(),
            reasoning: app.next_reasoning(),
            messages,
            draft: crate::chat::attachment::compose(&app.draft(), &app.chat.attachments),
            draft_images: crate::chat::attachment::image_tokens(&app.chat.attachments),
        };
        // Typing: the messages are the last job's; the worker recounts the draft alone.
        if self.last_context == Some(context) {
            return Some(job(None));
        }
        self.last_context = Some(context);
        let counter = Counter::for_model(&provider.model);
        if self.counter != Some(counter) {
            self.counter = Some(counter);
            self.known.clear();
        }
        let messages = app
            .session
            .conversation
            .sent_before(app.next_request_end())
            .map(|m| {
                let new = self.known.get(&m.id) != Some(&m.version);
                if new {
                    self.known.insert(m.id, m.version);
                }
                let text = || (m.sent_text().into_owned(), m.image_tokens());
                (m.id, m.version, new.then(text))
            })
            .collect::<Vec<_>>();
        // The worker forgets a message the request no longer sends; so does this side, so a
        // message sent again (a cut moved back) brings its text again.
        if self.known.len() > messages.len() {
            let ids: std::collections::HashSet<u64> = messages.iter().map(|m| m.0).collect();
            self.known.retain(|id, _| ids.contains(id));
        }
        Some(job(Some(messages)))
    }
}

struct Worker {
    windows: Arc<WindowTable>,
    protocols: HashMap<String, Protocol>,
    prices: Arc<PriceTable>,
    models_dir: std::path::PathBuf,
    /// Message id → (version, tokens it costs in a request).
    counts: HashMap<u64, (u64, u64)>,
    /// The last job's messages with their counts, and their sum (a job without messages
    /// sends these).
    sent: Arc<[(u64, u64)]>,
    history: u64,
    counter: Option<Counter>,
    /// The system prompt's text and cost, for the counter in use.
    system: Option<(String, u64)>,
    limits: HashMap<(String, String), Limits>,
}

impl Worker {
    fn new(
        config: &Config,
        windows: Arc<WindowTable>,
        prices: Arc<PriceTable>,
        models_dir: std::path::PathBuf,
    ) -> Self {
        Self {
            windows,
            protocols: config
                .provider_ids()
                .into_iter()
                .filter_map(|id| config.provider(&id, None).ok())
                .map(|c| (c.endpoint.id, c.endpoint.protocol))
                .collect(),
            prices,
            models_dir,
            counts: HashMap::new(),
            sent: Arc::new([]),
            history: 0,
            counter: None,
            system: None,
            limits: HashMap::new(),
        }
    }

    fn run(mut self, rx: &std_mpsc::Receiver<Job>, tx: &mpsc::Sender<Msg>) {
        while let Ok(mut job) = rx.recv() {
            // Every job's texts are taken in; only the newest is totalled (a burst of keys
            // costs one count of the draft).
            self.take(&job);
            while let Ok(next) = rx.try_recv() {
                self.take(&next);
                job = next;
            }
            let reading = self.total(&job);
            if tx.blocking_send(Msg::Counted(Box::new(reading))).is_err() {
                return;
            }
        }
    }

    /// Counts the texts a job brings.
    fn take(&mut self, job: &Job) {
        let counter = Counter::for_model(&job.model);
        if self.counter != Some(counter) {
            self.counter = Some(counter);
            self.counts.clear();
            self.system = None;
        }
        for (id, version, text) in job.messages.iter().flatten() {
            if let Some((text, images)) = text {
                self.counts
                    .insert(*id, (*version, counter.message(text) + images));
            }
        }
        if let Some(messages) = &job.messages {
            self.sent = messages
                .iter()
                .map(|(id, _, _)| (*id, self.counts.get(id).map_or(0, |(_, n)| *n)))
                .collect();
            self.history = self.sent.iter().map(|(_, n)| n).sum();
            if self.counts.len() > messages.len() {
                let ids: std::collections::HashSet<u64> =
                    messages.iter().map(|(id, _, _)| *id).collect();
                self.counts.retain(|id, _| ids.contains(id));
            }
        }
    }

    fn total(&mut self, job: &Job) -> Reading {
        let counter = Counter::for_model(&job.model);
        let system = match job.system.as_deref().filter(|s| !s.is_empty()) {
            None => 0,
            Some(text) => match &self.system {
                Some((known, n)) if known == text => *n,
                _ => {
                    let n = counter.message(text);
                    self.system = Some((text.to_string(), n));
                    n
                }
            },
        };
        let draft = job.draft.trim_end();
        let draft = if draft.trim().is_empty() {
            job.draft_images
        } else {
            counter.message(draft) + job.draft_images
        };
        let input_tokens = system + self.history + draft + tokens::PER_REPLY;
        let protocol = self
            .protocols
            .get(&job.provider)
            .copied()
            .unwrap_or(Protocol::Openai);
        let limits = self.limits(&job.provider, &job.model);
        let estimate = priced(
            Counted {
                provider: &job.provider,
                model: &job.model,
                input_tokens,
                exact: counter.is_exact(),
                reserved: reserved_output(protocol, job.max_tokens, job.reasoning),
            },
            limits,
            self.prices.find(&job.provider, &job.model),
        );
        Reading {
            key: job.key,
            estimate,
            sent: self.sent.clone(),
        }
    }

    /// The model's limits; the provider's cached list is read once per model.
    fn limits(&mut self, provider: &str, model: &str) -> Limits {
        let key = (provider.to_string(), model.to_string());
        if let Some(l) = self.limits.get(&key) {
            return *l;
        }
        let live = super::model_service::read_cache_file(&self.models_dir, provider)
            .and_then(|(models, _)| models.into_iter().find(|m| m.id == model));
        let l = self.windows.limits(provider, model, live.as_ref());
        self.limits.insert(key, l);
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AppOptions, ProviderInfo};
    use crate::chat::{ChatRequest, TurnState};
    use crate::providers::{ChatMessage, Role};
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Ask(String),
        Answer(String),
        Draft(String),
        Model(bool),
        Cut(usize),
        Edit(String),
    }

    fn op() -> impl Strategy<Value = Op> {
        let text = "[a-z ,.\n]{0,40}|[日本語 ]{0,6}";
        prop_oneof![
            text.prop_map(Op::Ask),
            text.prop_map(Op::Answer),
            text.prop_map(Op::Draft),
            any::<bool>().prop_map(Op::Model),
            (0usize..6).prop_map(Op::Cut),
            text.prop_map(Op::Edit),
        ]
    }

    fn app(model: &str) -> App {
        App::new(AppOptions {
            provider: Some(ProviderInfo {
                id: "openai".into(),
                name: "OpenAI".into(),
                model: model.into(),
            }),
            system_prompt: Some("Be brief.".into()),
            ..Default::default()
        })
    }

    fn apply(app: &mut App, op: &Op) {
        let conv = &mut app.session.conversation;
        match op {
            Op::Ask(t) | Op::Answer(t) => {
                let role = if matches!(op, Op::Ask(_)) {
                    Role::User
                } else {
                    Role::Assistant
                };
                let id = app.session.next_msg_id;
                app.session.next_msg_id += 1;
                conv.push_with_id(id, role, t.clone(), TurnState::Done);
            }
            Op::Draft(t) => {
                app.chat.composer = tui_textarea::TextArea::from(t.split('\n'));
            }
            Op::Model(gpt) => {
                if let Some(p) = app.session.provider.as_mut() {
                    p.model = if *gpt { "gpt-4o" } else { "mock-model" }.into();
                }
            }
            Op::Cut(n) => conv.sent_from = (*n).min(conv.messages.len()),
            Op::Edit(t) => {
                if let Some(m) = conv.messages.last_mut() {
                    m.text.push_str(t);
                    m.touch();
                }
            }
        }
    }

    /// The next request counted whole, as `keyturn ask` counts it.
    fn full_count(app: &App) -> u64 {
        let mut messages = app.session.conversation.history();
        let draft = app.draft();
        let draft = draft.trim_end();
        if !draft.trim().is_empty() {
            messages.push(ChatMessage::new(Role::User, draft.to_string()));
        }
        crate::estimate::request_tokens(&ChatRequest {
            model: app
                .session
                .provider
                .as_ref()
                .map(|p| p.model.clone())
                .unwrap_or_default(),
            system: app.system_prompt().map(str::to_string),
            messages,
            temperature: None,
            max_tokens: None,
            reasoning: None,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The counter's running total, fed only what changed (and several changes at once,
        /// as a burst of keys is), equals a count of the whole request every time.
        #[test]
        fn the_incremental_count_equals_a_full_recount(
            ops in proptest::collection::vec((op(), any::<bool>()), 1..24)
        ) {
            let mut app = app("mock-model");
            let (tx, _rx) = std_mpsc::channel();
            let mut meter = Meter {
                jobs: tx,
                last_key: None,
                last_context: None,
                known: HashMap::new(),
                counter: None,
            };
            let mut worker = Worker::new(
                &Config::default(),
                Arc::new(WindowTable::shipped()),
                Arc::new(PriceTable::default()),
                std::env::temp_dir().join("keyturn-no-models"),
            );
            for (op, total_now) in &ops {
                apply(&mut app, op);
                if let Some(job) = meter.job(&app) {
                    worker.take(&job);
                    // A burst: later jobs come before this one is totalled.
                    if *total_now {
                        let reading = worker.total(&job);
                        prop_assert_eq!(reading.key, crate::app::meter::request_key(&app));
                        prop_assert_eq!(reading.estimate.input_tokens, full_count(&app));
                    }
                }
            }
            if let Some(job) = meter.job(&app) {
                worker.take(&job);
                prop_assert_eq!(worker.total(&job).estimate.input_tokens, full_count(&app));
            }
        }
    }
}
