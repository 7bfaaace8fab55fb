//! Money, kept exactly: an amount is an integer number of nano-dollars, a price an integer
//! number of pico-dollars per token. Files keep their decimal dollars (the ledger's
//! `cost_usd`, config caps, `prices.toml`), converted once at the edge; every sum, cap check
//! and figure on screen works on the integers, so a $0.004 cap stays $0.004.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_USD: i64 = 1_000_000_000;

/// An amount of US dollars, in nano-dollars.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(i64);

impl Usd {
    pub const ZERO: Usd = Usd(0);

    pub const fn from_nanos(nanos: i64) -> Self {
        Self(nanos)
    }

    pub const fn nanos(self) -> i64 {
        self.0
    }

    /// From a dollar figure read from a file or a provider, rounded to the nano-dollar.
    /// Not a number, or out of range, is `None`.
    pub fn from_dollars(v: f64) -> Option<Self> {
        let n = (v * NANOS_PER_USD as f64).round();
        (n.is_finite() && n.abs() < i64::MAX as f64).then_some(Self(n as i64))
    }

    /// The amount in dollars, for files that keep decimal dollars.
    pub fn dollars(self) -> f64 {
        self.0 as f64 / NANOS_PER_USD as f64
    }

    /// Parses a typed amount ("0.004", "$20", "12.50") exactly, without a float in between.
    /// Negative amounts and more than nine decimals are refused.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let t = t.strip_prefix('$').unwrap_or(t).trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty())
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 9
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let frac_nanos: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<9}").parse().ok()?
        };
        whole
            .checked_mul(NANOS_PER_USD)?
            .checked_add(frac_nanos)
            .map(Self)
    }

    /// `self` as a fraction of `cap` (infinite for a zero cap).
    /// The exact amount as a plain decimal for files and scripts ("0.00037", "12.50"): every
    /// nano-dollar kept, trailing zeros trimmed to at least cents.
    pub fn exact(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let n = self.0.unsigned_abs();
        let (whole, frac) = (n / NANOS_PER_USD as u64, n % NANOS_PER_USD as u64);
        let digits = format!("{frac:09}");
        let trimmed = digits.trim_end_matches('0');
        let shown = if trimmed.len() < 2 {
            &digits[..2]
        } else {
            trimmed
        };
        format!("{sign}{whole}.{shown}")
    }

    pub fn ratio(self, cap: Usd) -> f64 {
        if cap.0 <= 0 {
            f64::INFINITY
        } else {
            self.0 as f64 / cap.0 as f64
        }
    }

    /// This fraction of the amount, rounded to the nano-dollar (for `warn_at`).
    pub fn scaled(self, fraction: f64) -> Self {
        Self((self.0 as f64 * fraction).round() as i64)
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, rhs: Usd) -> Usd {
        Usd(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, rhs: Usd) {
        *self = *self + rhs;
    }
}

impl Sub for Usd {
    type Output = Usd;
    fn sub(self, rhs: Usd) -> Usd {
        Usd(self.0.saturating_sub(rhs.0))
    }
}

impl Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, Add::add)
    }
}

/// Dollars with the digits that matter, without the "$": cents from a dollar up and for whole
/// cents; below, four decimals or down to the second significant digit, trailing zeros
/// trimmed (a $0.004 cap reads "0.004", a request of $0.00037 "0.00037"), never a
/// rounded-away "0.00".
impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let n = self.0.unsigned_abs();
        let whole = n / NANOS_PER_USD as u64;
        let frac = n % NANOS_PER_USD as u64;
        let cents_only = frac.is_multiple_of(10_000_000);
        if whole > 0 || cents_only {
            // Round to the cent from a dollar up.
            let cents = (n + 5_000_000) / 10_000_000;
            return write!(f, "{sign}{}.{:02}", cents / 100, cents % 100);
        }
        // Below a dollar: four decimals, or down to the second significant digit, rounded.
        let first = format!("{frac:09}")
            .bytes()
            .position(|b| b != b'0')
            .unwrap_or(8);
        let keep = (first + 2).clamp(4, 9) as u32;
        let scale = 10u64.pow(9 - keep);
        let rounded = (frac + scale / 2) / scale;
        if rounded == 10u64.pow(keep) {
            return write!(f, "{sign}1.00");
        }
        let digits = format!("{rounded:0width$}", width = keep as usize);
        let trimmed = digits.trim_end_matches('0');
        let shown = if trimmed.len() < 2 {
            &digits[..2]
        } else {
            trimmed
        };
        write!(f, "{sign}0.{shown}")
    }
}

