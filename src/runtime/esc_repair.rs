//! Esc then a function key in one read (SSH sends keystrokes in batches) reaches crossterm
//! as ESC ESC [ 1 5 ~: it reports Esc, Esc, and then types `[15~` as characters. This
//! puts the key back together: characters that follow an Esc within a few milliseconds
//! (no person types that fast) and spell a CSI or SS3 key become that key.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Characters closer to the Esc than this came in the same read.
pub const BURST: Duration = Duration::from_millis(8);

#[derive(Debug, Default)]
pub struct EscRepair {
    /// When the last Esc (or held character) came.
    last: Option<Instant>,
    /// Characters held after an Esc while they may still be a sequence.
    held: Vec<KeyEvent>,
}

fn plain_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if (key.modifiers - KeyModifiers::SHIFT).is_empty() => Some(c),
        _ => None,
    }
}

/// What the held characters are: a whole key, the start of one, or nothing of the kind.
enum Parse {
    Key(KeyEvent),
    More,
    No,
}

fn modifiers(param: Option<&str>) -> KeyModifiers {
    let bits = param
        .and_then(|p| p.parse::<u8>().ok())
        .map_or(0, |n| n.saturating_sub(1));
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

fn letter_key(c: char) -> Option<KeyCode> {
    Some(match c {
        'A' => KeyCode::Up,
        'B' => KeyCode::Down,
        'C' => KeyCode::Right,
        'D' => KeyCode::Left,
        'H' => KeyCode::Home,
        'F' => KeyCode::End,
        'P'..='S' => KeyCode::F(1 + c as u8 - b'P'),
        _ => return None,
    })
}

fn tilde_key(n: u8) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F(n - 10),
        17..=21 => KeyCode::F(n - 11),
        23 | 24 => KeyCode::F(n - 12),
        _ => return None,
    })
}

fn parse(chars: &str) -> Parse {
    let mut it = chars.chars();
    match it.next() {
        Some('O') => match it.next() {
            None => Parse::More,
            Some(c) => match (letter_key(c), it.next()) {
                (Some(code), None) => Parse::Key(KeyEvent::new(code, KeyModifiers::NONE)),
                _ => Parse::No,
            },
        },
        Some('[') => {
            let body = &chars[1..];
            let Some(last) = body.chars().last() else {
                return Parse::More;
            };
            let params = &body[..body.len() - last.len_utf8()];
            if !params.chars().all(|c| c.is_ascii_digit() || c == ';') || params.len() > 8 {
                return Parse::No;
            }
            if last.is_ascii_digit() || last == ';' {
                return Parse::More;
            }
            let mut parts = params.split(';');
            let first = parts.next().filter(|p| !p.is_empty());
            let mods = modifiers(parts.next());
            let code = match last {
                '~' => first.and_then(|n| n.parse().ok()).and_then(tilde_key),
                c => letter_key(c),
            };
            code.map_or(Parse::No, |code| Parse::Key(KeyEvent::new(code, mods)))
        }
        _ => Parse::No,
    }
}

impl EscRepair {
    /// A key from the terminal; returns the keys to act on now, in order.
    pub fn feed(&mut self, key: KeyEvent, now: Instant) -> Vec<KeyEvent> {
        let in_burst = self.last.is_some_and(|t| now.duration_since(t) <= BURST);
        if key.code == KeyCode::Esc && key.modifiers.is_empty() {
            let mut out = self.flush();
            out.push(key);
            self.last = Some(now);
            return out;
        }
        if !in_burst || plain_char(&key).is_none() {
            let mut out = self.flush();
            out.push(key);
            return out;
        }
        self.held.push(key);
        let text: String = self.held.iter().filter_map(plain_char).collect();
        match parse(&text) {
            Parse::Key(k) => {
                self.held.clear();
                self.last = None;
                vec![k]
            }
            Parse::More => {
                self.last = Some(now);
                Vec::new()
            }
            Parse::No => self.flush(),
        }
    }

    /// Gives back held characters as typed (the burst ended without a whole key).
    pub fn flush(&mut self) -> Vec<KeyEvent> {
        self.last = None;
        std::mem::take(&mut self.held)
    }

    /// When the held characters must be given back if nothing more comes.
    pub fn deadline(&self) -> Option<Instant> {
        (!self.held.is_empty())
            .then_some(self.last)
            .flatten()
            .map(|t| t + BURST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn esc() -> KeyEvent {
        KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)
    }

    /// Feeds keys 100 µs apart (one read), returning everything released.
    fn burst(r: &mut EscRepair, keys: &[KeyEvent], start: Instant) -> Vec<KeyEvent> {
        let mut out = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            out.extend(r.feed(*k, start + Duration::from_micros(100 * i as u64)));
        }
        out
    }

    fn chars(s: &str) -> Vec<KeyEvent> {
        s.chars().map(ch).collect()
    }

    #[test]
    fn esc_then_a_function_key_in_one_read_is_esc_then_that_key() {
        let t = Instant::now();
        let mut r = EscRepair::default();
        let mut keys = vec![esc(), esc()];
        keys.extend(chars("[15~"));
        assert_eq!(
            burst(&mut r, &keys, t),
            [
                esc(),
                esc(),
                KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)
            ]
        );
        let mut keys = vec![esc(), esc()];
        keys.extend(chars("OS"));
        assert_eq!(
            burst(&mut r, &keys, t + Duration::from_secs(1)),
            [
                esc(),
                esc(),
                KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE)
            ]
        );
        let mut keys = vec![esc()];
        keys.extend(chars("[1;5A"));
        assert_eq!(
            burst(&mut r, &keys, t + Duration::from_secs(2)),
            [esc(), KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL)]
        );
    }

    #[test]
    fn typing_after_esc_at_human_speed_is_text() {
        let t = Instant::now();
        let mut r = EscRepair::default();
        assert_eq!(r.feed(esc(), t), [esc()]);
        // 200 ms later: a person typed "[".
        assert_eq!(r.feed(ch('['), t + Duration::from_millis(200)), [ch('[')]);
        // In a burst but not a key: given back as typed, in order.
        let mut keys = vec![esc()];
        keys.extend(chars("[x"));
        assert_eq!(
            burst(&mut r, &keys, t + Duration::from_secs(1)),
            [esc(), ch('['), ch('x')]
        );
        // A burst that stops half-way: the deadline gives the characters back.
        let later = t + Duration::from_secs(2);
        let mut keys = vec![esc()];
        keys.extend(chars("[1"));
        assert_eq!(burst(&mut r, &keys, later), [esc()]);
        assert!(r.deadline().is_some());
        assert_eq!(r.flush(), [ch('['), ch('1')]);
        assert!(r.deadline().is_none());
    }
}
