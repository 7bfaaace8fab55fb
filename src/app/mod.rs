//! The pure core: the App model, the messages that change it and the effects it asks for.
//! `update` is the only function that mutates the model; nothing here does I/O.
//!
//! The model is in three parts: the [`Session`] (what the chat is about), the [`ChatView`]
//! (how the conversation is shown and the composer) and the [`Screen`] (the pane in view,
//! owning its state). Start-up [`AppOptions`] stay as they were given.

pub mod browse;
mod chat_view;
pub mod conversation_list;
pub mod key_manager;
pub mod line_edit;
pub mod meter;
mod msg;
mod notice;
mod options;
pub mod picker;
pub mod presets;
mod screen;
pub mod secret;
mod session;
mod update;
pub mod usage_view;
pub mod vi;
pub mod welcome;

pub use crate::chat::{Conversation, Message, TurnState};
pub use crate::keymap::{Action, KeyChord, Keymap, Scope};
pub use chat_view::{ChatView, Focus, Scroll};
pub use msg::{ConfigEdit, EditTarget, Effect, Msg};
pub use notice::{Notice, Severity};
pub use options::{AppOptions, DEMO_ACCEPTS, ProviderInfo};
pub use screen::{Back, Screen, View};
pub use session::Session;
pub use update::update;

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// The next request cannot fit its window: the ways out.
    Overflow(Box<meter::OverflowOffer>),
}

#[derive(Debug, Clone)]
pub struct App {
    pub session: Session,
    pub chat: ChatView,
    pub screen: Screen,
    /// The key store's state and list, its dialogs and selection (the key manager's pane
    /// draws it; the session reads the list for budgets and failover).
    pub key_manager: key_manager::KeysPane,
    /// The next request's count (context meter) and a send waiting for it.
    pub meter: meter::Meter,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub size: (u16, u16),
    /// What the app started with; never changed at run time.
    pub options: AppOptions,
    pub tick: u64,
    pub next_list_req: u64,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
}

impl App {
    pub fn new(options: AppOptions) -> Self {
        let mut keys = key_manager::KeysPane {
            providers: options.key_providers.clone(),
            auto_source: options.auto_unlock_source,
            current_provider: options.provider.as_ref().map(|p| p.id.clone()),
            ..Default::default()
        };
        let mut next_msg_id = 1;
        let mut conversation = options.resume.clone().unwrap_or_default();
        conversation.renumber(&mut next_msg_id);
        let mut screen = Screen::Chat;
        if let Some(state) = options.store.clone() {
            if state == key_manager::StoreState::Locked && options.provider_needs_key {
                keys.ask_passphrase(false);
                screen = Screen::Keys { back: Back::Chat };
            }
            keys.state = state;
        }
        if let Some(ssh_key) = options.first_run.clone() {
            screen = Screen::Welcome(Box::new(welcome::Welcome::new(ssh_key)));
        }
        let pinned = options.provider_pinned;
        let mut app = Self {
            session: Session {
                provider: options.provider.clone(),
                conversation,
                active: None,
                next_req: 1,
                next_msg_id,
                failover_offer: None,
                failover_tried: Vec::new(),
                catalogue: options.catalogue.clone(),
                budget: options.budget.clone(),
                spend: None,
                budget_override: false,
                reasoning: options
                    .provider
                    .as_ref()
                    .and_then(|p| options.reasoning.for_model(&p.id, &p.model)),
                told_no_reasoning: Vec::new(),
                preset: None,
                recent_attachments: Vec::new(),
            },
            chat: ChatView::default(),
            screen,
            key_manager: keys,
            meter: meter::Meter::default(),
            overlay: None,
            notice: None,
            size: (80, 24),
            options,
            tick: 0,
            next_list_req: 0,
            quit: false,
            dirty: true,
        };
        if let Some(p) = app.options.start_preset.as_deref() {
            let preset = app.options.presets.get(p).cloned();
            app.session.adopt_preset(preset);
        }
        app.chat.attachments = app.options.initial_attachments.clone();
        // A resumed conversation goes on where it left off, unless the command line chose.
        if !pinned && matches!(app.screen, Screen::Chat) {
            update::continue_on_its_provider(&mut app);
            update::presets_on_start(&mut app);
        }
        app
    }

