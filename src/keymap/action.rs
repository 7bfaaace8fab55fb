//! The user's intents. Each action is defined once below, with its snake_case name (used by
//! `[keys]`) and what it does (shown by F1 and the README); the enum, the list and both
//! lookups are generated from that one table.

macro_rules! actions {
    ($($variant:ident = $name:literal : $describe:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name `[keys]` uses.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            /// What it does, for the help overlay and the README.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Action::$variant => $describe,)*
                }
            }
        }
    };
}

actions! {
    Submit = "submit": "send the message (while a reply streams: queue it, sent when the reply ends)",
    Unqueue = "unqueue": "take the queued message back into the composer to edit it",
    Newline = "newline": "insert a newline in the message",
    Cancel = "cancel": "stop the streaming reply; close a dialog",
    Retry = "retry": "ask again: regenerate the selected (or last) answer as a new branch, or retry a failed one",
    Quit = "quit": "quit keyturn",
    Help = "help": "show or hide this help",
    FocusNext = "focus_next": "switch focus: composer / conversation",
    ScrollUp = "scroll_up": "scroll the conversation up a line",
    ScrollDown = "scroll_down": "scroll the conversation down a line",
    PageUp = "page_up": "scroll the conversation up a page",
    PageDown = "page_down": "scroll the conversation down a page",
    ScrollTop = "scroll_top": "jump to the start of the conversation",
    ScrollBottom = "scroll_bottom": "jump to the end and follow the reply",
    ToggleReasoning = "toggle_reasoning": "fold or unfold the model's reasoning",
    CycleReasoning = "cycle_reasoning": "reasoning effort for the next messages: off, low, medium, high",
    EditInEditor = "edit_in_editor": "write the message in $VISUAL or $EDITOR",
    Detach = "detach": "remove the last file attached to the next message (@path and Tab attach one)",
    NewConversation = "new_conversation": "start a new conversation",
    OpenKeys = "open_keys": "show or hide the key manager",
    OpenPicker = "open_picker": "choose the provider and model",
    OpenConversations = "open_conversations": "saved conversations: open, new, rename, delete, search",
    OpenUsage = "open_usage": "usage and spend this month, by provider, model, key or day",
    OpenPresets = "open_presets": "choose a preset: a system prompt with its model and settings",
    EditSystemPrompt = "edit_system_prompt": "edit this conversation's system prompt in $VISUAL or $EDITOR",
    UsePreset = "use_preset": "use the selected preset in this conversation",
    Failover = "failover": "switch to the other stored key and ask again",
    SelectPrev = "select_prev": "select the previous message",
    SelectNext = "select_next": "select the next message",
    CodePrev = "code_prev": "jump to the previous code block",
    CodeNext = "code_next": "jump to the next code block",
    CopyMessage = "copy_message": "copy the selected (or last) message, via OSC 52",
    CopyCode = "copy_code": "copy the current code block, via OSC 52",
    EditLast = "edit_last": "edit your selected (or last) message and send it as a new branch",
    BranchPrev = "branch_prev": "show the previous branch at the selected message (or the last one with branches)",
    BranchNext = "branch_next": "show the next branch at the selected message (or the last one with branches)",
    Fork = "fork": "start a new conversation from this branch, up to the selected message",
    Search = "search": "search the conversation",
    SearchNext = "search_next": "go to the next search match",
    SearchPrev = "search_prev": "go to the previous search match",
    ExportConversation = "export_conversation": "export the conversation to a Markdown file",
    KeyAdd = "key_add": "add a key (tested before it is saved)",
    KeyTest = "key_test": "test the selected key (spends no tokens)",
    KeyTestAll = "key_test_all": "test all keys in parallel",
    KeyRotate = "key_rotate": "rotate: replace the selected key with a new one",
    KeyUndo = "key_undo": "undo the last change to the keys",
    KeyDelete = "key_delete": "delete the selected key",
    KeyActivate = "key_activate": "make the selected key active for its provider",
    KeyEditLabel = "key_edit_label": "edit the selected key's label",
    KeyImportEnv = "key_import_env": "import keys found in environment variables",
    KeyFixPermissions = "key_fix_permissions": "make keys.age 0600 and its directory 0700",
    KeyExport = "key_export": "export keys to a bundle encrypted to another machine's age or SSH key",
    KeyImportBundle = "key_import_bundle": "import the keys of a bundle made by key_export (or keyturn keys export)",
    KeyBudget = "key_budget": "monthly spending caps: the selected key's, its provider's or the global one (Tab)",
    ListUp = "list_up": "move the selection up",
    ListDown = "list_down": "move the selection down",
    ListPageUp = "list_page_up": "move the selection up a page",
    ListPageDown = "list_page_down": "move the selection down a page",
    Close = "close": "close this pane and go back to the chat",
    PickModel = "pick_model": "use the selected model in this conversation",
    PickDefault = "pick_default": "use the selected model and save it as the default",
    OpenConversation = "open_conversation": "open the selected conversation",
    RenameConversation = "rename_conversation": "rename the selected conversation",
    DeleteConversation = "delete_conversation": "delete the selected conversation (asks first)",
    UsageGroup = "usage_group": "group by provider, model, key or day, in turn",
    UsageMonthPrev = "usage_month_prev": "show the month before",
    UsageMonthNext = "usage_month_next": "show the month after",
    Confirm = "confirm": "accept the dialog (what its field or question says)",
    Yes = "yes": "answer yes to the dialog's question",
    No = "no": "answer no to the dialog's question",
    DialogNext = "dialog_next": "switch what the dialog edits (the key's, its provider's or the global cap)",
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}
