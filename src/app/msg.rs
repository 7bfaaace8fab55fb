//! The core's vocabulary with the edge: every [`Msg`] that can happen to the model and every
//! [`Effect`] the runtime carries out for it.

use crossterm::event::KeyEvent;

use super::{Conversation, conversation_list, key_manager, picker, usage_view, welcome};
use crate::providers::{ChatRequest, StreamEvent};

/// What the editor is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditTarget {
    /// The composer's draft.
    Draft,
    /// The conversation's system prompt.
    SystemPrompt,
}

/// Everything that can happen to the model.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// The editor (`$VISUAL`/`$EDITOR`) closed with this text, for what it edited.
    Edited {
        text: String,
        target: EditTarget,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Paths that complete `typed` (what follows `@` in the composer).
    PathCompletions {
        typed: String,
        candidates: Vec<String>,
    },
    /// The files `specs` named were read (or why not); `send`: the message goes once they
    /// are attached.
    Attached {
        specs: Vec<String>,
        result: Result<Vec<crate::chat::Attachment>, String>,
        send: bool,
    },
    Stream {
        req: u64,
        event: StreamEvent,
    },
    /// Facts the last frame learned (line count at the current width, viewport height,
    /// and the top line it showed).
    Layout {
        content_lines: usize,
        viewport: usize,
        top: usize,
    },
    /// Mouse wheel (only when mouse capture is on): lines to scroll, negative is up.
    Wheel(isize),
    /// The stored key a request is using (its id; the key itself never enters the model).
    TurnKey {
        req: u64,
        key_id: String,
    },
    /// Messages were written to the conversation's file under these numbers.
    Numbered(Vec<(u64, usize)>),
    /// The conversation was saved for the first time under this id.
    Saved {
        id: String,
    },
    /// The model's title for the conversation whose first message has id `first_msg`.
    Titled {
        first_msg: u64,
        title: String,
    },
    /// This budget period's spend, from the usage ledger.
    Spend(crate::usage::budget::Spend),
    /// A month of the usage ledger for the usage view.
    UsageReport {
        req: u64,
        month: crate::usage::Month,
        rows: Vec<crate::usage::Row>,
        skipped: usize,
    },
    /// Saved conversations for the conversations pane.
    ConversationList {
        req: u64,
        items: Vec<conversation_list::Item>,
    },
    /// A saved conversation, loaded to continue it (with a note on anything skipped).
    Opened {
        conversation: Box<Conversation>,
        note: Option<String>,
    },
    /// Animation tick; the runtime sends it only while a request is in flight.
    Tick,
    /// Something the frame depends on changed outside the model (syntax sets loaded).
    Redraw,
    /// SIGTERM, SIGHUP or similar: leave cleanly.
    Terminate,
    /// The key store's background work reporting back.
    Keys(key_manager::KeysMsg),
    /// An edit to config.toml was written (to `path`): the model follows it at once.
    ConfigSaved {
        edit: ConfigEdit,
        path: String,
    },
    /// The identity file typed in the welcome flow: where it is, and whether it is a file.
    IdentityChecked {
        path: std::path::PathBuf,
        exists: bool,
    },
    /// A report for the status bar (e.g. a saved default), with its severity.
    Notice(super::Notice),
    /// A local server was found answering on its usual port.
    Discovered(picker::PickerProvider),
    /// The next request, counted off the loop (the context meter).
    Counted(Box<super::meter::Reading>),
    /// The summary asked for a checkpoint (`Effect::Summarize`), or why there is none.
    Summarized {
        req: u64,
        summary: Result<String, String>,
    },
    /// A provider's model list arrived (for the picker).
    Models {
        provider_id: String,
        req: u64,
        models: Vec<crate::providers::models::ModelInfo>,
        source: picker::ListSource,
        error: Option<String>,
    },
}

/// An edit to config.toml, made by the runtime off the loop (comments kept).
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigEdit {
    /// Set or remove a monthly cap: a provider's, or the global one (no provider).
    BudgetCap {
        provider: Option<String>,
        monthly_usd: Option<crate::chat::money::Usd>,
    },
}

/// Side effects the runtime carries out.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The runtime resolves the key for `provider_id` itself: secrets never enter the model.
    StartStream {
        req: u64,
        provider_id: String,
        request: ChatRequest,
        /// Use this stored key instead of the provider's active one (failover).
        key_id: Option<String>,
    },
    /// Ask the model for a title (`[history] titles = "model"`); answered with `Msg::Titled`.
    AskTitle {
        first_msg: u64,
        provider_id: String,
        request: ChatRequest,
        /// The key that answered the first turn, so the title is billed to the same one.
        key_id: Option<String>,
        /// The conversation's id: the title's cost is part of the conversation's.
        conversation: Option<String>,
    },
    AbortStream {
        req: u64,
    },
    /// Ask the model for a summary of older turns (a checkpoint); answered with
    /// `Msg::Summarized`, billed to the provider's active key and the conversation.
    Summarize {
        req: u64,
        provider_id: String,
        request: ChatRequest,
        conversation: Option<String>,
    },
    Keys(key_manager::KeysEffect),
    Picker(picker::PickerEffect),
    Conversations(conversation_list::ConvEffect),
    /// Read a month of the usage ledger for the usage view.
    LoadUsage(usage_view::UsageRequest),
    /// Edit config.toml; answered with `Msg::ConfigSaved` (or a notice saying why not).
    EditConfig(ConfigEdit),
    /// A saved conversation became the open one: saving continues in its file.
    ContinueSaving(Box<Conversation>),
    /// Write the conversation to a Markdown file (the runtime prices it and says where).
    Export(Box<Conversation>),
    /// Put text on the clipboard (OSC 52, or a local clipboard program per config).
    Copy {
        text: String,
    },
    /// List the paths that complete `typed`; answered with `Msg::PathCompletions`.
    CompletePath {
        typed: String,
    },
    /// Read the files `specs` name (`already` bytes are attached); answered with
    /// `Msg::Attached`. `lenient`: a word that does not look like a path (`@alice`) is
    /// left as text instead of being an error.
    LoadAttachments {
        specs: Vec<String>,
        already: u64,
        send: bool,
        lenient: bool,
    },
    /// Suspend the TUI and write the draft in `$VISUAL`/`$EDITOR`; answered with
    /// `Msg::Edited` (or a notice saying why not).
    EditInEditor {
        draft: String,
        target: EditTarget,
    },
    /// Look for the identity file typed in the welcome flow (`~` expanded); answered with
    /// `Msg::IdentityChecked`.
    CheckIdentityFile {
        typed: String,
    },
    /// The welcome flow ended: write its choices to config.toml.
    FinishWelcome(welcome::WelcomeResult),
    Quit,
}