    /// Which pane is in view.
    pub fn view(&self) -> View {
        self.screen.view()
    }

    pub fn picker(&self) -> Option<&picker::Picker> {
        match &self.screen {
            Screen::Picker { picker, .. } => Some(picker),
            _ => None,
        }
    }

    /// The welcome flow, in view or waiting for the pane it handed a step to.
    pub fn welcome(&self) -> Option<&welcome::Welcome> {
        match &self.screen {
            Screen::Welcome(w)
            | Screen::Keys {
                back: Back::Welcome(w),
            }
            | Screen::Picker {
                back: Back::Welcome(w),
                ..
            } => Some(w),
            _ => None,
        }
    }

    pub fn conversations(&self) -> Option<&conversation_list::ConversationsPane> {
        match &self.screen {
            Screen::Conversations(p) => Some(p),
            _ => None,
        }
    }

    pub fn conversations_mut(&mut self) -> Option<&mut conversation_list::ConversationsPane> {
        match &mut self.screen {
            Screen::Conversations(p) => Some(p),
            _ => None,
        }
    }

    pub fn usage_view(&self) -> Option<&usage_view::UsageView> {
        match &self.screen {
            Screen::Usage(v) => Some(v),
            _ => None,
        }
    }

    /// Opens the key manager from the chat.
    pub fn open_keys(&mut self) {
        self.screen = Screen::Keys { back: Back::Chat };
    }

    /// The reasoning the next request to the current model asks (none of a model that does
    /// not reason).
    pub fn next_reasoning(&self) -> Option<crate::chat::Reasoning> {
        let model = &self.session.provider.as_ref()?.model;
        self.session
            .reasoning
            .filter(|_| self.options.reasoning.reasons(model))
    }

    /// The system prompt the next request sends: the conversation's own once chosen, else
    /// the preset's, else config's.
    pub fn system_prompt(&self) -> Option<&str> {
        match &self.session.conversation.system {
            Some(s) => Some(s.as_str()),
            None => self
                .session
                .preset
                .as_ref()
                .and_then(|p| p.system.as_deref())
                .or(self.options.system_prompt.as_deref()),
        }
        .filter(|s| !s.is_empty())
    }

    /// Where the next request's earlier messages end: before the message being edited.
    pub fn next_request_end(&self) -> usize {
        let len = self.session.conversation.messages.len();
        self.chat.editing.unwrap_or(len).min(len)
    }

    /// The temperature the next request sends: the preset's, else the provider's.
    pub fn temperature(&self) -> Option<f32> {
        let preset = self.session.preset.as_ref().and_then(|p| p.temperature);
        preset.or(self.options.temperature)
    }

    /// The output limit the next request sends: the preset's, else the provider's.
    pub fn max_tokens(&self) -> Option<u32> {
        let preset = self.session.preset.as_ref().and_then(|p| p.max_tokens);
        preset.or(self.options.max_tokens)
    }

    pub fn draft(&self) -> String {
        self.chat.draft()
    }

    /// Phase of the current or last turn, for the status bar.
    pub fn phase(&self) -> Option<&TurnState> {
        self.session.phase()
    }

    /// The budget's word on a request to the current provider with its active key.
    pub fn budget_verdict(&self) -> crate::usage::budget::Verdict {
        self.session
            .budget_verdict(&self.key_manager, &self.options.prices)
    }

    pub fn is_busy(&self) -> bool {
        self.session.is_busy()
    }

    /// Something is in flight that a spinner should show.
    pub fn animating(&self) -> bool {
        self.is_busy() || self.key_manager.busy()
    }
}
