//! The session: what the chat is about, whatever pane is in view. The provider and
//! conversation, the turn in flight, failover, the key list, the catalogue, caps and spend.

use super::{ProviderInfo, key_manager, picker};
use crate::chat::{Conversation, TurnState};
use crate::usage::budget::{BudgetConfig, Spend, Verdict};

#[derive(Debug, Clone)]
pub struct Session {
    pub provider: Option<ProviderInfo>,
    pub conversation: Conversation,
    /// The request in flight and the index of the assistant message it fills.
    pub active: Option<(u64, usize)>,
    pub next_req: u64,
    /// The next message id: unique in the session, so caches and history never mistake a
    /// message for one that was replaced or belongs to another conversation.
    pub next_msg_id: u64,
    /// A stored key offered for failover after the active one failed (Ctrl-F uses it).
    pub failover_offer: Option<String>,
    /// Keys this turn already failed with, so failover never goes round in circles.
    pub failover_tried: Vec<String>,
    /// Every provider the picker offers (local servers found at run time join it).
    pub catalogue: Vec<picker::PickerProvider>,
    /// Monthly caps (`[budget]`; edited from the key manager at run time).
    pub budget: BudgetConfig,
    /// This budget period's spend (None until the ledger has been read).
    pub spend: Option<Spend>,
    /// A cap was reached and the user was told: the next send goes through once.
    pub budget_override: bool,
    /// The reasoning asked of the next messages (`None`: nothing asked, the model's own).
    pub reasoning: Option<crate::chat::Reasoning>,
    /// Models already told that they do not reason (said once each).
    pub told_no_reasoning: Vec<String>,
    /// The preset in use: its temperature and output limit go with every request, its
    /// name in the status bar.
    pub preset: Option<crate::config::Preset>,
    /// Files attached in this session, newest last (Tab after `@` offers them first).
    pub recent_attachments: Vec<String>,
}

impl Session {
    /// A message id no other message of this session has.
    pub fn fresh_msg_id(&mut self) -> u64 {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        id
    }

    pub fn is_busy(&self) -> bool {
        self.active.is_some()
    }

    /// Takes `preset`'s settings for the next requests: its reasoning over the current
    /// one when it sets one.
    pub fn adopt_preset(&mut self, preset: Option<crate::config::Preset>) {
        if let Some(r) = preset.as_ref().and_then(|p| p.reasoning) {
            self.reasoning = Some(r);
        }
        self.preset = preset;
    }

    /// Phase of the current or last turn, for the status bar.
    pub fn phase(&self) -> Option<&TurnState> {
        self.conversation
            .messages
            .last()
            .filter(|m| m.role == crate::chat::Role::Assistant)
            .map(|m| &m.state)
    }

    /// Why a request estimated to cost `next` would take a cap past its limit, if it would.
    pub fn budget_ahead(
        &self,
        keys: &key_manager::KeysPane,
        next: crate::chat::money::Usd,
    ) -> Option<String> {
        let (Some(spend), Some(p)) = (&self.spend, &self.provider) else {
            return None;
        };
        let (budget, key) = self.caps_for(keys);
        crate::usage::budget::would_cross(&budget, spend, &p.id, key.as_deref(), next)
    }

    /// The caps as they apply to the provider in use: config's, and its active key's own.
    fn caps_for(&self, keys: &key_manager::KeysPane) -> (BudgetConfig, Option<String>) {
        let mut budget = self.budget.clone();
        let Some(p) = &self.provider else {
            return (budget, None);
        };
        let active = keys.entries.iter().find(|e| e.provider == p.id && e.active);
        if let Some((id, cap)) = active.and_then(|e| e.cap.map(|c| (e.id.clone(), c))) {
            budget.keys.insert(id, cap);
        }
        (budget, active.map(|e| e.id.clone()))
    }

    /// The budget's word on a request to the current provider with its active key.
    pub fn budget_verdict(
        &self,
        keys: &key_manager::KeysPane,
        prices: &crate::usage::prices::PriceTable,
    ) -> Verdict {
        use crate::usage::budget::check;
        let (Some(spend), Some(p)) = (&self.spend, &self.provider) else {
            return Verdict::Ok;
        };
        let (budget, key) = self.caps_for(keys);
        let unpriced = (!prices.knows(&p.id, &p.model)).then_some(p.model.as_str());
        check(&budget, spend, &p.id, key.as_deref(), unpriced)
    }
}
