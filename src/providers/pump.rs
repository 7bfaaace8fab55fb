//! Reading a reply's body: bytes through SSE and the protocol's parser into sanitized
//! events (a key the provider echoes is redacted on the way), in batches: what waited on the
//! socket and everything already behind it, text after text joined into one event, so the
//! UI applies one message per batch rather than one per token.

use super::http::{EventSink, MAX_EVENT_BYTES, Timeouts, idle_timeout, transport_error};
use super::sse::SseDecoder;
use super::{Endpoint, ProviderError, StreamEvent};
use crate::text::redact::Redactor;
use crate::text::sanitize::Sanitizer;

/// Reads the byte stream through SSE and the protocol's parser into sanitized events, until
/// the protocol's end, an error, a silence longer than the idle timeout, or the sink leaves.
pub(super) async fn pump(
    resp: reqwest::Response,
    mut parser: Box<dyn super::StreamParser>,
    endpoint: &Endpoint,
    timeouts: Timeouts,
    redactor: &Redactor,
    gateway_cost: Option<crate::chat::money::Usd>,
    sink: &mut impl EventSink,
) {
    let mut decoder = SseDecoder::new();
    let mut text_clean = Sanitizer::new();
    let mut reasoning_clean = Sanitizer::new();
    // A key the provider echoes in its reply never reaches the screen, history or stdout.
    let mut text_keys = crate::text::redact::StreamRedactor::new(redactor.clone());
    let mut reasoning_keys = crate::text::redact::StreamRedactor::new(redactor.clone());
    let mut stream = super::paced::Paced::new(resp.bytes_stream(), timeouts.nap);
    loop {
        // What waited, then everything else already there (up to a bound, so a flood still
        // reaches the screen in pieces): one message for the UI per batch of text, not one
        // per token.
        let mut items = vec![stream.next(timeouts.idle).await];
        while items.len() < MAX_BATCH && matches!(items.last(), Some(Ok(Some(Ok(_))))) {
            match stream.try_next().await {
                Some(item) => items.push(Ok(item)),
                None => break,
            }
        }
        let mut events: Vec<StreamEvent> = Vec::new();
        for item in items {
            events.extend(events_of(
                item,
                &mut decoder,
                parser.as_mut(),
                endpoint,
                timeouts,
                redactor,
            ));
        }
        let mut out: Vec<StreamEvent> = Vec::with_capacity(events.len().min(8) + 2);
        let mut terminal = false;
        for ev in events {
            terminal = matches!(ev, StreamEvent::Done | StreamEvent::Error(_));
            match ev {
                StreamEvent::Text(t) => push_merged(
                    &mut out,
                    StreamEvent::Text(text_keys.push(&text_clean.push(&t))),
                ),
                StreamEvent::Reasoning(r) => push_merged(
                    &mut out,
                    StreamEvent::Reasoning(reasoning_keys.push(&reasoning_clean.push(&r))),
                ),
                // A gateway's cost of the request (a response header) is the request's cost
                // unless the body names one itself.
                StreamEvent::Usage(mut u) => {
                    u.cost_usd = u.cost_usd.or(gateway_cost);
                    out.push(StreamEvent::Usage(u));
                }
                // Never kept if it holds a key the provider echoed: it would be written to
                // history as it is (a signature forbids redacting it).
                StreamEvent::Carry { ref item, .. } if holds_a_key(redactor, item) => {}
                other => {
                    // The end: what was held back in case it began a key is not one.
                    if terminal {
                        push_merged(&mut out, StreamEvent::Reasoning(reasoning_keys.flush()));
                        push_merged(&mut out, StreamEvent::Text(text_keys.flush()));
                    }
                    out.push(other);
                }
            }
            if terminal {
                break;
            }
        }
        // Empty text never gets into `out` (`push_merged` leaves it out).
        for ev in out {
            if !sink.send(ev).await {
                return;
            }
        }
        if terminal || parser.is_done() {
            return;
        }
    }
}

fn holds_a_key(redactor: &Redactor, item: &serde_json::Value) -> bool {
    let json = item.to_string();
    redactor.redact(&json) != json
}

/// Chunks read in one batch at most: a flood still reaches the screen in pieces.
const MAX_BATCH: usize = 256;

/// Text after text (or reasoning after reasoning) joins it: the UI applies one message.
fn push_merged(out: &mut Vec<StreamEvent>, ev: StreamEvent) {
    match (out.last_mut(), ev) {
        (_, StreamEvent::Text(t) | StreamEvent::Reasoning(t)) if t.is_empty() => {}
        (Some(StreamEvent::Text(prev)), StreamEvent::Text(t))
        | (Some(StreamEvent::Reasoning(prev)), StreamEvent::Reasoning(t)) => prev.push_str(&t),
        (_, ev) => out.push(ev),
    }
}

/// The stream events of one read of the body (or of its end, an error, or a silence).
fn events_of(
    item: Result<Option<reqwest::Result<bytes::Bytes>>, tokio::time::error::Elapsed>,
    decoder: &mut SseDecoder,
    parser: &mut dyn super::StreamParser,
    endpoint: &Endpoint,
    timeouts: Timeouts,
    redactor: &Redactor,
) -> Vec<StreamEvent> {
    match item {
        Err(_) => vec![StreamEvent::Error(idle_timeout(endpoint, timeouts))],
        Ok(Some(Err(e))) => vec![StreamEvent::Error(transport_error(
            endpoint, &e, timeouts, redactor,
        ))],
        Ok(Some(Ok(bytes))) => {
            let mut events: Vec<StreamEvent> = decoder
                .feed(&bytes)
                .iter()
                .flat_map(|ev| parser.on_event(ev))
                .collect();
            // One event bigger than any real one: stop here (what came before is kept).
            if decoder.pending() > MAX_EVENT_BYTES {
                events.push(StreamEvent::Error(ProviderError::TooLarge {
                    provider: endpoint.name.clone(),
                    what: "a stream event",
                    limit_mb: MAX_EVENT_BYTES / (1024 * 1024),
                }));
            }
            events
        }
        Ok(None) => {
            let mut out: Vec<StreamEvent> = decoder
                .finish()
                .iter()
                .flat_map(|ev| parser.on_event(ev))
                .collect();
            out.extend(parser.on_end());
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_after_text_joins_and_other_events_keep_their_place() {
        let mut out = Vec::new();
        for ev in [
            StreamEvent::Connected,
            StreamEvent::Text("Hel".into()),
            StreamEvent::Text("lo".into()),
            StreamEvent::Text(String::new()),
            StreamEvent::Reasoning("a".into()),
            StreamEvent::Reasoning("b".into()),
            StreamEvent::Text(" world".into()),
            StreamEvent::Done,
        ] {
            push_merged(&mut out, ev);
        }
        assert_eq!(
            out,
            vec![
                StreamEvent::Connected,
                StreamEvent::Text("Hello".into()),
                StreamEvent::Reasoning("ab".into()),
                StreamEvent::Text(" world".into()),
                StreamEvent::Done,
            ]
        );
    }

    #[test]
    fn a_carried_item_holding_an_echoed_key_is_never_kept() {
        let key = "sk-ant-api03-CANARYcanaryCANARYcanaryCANARY0123456789";
        let redactor = Redactor::new().with_secret(key);
        let clean =
            serde_json::json!({"type": "thinking", "thinking": "27 * 453", "signature": "EqQB"});
        assert!(!holds_a_key(&redactor, &clean));
        let echoed = serde_json::json!({"type": "thinking", "thinking": format!("the key is {key}"), "signature": "EqQB"});
        assert!(holds_a_key(&redactor, &echoed));
    }
}
