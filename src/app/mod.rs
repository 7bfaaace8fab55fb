//! The pure core: the App model, the messages that change it and the effects it asks for.
//! `update` is the only function that mutates the model; nothing here does I/O.

pub mod browse;
pub mod conversation_list;
pub mod key_manager;
mod msg;
pub mod picker;
pub mod secret;
mod update;
pub mod usage_view;
pub mod welcome;

pub use crate::chat::{Conversation, Message, TurnState};
pub use crate::keymap::{Action, KeyChord, Keymap, Scope};
pub use msg::{Effect, Msg};
pub use update::update;

use tui_textarea::TextArea;

/// The provider and model in use, as shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub id: String,
    pub name: String,
    pub model: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Composer,
    Conversation,
}

/// The pane in view, owning that pane's state. Keys, pastes and the wheel are routed by one
/// `match` on it in `update`, and it is drawn by one `match` in `ui::draw`, so a new pane
/// cannot be added halfway.
#[derive(Debug, Clone)]
pub enum Screen {
    Chat,
    /// The key manager. Its list and dialogs live in `App::key_manager`, because key-store work
    /// reports back (and the chat reads the list) whichever pane is in view.
    Keys {
        back: Back,
    },
    Picker {
        picker: Box<picker::Picker>,
        back: Back,
    },
    Welcome(Box<welcome::Welcome>),
    Conversations(Box<conversation_list::ConversationsPane>),
    Usage(Box<usage_view::UsageView>),
}

/// Where a pane opened by another one returns when it is done: the chat, or the welcome
/// flow that handed it a step (the step's outcome decides what comes next).
#[derive(Debug, Clone)]
pub enum Back {
    Chat,
    Welcome(Box<welcome::Welcome>),
}

/// Which pane is in view, without its state (for tests, help and the status bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Chat,
    Keys,
    Picker,
    Welcome,
    Conversations,
    Usage,
}

impl Screen {
    pub fn view(&self) -> View {
        match self {
            Screen::Chat => View::Chat,
            Screen::Keys { .. } => View::Keys,
            Screen::Picker { .. } => View::Picker,
            Screen::Welcome(_) => View::Welcome,
            Screen::Conversations(_) => View::Conversations,
            Screen::Usage(_) => View::Usage,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: u16 },
}

/// Where the conversation view is: following the tail, pinned at a line from the top, or
/// about to show part of a message (the renderer finds its line and reports it back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    Follow,
    Top(usize),
    Reveal {
        message: usize,
        target: browse::RevealTarget,
    },
}

/// How a notice reads: decided where the notice is made, never guessed from its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Error,
}

/// A line for the status bar (or a pane's message row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub severity: Severity,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            severity: Severity::Info,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            severity: Severity::Error,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Settings the app starts with (from config and CLI).
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    pub provider: Option<ProviderInfo>,
    pub system_prompt: Option<String>,
    pub show_reasoning: bool,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// Shown in the empty conversation when no provider is configured.
    pub setup_hint: Option<String>,
    pub keymap: Keymap,
    /// The key store's state at start, and what can be added.
    pub store: Option<key_manager::StoreState>,
    pub key_providers: Vec<(String, String)>,
    pub auto_unlock_source: bool,
    /// The start provider needs a key: a locked store asks for its passphrase at once.
    pub provider_needs_key: bool,
    pub failover: crate::config::Failover,
    /// Every provider the picker offers.
    pub catalogue: Vec<picker::PickerProvider>,
    /// `keyturn demo`: the status bar says so.
    pub demo: bool,
    /// Links are made clickable with OSC 8 (`ui.hyperlinks`).
    pub hyperlinks: bool,
    /// The conversation to continue (the last one, loaded from history).
    pub resume: Option<Conversation>,
    /// Monthly caps (`[budget]`).
    pub budget: crate::usage::budget::BudgetConfig,
    /// Where titles come from (`[history] titles`).
    pub titles: crate::config::TitleMode,
    /// No config and no key store: open the welcome flow (with an SSH key to offer, if any).
    pub first_run: Option<Option<std::path::PathBuf>>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub provider: Option<ProviderInfo>,
    pub conversation: Conversation,
    pub composer: TextArea<'static>,
    pub focus: Focus,
    pub screen: Screen,
    pub key_manager: key_manager::KeysPane,
    pub overlay: Option<Overlay>,
    pub scroll: Scroll,
    pub content_lines: usize,
    pub viewport: usize,
    /// The top line of the last frame.
    pub top: usize,
    /// The request in flight and the index of the assistant message it fills.
    pub active: Option<(u64, usize)>,
    pub next_req: u64,
    pub notice: Option<Notice>,
    pub size: (u16, u16),
    pub options: AppOptions,
    pub tick: u64,
    /// A stored key offered for failover after the active one failed (Ctrl-F uses it).
    pub failover_offer: Option<String>,
    /// Keys this turn already failed with, so failover never goes round in circles.
    pub failover_tried: Vec<String>,
    pub next_list_req: u64,
    /// The next message id: unique in the session, so caches and history never mistake a
    /// message for one that was replaced or belongs to another conversation.
    pub next_msg_id: u64,
    /// The selected message (for copying, and where code jumps start from).
    pub selected: Option<usize>,
    /// The code block last jumped to: (message, block).
    pub code_cursor: Option<(usize, usize)>,
    pub search: Option<browse::Search>,
    /// Messages taken off the end to edit the last question; Esc puts them back.
    pub editing: Option<Vec<Message>>,
    /// This budget period's spend (None until the ledger has been read).
    pub spend: Option<crate::usage::budget::Spend>,
    /// A cap was reached and the user was told: the next send goes through once.
    pub budget_override: bool,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
}

