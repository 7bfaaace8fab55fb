//! Carrying out the reducer's effects: streams, key-store work, history and ledger, the
//! clipboard, config edits. Each answers the model with a `Msg` later; none blocks the loop.

use tokio::sync::mpsc;

use super::tasks::TaskRegistry;
use super::{clipboard, discovery, key_service, model_service, persistence};
use crate::app::{self, App, Effect, Msg, Notice};
use crate::config::Config;
use crate::providers::http::LazyClient;

/// Carries out effects. Shared by the TUI loop and tests that drive the app headless.
pub struct Effects {
    pub config: std::sync::Arc<Config>,
    pub client: LazyClient,
    pub tasks: TaskRegistry,
    pub tx: mpsc::Sender<Msg>,
    pub keys: key_service::KeyService,
    pub models: model_service::ModelService,
    pub paths: crate::config::Paths,
    pub discovered: discovery::Discovered,
    /// OSC 52 sequences and notifications to write to the terminal between frames.
    pub osc52_out: Vec<String>,
    /// Conversation files and the usage ledger.
    pub persistence: persistence::Persistence,
    /// A reply's stream task ended: its last events are queued. The loop, which does not
    /// listen to the tasks between frames while a reply streams, listens to this.
    pub stream_ended: std::sync::Arc<tokio::sync::Notify>,
    /// The context meter's counting thread (None until `runtime::start` starts it, or if it
    /// could not start).
    pub meter: Option<super::meter::Meter>,
    /// The provider's own count of the next request, asked when typing pauses.
    pub online: super::online_count::OnlineCount,
    /// A draft to write in the editor: the loop suspends the TUI for it after the batch.
    pub editor: Option<(String, crate::app::EditTarget)>,
    /// Pauses the terminal reader while an editor runs (None where nothing reads a
    /// terminal: the benchmarks).
    pub input: Option<super::input::Control>,
}

impl Effects {
    pub fn new(config: Config, paths: crate::config::Paths, tx: mpsc::Sender<Msg>) -> Self {
        let client = LazyClient::new(config.timeouts());
        let persistence = persistence::Persistence::new(&config, &paths, tx.clone());
        let config = std::sync::Arc::new(config);
        let keys = key_service::KeyService::new(
            paths.keys_file(),
            config.clone(),
            client.clone(),
            tx.clone(),
        );
        let discovered = discovery::Discovered::default();
        let models = model_service::ModelService::new(
            paths.data_dir.join("models"),
            config.clone(),
            client.clone(),
            keys.clone(),
            tx.clone(),
            discovered.clone(),
        );
        Self {
            meter: None,
            online: Default::default(),
            editor: None,
            input: None,
            config,
            client,
            tasks: TaskRegistry::new(super::net::Net::start()),
            osc52_out: Vec::new(),
            persistence,
            stream_ended: Default::default(),
            tx,
            keys,
            models,
            paths,
            discovered,
        }
    }

