//! Conversation files: any text replays without a panic or a huge allocation, and a damaged
//! line costs only itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (conv, report) = keyturn::history::replay(&text);
    assert!(conv.messages.len() <= text.lines().count());
    assert!(report.skipped_lines.len() <= text.lines().count());
});
