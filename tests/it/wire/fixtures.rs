//! Every recorded-format stream in tests/fixtures/ is fed to the SSE framer and its
//! protocol parser whole, byte by byte and split at every offset: the events must be the
//! same each time, and must match the fixture's `.expected` summary.

use std::path::Path;

use keyturn::providers::anthropic::AnthropicParser;
use keyturn::providers::gemini::GeminiParser;
use keyturn::providers::openai_compat::OpenAiParser;
use keyturn::providers::responses::ResponsesParser;
use keyturn::providers::sse::SseDecoder;
use keyturn::providers::{ProviderError, StreamEvent, StreamParser};
use keyturn::text::redact::Redactor;

fn parser(protocol: &str) -> Box<dyn StreamParser> {
    match protocol {
        "openai" => Box::new(OpenAiParser::new("Test", Redactor::new())),
        "anthropic" => Box::new(AnthropicParser::new("Test", Redactor::new())),
        "gemini" => Box::new(GeminiParser::new("Test", Redactor::new())),
        "responses" => Box::new(ResponsesParser::new("Test", Redactor::new())),
        other => panic!("no parser for fixtures/{other}"),
    }
}

fn run(protocol: &str, pieces: &[&[u8]]) -> Vec<StreamEvent> {
    let mut decoder = SseDecoder::new();
    let mut parser = parser(protocol);
    let mut out = Vec::new();
    for piece in pieces {
        for ev in decoder.feed(piece) {
            out.extend(parser.on_event(&ev));
        }
    }
    for ev in decoder.finish() {
        out.extend(parser.on_event(&ev));
    }
    out.extend(parser.on_end());
    // Adjacent text pieces may merge differently per split; compare the merged form.
    merge(out)
}

fn merge(events: Vec<StreamEvent>) -> Vec<StreamEvent> {
    let mut out: Vec<StreamEvent> = Vec::new();
    for e in events {
        match (out.last_mut(), e) {
            (Some(StreamEvent::Text(a)), StreamEvent::Text(b)) => a.push_str(&b),
            (Some(StreamEvent::Reasoning(a)), StreamEvent::Reasoning(b)) => a.push_str(&b),
            (_, e) => out.push(e),
        }
    }
    out
}

fn summary(events: &[StreamEvent]) -> String {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut usage = "none".to_string();
    let mut finish = "none".to_string();
    let mut malformed = 0;
    let mut end = "none".to_string();
    let mut carried = Vec::new();
    for e in events {
        match e {
            StreamEvent::Text(t) => text.push_str(t),
            StreamEvent::Reasoning(r) => reasoning.push_str(r),
            StreamEvent::Usage(u) => {
                usage = format!(
                    "in={} out={} reasoning={} cached={}",
                    u.input_tokens, u.output_tokens, u.reasoning_tokens, u.cached_tokens
                );
                if u.cache_write_tokens > 0 {
                    usage.push_str(&format!(" written={}", u.cache_write_tokens));
                }
            }
            StreamEvent::Finish(f) => finish = format!("{f:?}"),
            StreamEvent::Malformed(_) => malformed += 1,
            StreamEvent::Done => end = "Done".into(),
            StreamEvent::Error(err) => {
                let kind = match err {
                    ProviderError::InStream { .. } => "InStream",
                    ProviderError::Incomplete { .. } => "Incomplete",
                    _ => "Other",
                };
                end = format!("Error: {kind}");
            }
            StreamEvent::Carry { api, item } => carried.push(format!("{api}:{item}")),
            StreamEvent::Connected | StreamEvent::Retrying { .. } | StreamEvent::GatewayKey(_) => {}
        }
    }
    // Carried items are shown only where a fixture has them.
    let carried: String = carried.iter().map(|c| format!("carry: {c}\n")).collect();
    format!(
        "text: {}\nreasoning: {}\nusage: {usage}\nfinish: {finish}\nmalformed: {malformed}\n{carried}end: {end}\n",
        serde_json::to_string(&text).unwrap(),
        serde_json::to_string(&reasoning).unwrap()
    )
}

fn check_protocol(protocol: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(protocol);
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("sse") {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let whole = run(protocol, &[&bytes]);
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        assert_eq!(summary(&whole), expected, "{name}");
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(run(protocol, &bytewise), whole, "{name} byte by byte");
        for i in 0..=bytes.len() {
            assert_eq!(
                run(protocol, &[&bytes[..i], &bytes[i..]]),
                whole,
                "{name} split at {i}"
            );
        }
        // Three-way splits catch state carried across more than one boundary.
        for i in (0..bytes.len()).step_by(7) {
            for j in (i..bytes.len()).step_by(13) {
                assert_eq!(
                    run(protocol, &[&bytes[..i], &bytes[i..j], &bytes[j..]]),
                    whole,
                    "{name} split at {i},{j}"
                );
            }
        }
    }
    seen
}

#[test]
fn every_openai_fixture_parses_the_same_at_any_split() {
    assert!(check_protocol("openai") >= 10);
}

#[test]
fn every_anthropic_fixture_parses_the_same_at_any_split() {
    assert!(check_protocol("anthropic") >= 4);
}

#[test]
fn every_gemini_fixture_parses_the_same_at_any_split() {
    assert!(check_protocol("gemini") >= 6);
}

/// Provider error bodies in all their shapes: each becomes the right kind of error with the
/// provider's own words in it.
#[test]
fn every_error_body_fixture_is_classified_and_quoted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("body") {
            continue;
        }
        seen += 1;
        let body = std::fs::read_to_string(&path).unwrap();
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let field = |k: &str| {
            expected
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .unwrap()
                .to_string()
        };
        let status: u16 = field("status").parse().unwrap();
        let err = ProviderError::from_status("Acme", status, &body, None, &Redactor::new());
        let kind = format!("{err:?}");
        let kind = kind.split([' ', '{']).next().unwrap();
        assert_eq!(kind, field("kind"), "{}: {err}", path.display());
        assert!(
            err.to_string().contains(&field("contains")),
            "{}: {err}",
            path.display()
        );
    }
    assert!(seen >= 15);
}

