//! The crate's one clock and calendar, on jiff. Only the edges read the clock (`now`); the
//! core gets time on its messages.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    Timestamp::now().as_second().max(0) as u64
}

/// Now, in the local time zone (budget periods and month files follow the local calendar).
pub fn now_local() -> jiff::Zoned {
    Timestamp::now().to_zoned(TimeZone::system())
}

fn timestamp(secs: u64) -> Timestamp {
    Timestamp::from_second(i64::try_from(secs).unwrap_or(i64::MAX)).unwrap_or(Timestamp::MAX)
}

/// "2026-11-23": the UTC date of a moment (key dates, which travel between machines).
pub fn format_date(secs: u64) -> String {
    timestamp(secs).strftime("%Y-%m-%d").to_string()
}

/// "2026-11-23 14:05": a moment in the local time zone (saved conversations).
pub fn format_local(secs: u64) -> String {
    timestamp(secs)
        .to_zoned(TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", as in `Retry-After`) as Unix seconds.
pub fn parse_http_date(text: &str) -> Option<u64> {
    jiff::fmt::rfc2822::parse(text.trim())
        .ok()
        .and_then(|z| u64::try_from(z.timestamp().as_second()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_and_parse() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(1_795_000_000), "2026-11-18");
        assert_eq!(format_date(951_782_400), "2000-02-29");
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("not a date"), None);
    }
}
