//! A conversation as Markdown, with front matter naming its providers, models, tokens and
//! cost (known costs summed; "unknown" when any turn's model has no price).

use crate::chat::Conversation;
use crate::chat::money::Usd;
use crate::providers::Role;
use crate::text::sanitize::sanitize_name;
use crate::usage::LedgerRecord;

/// The conversation as Markdown. Tokens and cost are those the usage ledger recorded for
/// this conversation's requests (`records`), never recomputed from today's prices: what was
/// unknown when it was recorded stays unknown.
pub fn to_markdown(conv: &Conversation, records: &[LedgerRecord]) -> String {
    // The branch shown: replies on other branches are not its cost.
    let elsewhere: Vec<usize> = conv.parked.iter().filter_map(|m| m.file_n).collect();
    let records: Vec<LedgerRecord> = records
        .iter()
        .filter(|r| r.message.is_none_or(|n| !elsewhere.contains(&n)))
        .cloned()
        .collect();
    let records = records.as_slice();
    let mut providers: Vec<&str> = Vec::new();
    let mut models: Vec<&str> = Vec::new();
    for m in conv.messages.iter().filter(|m| m.role == Role::Assistant) {
        let pid = m.provider_ref();
        if !pid.is_empty() && !providers.contains(&pid) {
            providers.push(pid);
        }
        if !m.model.is_empty() && !models.contains(&m.model.as_str()) {
            models.push(&m.model);
        }
    }
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| serde_json::to_string(&sanitize_name(s)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("---\n");
    out.push_str(&format!(
        "title: {}\n",
        serde_json::to_string(&super::title_of(conv)).unwrap_or_default()
    ));
    out.push_str(&format!("id: {}\n", conv.id));
    out.push_str(&format!("providers: [{}]\n", list(&providers)));
    out.push_str(&format!("models: [{}]\n", list(&models)));
    let mut presets: Vec<&str> = Vec::new();
    for m in &conv.messages {
        if let Some(p) = m.preset.as_deref().filter(|p| !presets.contains(p)) {
            presets.push(p);
        }
    }
    if !presets.is_empty() {
        out.push_str(&format!("presets: [{}]\n", list(&presets)));
    }
    if let Some(system) = conv.system.as_deref().filter(|s| !s.is_empty()) {
        out.push_str(&format!(
            "system: {}\n",
            serde_json::to_string(&crate::text::sanitize::sanitize(system)).unwrap_or_default()
        ));
    }
    out.push_str(&front_matter_usage(conv, records));
    out.push_str("---\n");
    for (i, m) in conv.messages.iter().enumerate() {
        if i == conv.sent_from && i > 0 {
            let s = if i == 1 { "" } else { "s" };
            out.push_str(&if m.checkpoint {
                format!("\n> ── the {i} earlier message{s} are summarized in the checkpoint below, which requests send in their place ──\n")
            } else {
                format!("\n> ── {i} earlier message{s} left out of requests from here on, to fit the context window ──\n")
            });
        }
        let head = match m.role {
            Role::User if m.checkpoint => "## Checkpoint".to_string(),
            Role::User => "## You".to_string(),
            Role::System => "## System".to_string(),
            Role::Assistant => format!(
                "## Assistant ({} · {}{})",
                sanitize_name(m.provider_ref()),
                sanitize_name(&m.model),
                m.preset
                    .as_deref()
                    .map(|p| format!(" · preset {}", sanitize_name(p)))
                    .unwrap_or_default()
            ),
        };
        // A file anyone could have edited: its text is printed without escapes.
        out.push_str(&format!(
            "\n{head}\n\n{}\n",
            crate::text::sanitize::sanitize(m.text.trim_end())
        ));
        for a in &m.attachments {
            out.push_str(&format!(
                "\n> attached: {} ({}, {}, sha256 {})\n",
                sanitize_name(&a.name),
                a.mime,
                a.size_label(),
                a.sha256
            ));
        }
        for note in &m.notes {
            out.push_str(&format!("\n> {note}\n"));
        }
        if let crate::chat::TurnState::Failed(e) = &m.state {
            out.push_str(&format!(
                "\n> error: {}\n",
                crate::text::sanitize::sanitize_line(&e.to_string())
            ));
        }
    }
    out
}

/// Requests, tokens and cost lines from the ledger's records. A conversation with answers
/// but no records (saved before the ledger named conversations) has an unknown cost.
fn front_matter_usage(conv: &Conversation, records: &[LedgerRecord]) -> String {
    let (input, output) = records.iter().fold((0u64, 0u64), |(i, o), r| {
        (i.saturating_add(r.input), o.saturating_add(r.output))
    });
    let mut out = format!(
        "requests: {}\ninput_tokens: {input}\noutput_tokens: {output}\n",
        records.len()
    );
    // Part of the output tokens, priced as output.
    let reasoning: u64 = records.iter().map(|r| r.reasoning).sum();
    if reasoning > 0 {
        out.push_str(&format!("reasoning_tokens: {reasoning}\n"));
    }
    if records.iter().any(|r| r.estimated) {
        out.push_str("tokens_estimated: true\n");
    }
    let unpriced = records.iter().filter(|r| r.cost_usd.is_none()).count();
    let known: Usd = records.iter().filter_map(|r| r.cost_usd).sum();
    let answered = conv
        .messages
        .iter()
        .any(|m| m.role == Role::Assistant && !m.text.is_empty());
    if records.is_empty() && answered {
        out.push_str("cost_usd: null # no usage records for this conversation\n");
    } else if unpriced == records.len() && unpriced > 0 {
        out.push_str("cost_usd: null # no price known for its models\n");
    } else if unpriced > 0 {
        out.push_str(&format!(
            "cost_usd: null # {} known, plus {unpriced} unpriced request(s)\ncost_usd_known: {}\n",
            known.exact(),
            known.exact()
        ));
    } else {
        out.push_str(&format!("cost_usd: {}\n", known.exact()));
    }
    let cached: u64 = records.iter().map(|r| r.cached).sum();
    let written: u64 = records.iter().map(|r| r.cache_write).sum();
    if cached + written > 0 {
        out.push_str(&format!(
            "cached_tokens: {cached}\ncache_write_tokens: {written}\n"
        ));
        let used = records.iter().filter(|r| r.cached + r.cache_write > 0);
        match used.clone().map(|r| r.cache_saved_usd).sum::<Option<Usd>>() {
            Some(saved) => out.push_str(&format!("cache_saved_usd: {}\n", saved.exact())),
            None => out.push_str("cache_saved_usd: null # no price known for a cached request\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::TurnState;
    use crate::usage::CostSource;

    fn record(cost: Option<&str>) -> LedgerRecord {
        LedgerRecord {
            at: 1,
            provider: "p".into(),
            key_id: None,
            model: "m".into(),
            input: 10,
            output: 5,
            reasoning: 0,
            cached: 0,
            cache_write: 0,
            cache_saved_usd: None,
            estimated: false,
            cost_usd: cost.and_then(Usd::parse),
            cost_source: if cost.is_some() {
                CostSource::Table
            } else {
                CostSource::Unknown
            },
            conversation: Some("c".into()),
            message: None,
        }
    }

    fn answered() -> Conversation {
        let mut conv = Conversation::default();
        conv.push(Role::User, "q".into(), TurnState::Done);
        conv.push(Role::Assistant, "a".into(), TurnState::Done);
        conv
    }

    #[test]
    fn an_export_says_what_caching_saved_and_unknown_is_null() {
        let conv = answered();
        let mut saved = record(Some("0.01"));
        saved.cached = 1800;
        saved.cache_write = 100;
        saved.cache_saved_usd = crate::chat::money::Usd::parse("0.0048");
        let md = to_markdown(&conv, &[saved.clone(), record(Some("0.01"))]);
        assert!(
            md.contains("cached_tokens: 1800\ncache_write_tokens: 100\ncache_saved_usd: 0.0048\n"),
            "{md}"
        );
        let mut unknown = saved;
        unknown.cache_saved_usd = None;
        let md = to_markdown(&conv, &[unknown]);
        assert!(md.contains("cache_saved_usd: null"), "{md}");
        assert!(!to_markdown(&conv, &[record(Some("0.01"))]).contains("cache"));
    }

    #[test]
    fn an_export_names_the_reasoning_part_of_the_output() {
        let conv = answered();
        let mut reasoned = record(Some("0.01"));
        reasoned.output = 400;
        reasoned.reasoning = 384;
        let md = to_markdown(&conv, &[reasoned, record(Some("0.01"))]);
        assert!(
            md.contains("output_tokens: 405\nreasoning_tokens: 384\n"),
            "{md}"
        );
        assert!(!to_markdown(&conv, &[record(Some("0.01"))]).contains("reasoning"));
    }

    #[test]
    fn an_export_keeps_every_turn_and_marks_the_cut() {
        let mut conv = answered();
        conv.push(Role::User, "q2".into(), TurnState::Done);
        conv.sent_from = 2;
        let md = to_markdown(&conv, &[]);
        let cut = md.find("2 earlier messages left out").expect(&md);
        assert!(
            md.find("\nq\n").unwrap() < cut && cut < md.find("\nq2\n").unwrap(),
            "{md}"
        );
    }

    #[test]
    fn cost_is_the_ledgers_and_unknown_is_never_zero() {
        let conv = answered();
        let known = to_markdown(&conv, &[record(Some("0.00037")), record(Some("0.001"))]);
        assert!(known.contains("\ncost_usd: 0.00137\n"), "{known}");
        assert!(known.contains("requests: 2\ninput_tokens: 20\noutput_tokens: 10\n"));
        let none = to_markdown(&conv, &[record(None)]);
        assert!(none.contains("\ncost_usd: null"), "{none}");
        let part = to_markdown(&conv, &[record(None), record(Some("0.5"))]);
        assert!(part.contains("\ncost_usd: null"), "{part}");
        assert!(part.contains("\ncost_usd_known: 0.50\n"), "{part}");
        let unrecorded = to_markdown(&conv, &[]);
        assert!(unrecorded.contains("\ncost_usd: null"), "{unrecorded}");
        // A conversation with no answer cost nothing.
        let mut asked = Conversation::default();
        asked.push(Role::User, "q".into(), TurnState::Done);
        assert!(to_markdown(&asked, &[]).contains("\ncost_usd: 0.00\n"));
    }
}