impl fmt::Debug for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${self}")
    }
}

/// In files an amount is a decimal number of dollars, as it always was.
impl Serialize for Usd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.dollars())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Usd::from_dollars(v)
            .filter(|u| u.0 >= 0)
            .ok_or_else(|| serde::de::Error::custom("not an amount of dollars (0 or more)"))
    }
}

/// A price per token, in pico-dollars (a millionth of a micro-dollar: cheap models cost
/// fractions of a micro-dollar a token).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PerToken(i64);

impl PerToken {
    pub const fn from_picos(picos: i64) -> Self {
        Self(picos)
    }

    pub fn from_dollars(v: f64) -> Option<Self> {
        let n = (v * 1e12).round();
        (n.is_finite() && n >= 0.0 && n < i64::MAX as f64).then_some(Self(n as i64))
    }

    /// Dollars per million tokens, the unit price lists use.
    pub fn per_million(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// What `tokens` cost at this price, rounded to the nano-dollar.
    pub fn times(self, tokens: u64) -> Usd {
        let picos = i128::from(self.0) * i128::from(tokens);
        Usd(((picos + 500) / 1000).min(i128::from(i64::MAX)) as i64)
    }
}

impl fmt::Debug for PerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}/M tokens", self.per_million())
    }
}

impl<'de> Deserialize<'de> for PerToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        PerToken::from_dollars(v)
            .ok_or_else(|| serde::de::Error::custom("not a price in dollars per token (0 or more)"))
    }
}

impl Serialize for PerToken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 as f64 / 1e12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_keeps_every_digit_and_trims_zeros() {
        let cases = [
            ("0", "0.00"),
            ("0.00037", "0.00037"),
            ("12.5", "12.50"),
            ("0.000000001", "0.000000001"),
            ("3", "3.00"),
        ];
        for (text, want) in cases {
            assert_eq!(Usd::parse(text).unwrap().exact(), want, "{text}");
        }
    }

    #[test]
    fn typed_amounts_are_kept_exactly() {
        assert_eq!(Usd::parse("0.004"), Some(Usd::from_nanos(4_000_000)));
        assert_eq!(Usd::parse("$20"), Some(Usd::from_nanos(20 * NANOS_PER_USD)));
        assert_eq!(Usd::parse(".5"), Some(Usd::from_nanos(500_000_000)));
        assert_eq!(Usd::parse("0.1234567891"), None);
        for bad in ["", ".", "-1", "1e3", "1.2.3", "abc", "$"] {
            assert_eq!(Usd::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_show_the_digits_that_matter() {
        let show = |s: &str| Usd::parse(s).unwrap().to_string();
        assert_eq!(show("0.004"), "0.004");
        assert_eq!(show("0.0013"), "0.0013");
        assert_eq!(show("0.00037"), "0.00037");
        assert_eq!(show("0.000012345"), "0.000012");
        assert_eq!(show("0.5"), "0.50");
        assert_eq!(show("0.125"), "0.125");
        assert_eq!(show("0.123456"), "0.1235");
        assert_eq!(show("0.99999"), "1.00");
        assert_eq!(show("0.012"), "0.012");
        assert_eq!(show("0"), "0.00");
        assert_eq!(show("12.345"), "12.35");
        assert_eq!(show("5"), "5.00");
    }

    #[test]
    fn a_price_times_tokens_is_exact_for_cheap_models() {
        // $0.05 per million tokens: 1,000 tokens cost $0.00005.
        let p = PerToken::from_dollars(0.05e-6).unwrap();
        assert_eq!(p.times(1000), Usd::from_nanos(50_000));
        assert_eq!(p.times(0), Usd::ZERO);
        let gpt5 = PerToken::from_dollars(1.25e-6).unwrap();
        assert_eq!(gpt5.times(1_000_000), Usd::parse("1.25").unwrap());
    }

    #[test]
    fn files_keep_decimal_dollars() {
        let v: Usd = serde_json::from_str("0.004").unwrap();
        assert_eq!(v, Usd::parse("0.004").unwrap());
        assert_eq!(serde_json::to_string(&v).unwrap(), "0.004");
        assert!(serde_json::from_str::<Usd>("-1.0").is_err());
    }
}
