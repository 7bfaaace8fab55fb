//! Which pane is in view, each variant owning its pane's state, and where a pane opened by
//! another returns.

use super::{conversation_list, picker, presets, usage_view, welcome};

/// The pane in view, owning that pane's state. Keys, pastes and the wheel are routed by one
/// `match` on it in `update`, and it is drawn by one `match` in `ui::draw`, so a new pane
/// cannot be added halfway.
#[derive(Debug, Clone)]
pub enum Screen {
    Chat,
    /// The key manager. Its list and dialogs live in `Session::keys`, because key-store work
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
    Presets(Box<presets::PresetsPane>),
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
    Presets,
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
            Screen::Presets(_) => View::Presets,
        }
    }
}
