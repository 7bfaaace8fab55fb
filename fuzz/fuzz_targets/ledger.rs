//! The usage ledger: any text parses to records and skipped lines without a panic, and its
//! report sums without overflow.
#![no_main]

use keyturn::usage::{GroupBy, parse_ledger, report, total};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (records, _skipped) = parse_ledger(&text);
    let tz = jiff::tz::TimeZone::UTC;
    for by in [GroupBy::Provider, GroupBy::Key, GroupBy::Model, GroupBy::Day] {
        let rows = report(&records, by, &tz);
        let _ = total(&rows);
        for r in &rows {
            let _ = r.to_json();
        }
    }
});