    fn copy(&mut self, text: String) {
        use crate::config::ClipboardMode;
        let mode = self.config.ui.clipboard;
        if matches!(mode, ClipboardMode::Osc52 | ClipboardMode::Both) {
            match clipboard::osc52(&text, clipboard::Multiplexer::from_env()) {
                Ok(seq) => self.osc52_out.push(seq),
                Err(why) => post(
                    &self.tx,
                    Msg::Notice(Notice::error(format!("Could not copy: {why}."))),
                ),
            }
        }
        if matches!(mode, ClipboardMode::Native | ClipboardMode::Both) {
            let tx = self.tx.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(why) = clipboard::copy_native(&text) {
                    let _ = tx.blocking_send(Msg::Notice(Notice::error(format!(
                        "Could not copy: {why}."
                    ))));
                }
            });
        }
    }

    /// Edits config.toml off the loop and tells the model how it went.
    fn edit_config(&self, edit: impl FnOnce(&std::path::Path) -> Msg + Send + 'static) {
        let (path, tx) = (self.paths.config_file.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let _ = tx.blocking_send(edit(&path));
        });
    }

    /// Returns true when the app should exit.
    pub fn run(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::Quit => {
                self.tasks.abort_all();
                return true;
            }
            Effect::AbortStream { req } => self.tasks.abort(req),
            Effect::Copy { text } => self.copy(text),
            Effect::EditInEditor { draft, target } => self.editor = Some((draft, target)),
            Effect::LoadUsage(r) => {
                let (data_dir, tx) = (self.paths.data_dir.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    let tz = jiff::tz::TimeZone::system();
                    let month = r
                        .month
                        .unwrap_or_else(|| crate::usage::Month::of(crate::time::now(), &tz));
                    let (records, skipped) = crate::usage::Ledger::new(&data_dir).read(month);
                    let rows = crate::usage::report(&records, r.by, &tz);
                    let _ = tx.blocking_send(Msg::UsageReport {
                        req: r.req,
                        month,
                        rows,
                        skipped: skipped.len(),
                    });
                });
            }
            Effect::Conversations(e) => {
                let tx = self.tx.clone();
                self.persistence.conversations(e, &tx);
            }
            Effect::ContinueSaving(conv) => self.persistence.adopt(&conv),
            Effect::Export(conv) => self.persistence.export(conv),
            Effect::CompletePath { typed } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let cwd = std::env::current_dir().unwrap_or_default();
                    let candidates = super::attach::complete(&typed, &cwd);
                    let _ = tx.blocking_send(Msg::PathCompletions { typed, candidates });
                });
            }
            Effect::LoadAttachments {
                specs,
                already,
                send,
                lenient,
            } => {
                let (tx, limits) = (self.tx.clone(), self.config.attachments.clone());
                tokio::task::spawn_blocking(move || {
                    let cwd = std::env::current_dir().unwrap_or_default();
                    let specs: Vec<String> = specs
                        .into_iter()
                        .filter(|s| !lenient || super::attach::looks_like_path(s, &cwd))
                        .collect();
                    let result = super::attach::load(&specs, &cwd, &limits, already);
                    let _ = tx.blocking_send(Msg::Attached {
                        specs,
                        result,
                        send,
                    });
                });
            }
            Effect::CheckIdentityFile { typed } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let path = crate::keystore::unlock::expand_home(&typed);
                    let exists = path.is_file();
                    let _ = tx.blocking_send(Msg::IdentityChecked { path, exists });
                });
            }
            Effect::EditConfig(edit) => self.edit_config(move |path| {
                let app::ConfigEdit::BudgetCap {
                    provider,
                    monthly_usd,
                } = &edit;
                match crate::config::edit::set_budget_cap(path, provider.as_deref(), *monthly_usd) {
                    Ok(()) => Msg::ConfigSaved {
                        edit,
                        path: path.display().to_string(),
                    },
                    Err(e) => Msg::Notice(Notice::error(format!("Could not save the cap: {e}"))),
                }
            }),
            Effect::Keys(k) => self.keys.handle(k),
            Effect::FinishWelcome(result) => self.edit_config(move |path| {
                let default = result
                    .default
                    .as_ref()
                    .map(|(p, m)| (p.as_str(), m.as_str()));
                Msg::Notice(
                    match crate::config::edit::write_welcome(
                        path,
                        result.identity_file.as_deref(),
                        default,
                    ) {
                        Ok(()) => Notice::info(format!(
                            "Saved your choices in {}. F1 lists every key.",
                            path.display()
                        )),
                        Err(e) => Notice::error(format!("Could not save your choices: {e}")),
                    },
                )
            }),
            Effect::Picker(crate::app::picker::PickerEffect::Fetch { provider_id, req }) => {
                self.models.fetch(provider_id, req)
            }
            Effect::Picker(crate::app::picker::PickerEffect::SaveDefault {
                provider_id,
                model,
            }) => self.edit_config(move |path| {
                Msg::Notice(
                    match crate::config::edit::set_default(path, &provider_id, &model) {
                        Ok(()) => Notice::info(format!(
                            "Saved {provider_id} {model} as the default in {}.",
                            path.display()
                        )),
                        Err(e) => Notice::error(format!("Could not save the default model: {e}")),
                    },
                )
            }),
            Effect::StartStream {
                req,
                provider_id,
                request,
                key_id,
            } => self.start_stream(req, &provider_id, request, key_id.as_deref()),
            Effect::Summarize {
                req,
                provider_id,
                request,
                conversation,
            } => self.summarize(req, &provider_id, request, conversation),
            Effect::AskTitle {
                first_msg,
                provider_id,
                request,
                key_id,
                conversation,
            } => self.ask_title(
                first_msg,
                &provider_id,
                request,
                key_id.as_deref(),
                conversation,
            ),
        }
        false
    }
}

/// Sends a message to the model without ever dropping it: when the channel is full (a fast
/// stream fills it), the send waits on a task of its own instead of losing the message.
pub fn post(tx: &mpsc::Sender<Msg>, msg: Msg) {
    if let Err(mpsc::error::TrySendError::Full(msg)) = tx.try_send(msg) {
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(msg).await;
        });
    }
}

/// Applies a message and its effects. Returns true when the app should exit.
pub fn dispatch(app: &mut App, effects: &mut Effects, msg: Msg) -> bool {
    let mut quit = false;
    for effect in app::update(app, msg) {
        quit |= effects.run(effect);
    }
    // A send waits for the count of what it sends: ask for it now, not at the next frame.
    if app.meter.pending_submit.is_some()
        && let Some(meter) = effects.meter.as_mut()
    {
        meter.after_batch(app);
    }
    quit || app.quit
}
