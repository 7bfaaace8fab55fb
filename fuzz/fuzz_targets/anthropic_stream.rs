//! The anthropic stream parser: any bytes through the SSE framer and the parser, no panic.
#![no_main]

#[path = "stream_common.rs"]
mod stream_common;

use keyturn::text::redact::Redactor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parser = keyturn::providers::anthropic::AnthropicParser::new("fuzz", Redactor::new());
    stream_common::run(&mut parser, data);
});
