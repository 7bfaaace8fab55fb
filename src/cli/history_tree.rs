//! `keyturn history tree ID`: every branch of a conversation as an indented tree, each
//! message's first line, each reply's cost from the usage ledger, and each branch's total
//! at its end. `*` marks the branch shown (the one `show` and `export` print).

use std::collections::HashMap;

use crate::chat::money::Usd;
use crate::chat::{Conversation, Message, Role};
use crate::usage::LedgerRecord;

/// What the ledger knows of the replies of one conversation, by their number in its file.
fn costs(records: &[LedgerRecord]) -> HashMap<usize, (Option<Usd>, u32)> {
    let mut out: HashMap<usize, (Option<Usd>, u32)> = HashMap::new();
    for r in records {
        let Some(n) = r.message else { continue };
        let e = out.entry(n).or_insert((Some(Usd::ZERO), 0));
        e.0 = e.0.zip(r.cost_usd).map(|(a, b)| a + b);
        e.1 += 1;
    }
    out
}

fn first_line(m: &Message) -> String {
    // As a title is made from a prompt: its first line, clean, cut.
    let mut line = crate::history::title_from_prompt(&m.text);
    if !m.attachments.is_empty() {
        line.push_str(&format!(" [+{} attached]", m.attachments.len()));
    } else if line.is_empty() {
        line.push_str("(empty)");
    }
    line
}

fn cost_label(c: Option<Usd>) -> String {
    c.map_or_else(|| "cost unknown".into(), |c| format!("${c}"))
}

/// The tree as text.
pub fn render(conv: &Conversation, records: &[LedgerRecord]) -> String {
    let costs = costs(records);
    let tree = conv.tree();
    let mut out = String::new();
    // The cost of the path down to each message: a branch's total at its end.
    let mut totals: Vec<(Option<Usd>, u32)> = Vec::new();
    for (k, (depth, m, on_path)) in tree.iter().enumerate() {
        totals.truncate(*depth);
        let parent = totals.last().copied().unwrap_or((Some(Usd::ZERO), 0));
        let own = m.file_n.and_then(|n| costs.get(&n).copied());
        let total = match own {
            Some((c, k)) => (parent.0.zip(c).map(|(a, b)| a + b), parent.1 + k),
            None if m.role == Role::Assistant && m.usage.is_some() => (None, parent.1),
            None => parent,
        };
        totals.push(total);
        let who = match m.role {
            Role::User if m.checkpoint => "Checkpoint".to_string(),
            Role::User => "You".to_string(),
            Role::System => "System".to_string(),
            Role::Assistant => format!(
                "Assistant · {}",
                crate::text::sanitize::sanitize_name(&m.model)
            ),
        };
        let mark = if *on_path { '*' } else { ' ' };
        let mut line = format!("{}{mark} {who}: {}", "  ".repeat(*depth), first_line(m));
        if let Some((c, _)) = own {
            line.push_str(&format!("  ({})", cost_label(c)));
        }
        let leaf = tree.get(k + 1).is_none_or(|(d, _, _)| *d <= *depth);
        if leaf && total.1 > 0 {
            line.push_str(&format!(
                "  ← branch: {} over {}",
                cost_label(total.0),
                crate::text::count(total.1 as usize, "request")
            ));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::TurnState;

    #[test]
    fn every_branch_with_its_costs_and_the_shown_one_marked() {
        let mut c = Conversation::default();
        c.push_with_id(
            1,
            Role::User,
            "What is 2+2?\nthanks".into(),
            TurnState::Done,
        );
        c.push_with_id(2, Role::Assistant, "4".into(), TurnState::Done);
        c.park_from(1);
        c.push_with_id(3, Role::Assistant, "Four.".into(), TurnState::Done);
        for (m, n) in c
            .messages
            .iter_mut()
            .chain(c.parked.iter_mut())
            .zip([0, 2, 1])
        {
            m.file_n = Some(n);
            m.model = "m".into();
        }
        let rec = |n: usize, nanos: i64| {
            LedgerRecord {
            message: Some(n),
            cost_usd: Some(Usd::from_nanos(nanos)),
            ..serde_json::from_str(r#"{"at":1,"provider":"p","model":"m","input":1,"output":1,"cost_usd":null,"cost_source":"table"}"#).unwrap()
        }
        };
        let text = render(&c, &[rec(1, 1_000_000), rec(2, 3_000_000)]);
        assert_eq!(
            text,
            "* You: What is 2+2?\n\
             \x20   Assistant · m: 4  ($0.001)  ← branch: $0.001 over 1 request\n\
             \x20 * Assistant · m: Four.  ($0.003)  ← branch: $0.003 over 1 request\n"
        );
    }
}