impl App {
    pub fn new(options: AppOptions) -> Self {
        let mut composer = TextArea::default();
        composer.set_placeholder_text("Type a message · Enter sends · Alt-Enter newline · F1 help");
        composer.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
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
        Self {
            provider: options.provider.clone(),
            conversation,
            composer,
            focus: Focus::Composer,
            screen,
            key_manager: keys,
            overlay: None,
            scroll: Scroll::Follow,
            content_lines: 0,
            viewport: 0,
            top: 0,
            active: None,
            next_req: 1,
            notice: None,
            size: (80, 24),
            options,
            tick: 0,
            failover_offer: None,
            failover_tried: Vec::new(),
            next_list_req: 0,
            next_msg_id,
            selected: None,
            code_cursor: None,
            search: None,
            editing: None,
            spend: None,
            budget_override: false,
            quit: false,
            dirty: true,
        }
    }

    /// A message id no other message of this session has.
    pub fn fresh_msg_id(&mut self) -> u64 {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        id
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

    pub fn draft(&self) -> String {
        self.composer.lines().join("\n")
    }

    /// Line offset of the top of the view.
    pub fn scroll_top(&self) -> usize {
        let max = self.content_lines.saturating_sub(self.viewport);
        match self.scroll {
            Scroll::Follow => max,
            Scroll::Reveal { .. } => self.top.min(max),
            Scroll::Top(t) => t.min(max),
        }
    }

    /// Phase of the current or last turn, for the status bar.
    pub fn phase(&self) -> Option<&TurnState> {
        self.conversation
            .messages
            .last()
            .filter(|m| m.role == crate::providers::Role::Assistant)
            .map(|m| &m.state)
    }

    /// The budget's word on a request to the current provider with its active key.
    pub fn budget_verdict(&self) -> crate::usage::budget::Verdict {
        use crate::usage::budget::{Verdict, check};
        let (Some(spend), Some(p)) = (&self.spend, &self.provider) else {
            return Verdict::Ok;
        };
        let active = self
            .key_manager
            .entries
            .iter()
            .find(|e| e.provider == p.id && e.active);
        let mut budget = self.options.budget.clone();
        if let Some((id, cap)) = active.and_then(|e| e.cap.map(|c| (e.id.clone(), c))) {
            budget.keys.insert(id, cap);
        }
        check(&budget, spend, &p.id, active.map(|e| e.id.as_str()))
    }

    pub fn is_busy(&self) -> bool {
        self.active.is_some()
    }

    /// Something is in flight that a spinner should show.
    pub fn animating(&self) -> bool {
        self.is_busy() || self.key_manager.busy()
    }
}
