//! The SSE framer: any bytes, cut anywhere, frame to the same events as read whole.
#![no_main]

use keyturn::providers::sse::SseDecoder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let mut whole = SseDecoder::new();
    let mut expected = whole.feed(body);
    expected.extend(whole.finish());
    let at = (cut as usize).min(body.len());
    let mut split = SseDecoder::new();
    let mut got = split.feed(&body[..at]);
    got.extend(split.feed(&body[at..]));
    got.extend(split.finish());
    assert_eq!(got, expected);
});
