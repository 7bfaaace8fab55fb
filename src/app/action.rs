//! The user's intents. One snake_case name per action, shared by the reducer, the help
//! overlay and (later) the `[keys]` config table.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Submit,
    Newline,
    Cancel,
    Retry,
    Quit,
    Help,
    FocusNext,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    ToggleReasoning,
    NewConversation,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::Submit,
        Action::Newline,
        Action::Cancel,
        Action::Retry,
        Action::Quit,
        Action::Help,
        Action::FocusNext,
        Action::ScrollUp,
        Action::ScrollDown,
        Action::PageUp,
        Action::PageDown,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::ToggleReasoning,
        Action::NewConversation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Newline => "newline",
            Action::Cancel => "cancel",
            Action::Retry => "retry",
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "focus_next",
            Action::ScrollUp => "scroll_up",
            Action::ScrollDown => "scroll_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::ScrollTop => "scroll_top",
            Action::ScrollBottom => "scroll_bottom",
            Action::ToggleReasoning => "toggle_reasoning",
            Action::NewConversation => "new_conversation",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Submit => "send the message",
            Action::Newline => "insert a newline in the message",
            Action::Cancel => "stop the streaming reply; close a dialog",
            Action::Retry => "ask again: retry a failed or cancelled reply",
            Action::Quit => "quit keyturn",
            Action::Help => "show or hide this help",
            Action::FocusNext => "switch focus: composer / conversation",
            Action::ScrollUp => "scroll the conversation up a line",
            Action::ScrollDown => "scroll the conversation down a line",
            Action::PageUp => "scroll the conversation up a page",
            Action::PageDown => "scroll the conversation down a page",
            Action::ScrollTop => "jump to the start of the conversation",
            Action::ScrollBottom => "jump to the end and follow the reply",
            Action::ToggleReasoning => "fold or unfold the model's reasoning",
            Action::NewConversation => "start a new conversation",
        }
    }
}
