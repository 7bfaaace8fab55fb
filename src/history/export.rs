//! A conversation as Markdown, with front matter naming its providers, models, tokens and
//! cost (known costs summed; "unknown" when any turn's model has no price).

use crate::chat::Conversation;
use crate::providers::Role;
use crate::usage::prices::PriceTable;

/// The provider's id (a message made before ids were kept has only the name).
fn id_of(m: &crate::chat::Message) -> &str {
    if m.provider_id.is_empty() {
        &m.provider
    } else {
        &m.provider_id
    }
}

pub fn to_markdown(conv: &Conversation, prices: &PriceTable) -> String {
    let mut providers: Vec<&str> = Vec::new();
    let mut models: Vec<&str> = Vec::new();
    let (mut input, mut output) = (0u64, 0u64);
    let mut cost = crate::chat::money::Usd::ZERO;
    let mut unknown = false;
    for m in conv.messages.iter().filter(|m| m.role == Role::Assistant) {
        let pid = id_of(m);
        if !pid.is_empty() && !providers.contains(&pid) {
            providers.push(pid);
        }
        if !m.model.is_empty() && !models.contains(&m.model.as_str()) {
            models.push(&m.model);
        }
        if let Some(u) = m.usage {
            input += u.input_tokens;
            output += u.output_tokens;
            let c = u.cost_usd.or_else(|| {
                prices
                    .find(pid, &m.model)
                    .map(|p| p.cost(u.input_tokens, u.cached_tokens, u.output_tokens))
            });
            match c {
                Some(c) => cost += c,
                None => unknown = true,
            }
        }
    }
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default())
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
    out.push_str(&format!("input_tokens: {input}\noutput_tokens: {output}\n"));
    if unknown {
        out.push_str("cost_usd: unknown\n");
    } else {
        out.push_str(&format!("cost_usd: {:.6}\n", cost.dollars()));
    }
    out.push_str("---\n");
    for m in &conv.messages {
        let head = match m.role {
            Role::User => "## You".to_string(),
            Role::System => "## System".to_string(),
            Role::Assistant => format!("## Assistant ({} · {})", id_of(m), m.model),
        };
        out.push_str(&format!("\n{head}\n\n{}\n", m.text.trim_end()));
        for note in &m.notes {
            out.push_str(&format!("\n> {note}\n"));
        }
        if let crate::chat::TurnState::Failed(e) = &m.state {
            out.push_str(&format!("\n> error: {e}\n"));
        }
    }
    out
}
