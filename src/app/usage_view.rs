//! The usage view (F5): a month of the usage ledger grouped by provider, model, key or day.
//! Tab changes the grouping, Left/Right the month, Esc closes.

use crate::keymap::Action;

use crate::usage::{GroupBy, Month, Row};

#[derive(Debug, Clone, PartialEq)]
pub struct UsageView {
    /// None: this month (the runtime knows the local date).
    pub month: Option<Month>,
    pub shown_month: String,
    pub by: GroupBy,
    pub rows: Vec<Row>,
    pub skipped: usize,
    pub loading: bool,
    pub req: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageRequest {
    pub req: u64,
    pub month: Option<Month>,
    pub by: GroupBy,
}

pub enum UsageOutcome {
    Stay(Option<UsageRequest>),
    Close,
}

impl UsageView {
    pub fn open(next_req: &mut u64) -> (Self, UsageRequest) {
        let mut v = Self {
            month: None,
            shown_month: String::new(),
            by: GroupBy::Provider,
            rows: Vec::new(),
            skipped: 0,
            loading: true,
            req: 0,
        };
        let r = v.request(next_req);
        (v, r)
    }

    fn request(&mut self, next_req: &mut u64) -> UsageRequest {
        *next_req += 1;
        self.req = *next_req;
        self.loading = true;
        UsageRequest {
            req: self.req,
            month: self.month,
            by: self.by,
        }
    }

    pub fn on_report(&mut self, req: u64, month: Month, rows: Vec<Row>, skipped: usize) {
        if req != self.req {
            return;
        }
        self.month = Some(month);
        self.shown_month = month.to_string();
        self.rows = rows;
        self.skipped = skipped;
        self.loading = false;
    }

    /// A key, as the usage view's key map names it.
    pub fn on_key(&mut self, action: Option<Action>, next_req: &mut u64) -> UsageOutcome {
        match action {
            Some(Action::Close) => UsageOutcome::Close,
            Some(Action::UsageGroup) => {
                self.by = match self.by {
                    GroupBy::Provider => GroupBy::Model,
                    GroupBy::Model => GroupBy::Key,
                    GroupBy::Key => GroupBy::Day,
                    GroupBy::Day => GroupBy::Provider,
                };
                UsageOutcome::Stay(Some(self.request(next_req)))
            }
            Some(Action::UsageMonthPrev) => match self.month {
                Some(m) => {
                    self.month = Some(m.prev());
                    UsageOutcome::Stay(Some(self.request(next_req)))
                }
                None => UsageOutcome::Stay(None),
            },
            Some(Action::UsageMonthNext) => match self.month {
                Some(m) => {
                    self.month = Some(m.next());
                    UsageOutcome::Stay(Some(self.request(next_req)))
                }
                None => UsageOutcome::Stay(None),
            },
            _ => UsageOutcome::Stay(None),
        }
    }
}
