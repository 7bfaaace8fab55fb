//! The gemini stream parser: any stream bytes through the SSE framer and the parser never
//! panic, and whatever text comes out is safe for a terminal once sanitized.
#![no_main]

use keyturn::providers::StreamParser;
use keyturn::providers::sse::SseDecoder;
use keyturn::text::redact::Redactor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut decoder = SseDecoder::new();
    let mut parser = keyturn::providers::gemini::GeminiParser::new("fuzz", Redactor::new());
    let mut events = decoder.feed(data);
    events.extend(decoder.finish());
    for ev in &events {
        let _ = parser.on_event(ev);
        if parser.is_done() {
            break;
        }
    }
    let _ = parser.on_end();
});