fn model_fixture(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn model_lists_keep_chat_models_with_context_and_price() {
    use keyturn::providers::models::{parse_anthropic, parse_gemini, parse_openai};
    let ids = |p: &keyturn::providers::models::Page| {
        p.models.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    let openai = parse_openai(&model_fixture("openai.json"));
    assert_eq!(ids(&openai), ["gpt-4o-mini", "gpt-4.1", "o4-mini"]);
    let or = parse_openai(&model_fixture("openrouter.json"));
    assert_eq!(or.models[0].context, Some(1_047_576));
    assert_eq!(
        or.models[0].max_output,
        Some(32_768),
        "top_provider's limit"
    );
    assert_eq!(or.models[1].max_output, None);
    assert!(
        (or.models[0].price_in.unwrap() - 0.4).abs() < 1e-9
            && (or.models[1].price_out.unwrap() - 15.0).abs() < 1e-9
    );
    let together = parse_openai(&model_fixture("together.json"));
    assert_eq!(ids(&together), ["meta-llama/Llama-3.3-70B-Instruct-Turbo"]);
    let groq = parse_openai(&model_fixture("groq.json"));
    assert_eq!(ids(&groq), ["llama-3.3-70b-versatile"]);
    assert_eq!(groq.models[0].context, Some(131_072));
    assert_eq!(groq.models[0].max_output, Some(32_768));
    let a1 = parse_anthropic(&model_fixture("anthropic_page1.json"));
    assert_eq!(a1.next.as_deref(), Some("claude-opus-4-1-20250805"));
    let a2 = parse_anthropic(&model_fixture("anthropic_page2.json"));
    assert_eq!(
        (ids(&a2), a2.next),
        (vec!["claude-sonnet-4-5-20250929".to_string()], None)
    );
    let g1 = parse_gemini(&model_fixture("gemini_page1.json"));
    assert_eq!(
        ids(&g1),
        ["gemini-2.5-flash"],
        "prefix stripped, embeddings dropped"
    );
    assert_eq!(g1.models[0].max_output, Some(65_536));
    assert_eq!(g1.next.as_deref(), Some("Chxtb2RlbHMvZ2VtaW5pLTIuNS1wcm8"));
    assert_eq!(parse_gemini(&model_fixture("gemini_page2.json")).next, None);
}

#[test]
fn openrouter_usage_carries_its_cost() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openai/openrouter_reasoning.sse");
    let events = run("openai", &[&std::fs::read(path).unwrap()]);
    let cost = events.iter().find_map(|e| match e {
        StreamEvent::Usage(u) => u.cost_usd,
        _ => None,
    });
    assert_eq!(cost, keyturn::chat::money::Usd::parse("0.0000231"));
}

/// Each provider's recorded usage, through the parser, into a usage-ledger record: the
/// tokens are the provider's, and the cost follows from them (or is the provider's own).
#[test]
fn ledger_records_follow_each_providers_stream_usage() {
    use keyturn::chat::EndState;
    use keyturn::chat::TurnEnded;
    use keyturn::usage::{CostSource, prices::PriceTable, record_for};
    let prices = PriceTable::parse(
        "[[model]]\nprovider = \"p\"\nmodel = \"m\"\ninput = 1e-6\noutput = 2e-6\ncached_input = 0.5e-6\n",
    )
    .unwrap();
    for (protocol, name, expected) in [
        ("openai", "basic_usage", (9, 6, 0, 0)),
        ("openai", "deepseek_reasoning", (13, 20, 14, 8)),
        ("openai", "openrouter_reasoning", (10, 7, 0, 0)),
        ("anthropic", "basic", (25, 15, 0, 0)),
        ("gemini", "basic_crlf", (8, 5, 0, 0)),
    ] {
        let sse = std::fs::read(format!(
            "{}/tests/fixtures/{protocol}/{name}.sse",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let usage = run(protocol, &[&sse])
            .into_iter()
            .rev()
            .find_map(|e| match e {
                StreamEvent::Usage(u) => Some(u),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{protocol}/{name}: no usage"));
        let turn = TurnEnded {
            provider: "p".into(),
            model: "m".into(),
            key_id: None,
            usage: Some(usage),
            prompt_chars: 0,
            reply_chars: 0,
            state: EndState::Done,
            conversation: None,
            message: None,
        };
        let r = record_for(&turn, 1, &prices);
        assert_eq!(
            (r.input, r.output, r.reasoning, r.cached),
            expected,
            "{protocol}/{name}"
        );
        assert!(!r.estimated);
        let (i, o, _, c) = expected;
        if name == "openrouter_reasoning" {
            // OpenRouter says what it cost; that figure wins over the table.
            assert_eq!(
                (r.cost_source, r.cost_usd),
                (
                    CostSource::Provider,
                    keyturn::chat::money::Usd::parse("0.0000231")
                )
            );
            continue;
        }
        // $1/M fresh input, $0.5/M cached, $2/M output, in nano-dollars.
        let want = (i - c) as i64 * 1_000 + c as i64 * 500 + o as i64 * 2_000;
        assert_eq!(r.cost_source, CostSource::Table);
        assert_eq!(
            r.cost_usd,
            Some(keyturn::chat::money::Usd::from_nanos(want)),
            "{protocol}/{name}: {r:?}"
        );
    }
}

#[test]
fn every_responses_api_fixture_parses_the_same_at_any_split() {
    assert!(check_protocol("responses") >= 6);
}
