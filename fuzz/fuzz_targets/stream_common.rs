//! What every stream-parser target does: bytes through the SSE framer and the parser, to
//! the end, without a panic.

use keyturn::providers::StreamParser;
use keyturn::providers::sse::SseDecoder;

pub fn run(parser: &mut dyn StreamParser, data: &[u8]) {
    let mut decoder = SseDecoder::new();
    let mut events = decoder.feed(data);
    events.extend(decoder.finish());
    for ev in &events {
        let _ = parser.on_event(ev);
        if parser.is_done() {
            break;
        }
    }
    let _ = parser.on_end();
}
