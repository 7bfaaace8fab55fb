//! The model picker: every provider with its models (live, cached or the catalogue's), a
//! fuzzy filter as you type, Enter to use a model for this conversation, Ctrl-D to also
//! make it the provider's default. Providers without a key are shown, marked.

use crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use crate::keymap::Action;
use crate::providers::models::{ModelInfo, match_rank};

/// Where a provider's list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSource {
    Live,
    Cache,
    Catalogue,
}

/// A provider as the picker knows it at start (from config and the catalogue).
#[derive(Debug, Clone, PartialEq)]
pub struct PickerProvider {
    pub id: String,
    pub name: String,
    pub default_model: String,
    pub models: Vec<String>,
    pub needs_key: bool,
    /// Its key is in the environment (`api_key_env`).
    pub env_key: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderModels {
    pub provider: PickerProvider,
    pub models: Vec<ModelInfo>,
    pub source: ListSource,
    pub error: Option<String>,
    pub loading: bool,
    /// The newest list request; older answers are ignored.
    pub req: u64,
}

/// One selectable row: (provider index, model index).
pub type Row = (usize, usize);

#[derive(Debug, Clone)]
pub struct Picker {
    pub filter: TextArea<'static>,
    pub providers: Vec<ProviderModels>,
    pub selected: usize,
    /// The provider and model in use: it wins ties.
    pub in_use: Option<(String, String)>,
    /// Only models whose known context window holds this many tokens are listed.
    pub fits: Option<Fit>,
}

/// A request's size, and the windows to hold it against.
#[derive(Debug, Clone)]
pub struct Fit {
    pub needs: u64,
    pub windows: std::sync::Arc<crate::estimate::windows::WindowTable>,
}

impl Fit {
    pub fn holds(&self, provider: &str, model: &ModelInfo) -> bool {
        self.windows
            .limits(provider, &model.id, Some(model))
            .context_window
            .is_some_and(|w| w >= self.needs)
    }
}

/// What the picker asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum PickerEffect {
    Fetch { provider_id: String, req: u64 },
    SaveDefault { provider_id: String, model: String },
}

/// What the picker decided.
pub enum PickerOutcome {
    Stay,
    Close,
    Choose {
        provider: PickerProvider,
        model: String,
        save_default: bool,
    },
}

impl Picker {
    pub fn open(
        providers: &[PickerProvider],
        current: Option<(&str, &str)>,
        next_req: &mut u64,
    ) -> (Self, Vec<PickerEffect>) {
        let mut effects = Vec::new();
        let providers: Vec<ProviderModels> = providers
            .iter()
            .map(|p| {
                *next_req += 1;
                effects.push(PickerEffect::Fetch {
                    provider_id: p.id.clone(),
                    req: *next_req,
                });
                ProviderModels {
                    provider: p.clone(),
                    models: p.models.iter().map(|m| ModelInfo::bare(m)).collect(),
                    source: ListSource::Catalogue,
                    error: None,
                    loading: true,
                    req: *next_req,
                }
            })
            .collect();
        let mut filter = TextArea::default();
        filter.set_placeholder_text("type to filter, e.g. \"son 4.5\" or \"groq llama\"");
        let mut picker = Self {
            filter,
            providers,
            selected: 0,
            in_use: current.map(|(p, m)| (p.to_string(), m.to_string())),
            fits: None,
        };
        if let Some((pid, model)) = current {
            picker.selected = picker
                .rows()
                .iter()
                .position(|&(p, m)| {
                    picker.providers[p].provider.id == pid
                        && picker.providers[p].models[m].id == model
                })
                .unwrap_or(0);
        }
        (picker, effects)
    }

    pub fn query(&self) -> String {
        self.filter.lines().join(" ")
    }

    /// The rows the filter lets through: with no filter every model, grouped by provider;
    /// with one, best match first across all providers (the model in use wins ties).
    pub fn rows(&self) -> Vec<Row> {
        let q = self.query();
        let mut scored: Vec<((u8, usize), bool, Row)> = Vec::new();
        for (pi, p) in self.providers.iter().enumerate() {
            for (mi, m) in p.models.iter().enumerate() {
                if self
                    .fits
                    .as_ref()
                    .is_some_and(|f| !f.holds(&p.provider.id, m))
                {
                    continue;
                }
                if let Some(rank) = match_rank(&q, &p.provider.id, &m.id) {
                    let in_use = self
                        .in_use
                        .as_ref()
                        .is_some_and(|(ip, im)| *ip == p.provider.id && *im == m.id);
                    scored.push((rank, !in_use, (pi, mi)));
                }
            }
        }
        if !q.trim().is_empty() {
            // Stable: equal ranks keep provider and list order.
            scored.sort_by_key(|&(rank, not_in_use, _)| (rank, not_in_use));
        }
        scored.into_iter().map(|(_, _, row)| row).collect()
    }

    /// A key: `action` is what the picker's key map makes of it; other keys type into the
    /// filter.
    pub fn on_key(&mut self, action: Option<Action>, key: KeyEvent) -> PickerOutcome {
        let rows = self.rows();
        let last = rows.len().saturating_sub(1);
        match action {
            Some(Action::Close) => return PickerOutcome::Close,
            Some(Action::ListUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::ListDown) => self.selected = (self.selected + 1).min(last),
            Some(Action::ListPageUp) => self.selected = self.selected.saturating_sub(10),
            Some(Action::ListPageDown) => self.selected = (self.selected + 10).min(last),
            Some(Action::PickModel) => return self.choose(&rows, false),
            Some(Action::PickDefault) => return self.choose(&rows, true),
            Some(_) => {}
            None => {
                if crate::app::line_edit::single_line_key(&mut self.filter, key) {
                    self.selected = 0;
                }
            }
        }
        PickerOutcome::Stay
    }

    /// Pasted text goes into the filter, on one line.
    pub fn paste(&mut self, text: &str) {
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            self.filter.insert_str(line);
            self.selected = 0;
        }
    }

    fn choose(&self, rows: &[Row], save_default: bool) -> PickerOutcome {
        match rows.get(self.selected) {
            Some(&(p, m)) => PickerOutcome::Choose {
                provider: self.providers[p].provider.clone(),
                model: self.providers[p].models[m].id.clone(),
                save_default,
            },
            None => PickerOutcome::Stay,
        }
    }

    /// A list arrived. Newest request wins; an empty live list keeps what is shown.
    pub fn on_models(
        &mut self,
        provider_id: &str,
        req: u64,
        models: Vec<ModelInfo>,
        source: ListSource,
        error: Option<String>,
    ) {
        let selected_row = self
            .rows()
            .get(self.selected)
            .map(|&(p, m)| (p, self.providers[p].models[m].id.clone()));
        let Some(p) = self
            .providers
            .iter_mut()
            .find(|p| p.provider.id == provider_id)
        else {
            return;
        };
        if p.req != req {
            return;
        }
        p.loading = false;
        p.error = error;
        if !models.is_empty() {
            p.models = models;
            p.source = source;
        }
        // Keep the selection on the same model when lists change under it.
        if let Some((pi, id)) = selected_row
            && let Some(i) = self
                .rows()
                .iter()
                .position(|&(rp, rm)| rp == pi && self.providers[rp].models[rm].id == id)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
    }
}
