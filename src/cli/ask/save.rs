//! `ask` as a conversation: the question and its answer saved like the TUI's
//! (`history.save_ask`), in a new conversation or one `--continue` named.

use crate::chat::{Conversation, EndState, Role, TurnEnded, TurnState};
use crate::history::HistoryStore;
use crate::history::writer::HistoryWriter;

use super::stream::{Ending, Streamed};

/// Who answered: kept with the reply, as the TUI keeps it.
pub(super) struct Answerer {
    pub provider_id: String,
    pub provider_name: String,
    pub model: String,
    pub key_id: Option<String>,
    pub preset: Option<String>,
}

/// A conversation being saved as the question is asked.
pub(super) struct Saving {
    writer: HistoryWriter,
    conv: Conversation,
    /// Turns of the continued conversation a crash kept from the ledger.
    pub recovered: Vec<TurnEnded>,
}

impl Saving {
    /// Writes the question at once, so it is kept even when the request fails.
    pub fn begin(
        store: HistoryStore,
        mut conv: Conversation,
        (system, preset): (String, Option<String>),
        (prompt, attachments): (&str, Vec<crate::chat::Attachment>),
    ) -> std::io::Result<Self> {
        let mut writer = HistoryWriter::new(store);
        let recovered = if conv.id.is_empty() {
            Vec::new()
        } else {
            writer.resume(&conv)?
        };
        // Written before the question when it is new or changed (`--system`, `--preset`).
        conv.system = Some(system);
        conv.preset = preset;
        let n = conv.push(Role::User, prompt.to_string(), TurnState::Done);
        conv.messages[n].attachments = attachments;
        if let Some(id) = writer.sync(&conv)?.created {
            conv.id = id;
        }
        Ok(Self {
            writer,
            conv,
            recovered,
        })
    }

    /// Saves the answer as it ended; returns the conversation's id and the turn for the
    /// usage ledger (none when no provider answered).
    pub fn finish(
        mut self,
        streamed: &Streamed,
        who: Answerer,
    ) -> std::io::Result<(String, Option<TurnEnded>)> {
        let state = match &streamed.ending {
            Ending::Done | Ending::ReaderGone => TurnState::Done,
            Ending::Interrupted => TurnState::Cancelled,
            Ending::Failed(message) => TurnState::Failed(
                streamed
                    .failure
                    .clone()
                    .unwrap_or(crate::chat::TurnError::recorded(message.clone())),
            ),
        };
        let n = self
            .conv
            .push(Role::Assistant, streamed.text.clone(), state);
        let m = &mut self.conv.messages[n];
        m.usage = streamed.usage;
        m.model = who.model;
        m.provider = who.provider_name;
        m.provider_id = who.provider_id;
        m.key_id = who.key_id;
        m.preset = who.preset;
        m.answered = streamed.answered;
        m.notes = streamed.notes.clone();
        let ended = self.writer.sync(&self.conv)?.ended.into_iter().next();
        Ok((self.conv.id, ended))
    }
}

/// The turn for the ledger when the exchange is not saved.
pub(super) fn unsaved_turn(streamed: &Streamed, who: Answerer, prompt_chars: usize) -> TurnEnded {
    TurnEnded {
        provider: who.provider_id,
        model: who.model,
        key_id: who.key_id,
        usage: streamed.usage,
        prompt_chars,
        reply_chars: streamed.text.chars().count(),
        state: match streamed.ending {
            Ending::Done | Ending::ReaderGone => EndState::Done,
            Ending::Interrupted => EndState::Cancelled,
            Ending::Failed(_) => EndState::Failed,
        },
        conversation: None,
        message: None,
    }
}
