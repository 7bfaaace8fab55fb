//! Pure text helpers shared by every layer: terminal-safety, secret redaction, wrapping,
//! estimating tokens. Nothing here does I/O.

pub mod redact;
pub mod sanitize;
pub mod tokens;
pub mod wrap;

/// "1 key", "2 keys", "0 keys": a count with its noun (regular plurals only).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1, "key"), "1 key");
        assert_eq!(super::count(0, "key"), "0 keys");
        assert_eq!(super::count(3, "message"), "3 messages");
    }
}
