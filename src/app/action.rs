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
    OpenKeys,
    KeyAdd,
    KeyTest,
    KeyTestAll,
    KeyRotate,
    KeyUndo,
    KeyDelete,
    KeyActivate,
    KeyEditLabel,
    KeyImportEnv,
    KeyFixPermissions,
    Failover,
    OpenPicker,
}

impl Action {
    pub const ALL: [Action; 28] = [
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
        Action::OpenKeys,
        Action::KeyAdd,
        Action::KeyTest,
        Action::KeyTestAll,
        Action::KeyRotate,
        Action::KeyUndo,
        Action::KeyDelete,
        Action::KeyActivate,
        Action::KeyEditLabel,
        Action::KeyImportEnv,
        Action::KeyFixPermissions,
        Action::Failover,
        Action::OpenPicker,
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
            Action::OpenKeys => "open_keys",
            Action::KeyAdd => "key_add",
            Action::KeyTest => "key_test",
            Action::KeyTestAll => "key_test_all",
            Action::KeyRotate => "key_rotate",
            Action::KeyUndo => "key_undo",
            Action::KeyDelete => "key_delete",
            Action::KeyActivate => "key_activate",
            Action::KeyEditLabel => "key_edit_label",
            Action::KeyImportEnv => "key_import_env",
            Action::KeyFixPermissions => "key_fix_permissions",
            Action::Failover => "failover",
            Action::OpenPicker => "open_picker",
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
            Action::OpenKeys => "show or hide the key manager",
            Action::KeyAdd => "add a key (tested before it is saved)",
            Action::KeyTest => "test the selected key (spends no tokens)",
            Action::KeyTestAll => "test all keys in parallel",
            Action::KeyRotate => "rotate: replace the selected key with a new one",
            Action::KeyUndo => "undo the last change to the keys",
            Action::KeyDelete => "delete the selected key",
            Action::KeyActivate => "make the selected key active for its provider",
            Action::KeyEditLabel => "edit the selected key's label",
            Action::KeyImportEnv => "import keys found in environment variables",
            Action::KeyFixPermissions => "make keys.age 0600 and its directory 0700",
            Action::Failover => "switch to the other stored key and ask again",
            Action::OpenPicker => {
                "choose the provider and model (Enter: this chat, Ctrl-D: default)"
            }
        }
    }
}
