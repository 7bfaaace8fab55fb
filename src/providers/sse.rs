//! Incremental Server-Sent Events framer (WHATWG rules): bytes in, events out. Exact for LF,
//! CR and CRLF line ends, comment lines, multi-line `data:`, an event split at any byte and a
//! UTF-8 character split across reads (lines are decoded only once complete).

/// One dispatched event. `event` is empty when the stream named none ("message").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseDecoder {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a leading LF in the next chunk belongs to it.
    after_cr: bool,
    data: String,
    has_data: bool,
    event: String,
    first_line: bool,
    started: bool,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self {
            first_line: true,
            ..Self::default()
        }
    }

    /// Feeds bytes; returns every event completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut rest = bytes;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some((b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
        }
        while let Some(pos) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..pos]);
            let was_cr = rest[pos] == b'\r';
            rest = &rest[pos + 1..];
            if was_cr {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            let line = std::mem::take(&mut self.line);
            if let Some(ev) = self.process_line(&line) {
                events.push(ev);
            }
        }
        self.line.extend_from_slice(rest);
        events
    }

    /// Bytes held for the event being framed (its unfinished line and its data so far).
    pub fn pending(&self) -> usize {
        self.line.len() + self.data.len()
    }

    /// The stream ended. A final event that lacked its blank line is dispatched anyway:
    /// some servers close right after the last `data:` line and the text is still real.
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            if let Some(ev) = self.process_line(&line) {
                events.push(ev);
            }
        }
        if let Some(ev) = self.dispatch() {
            events.push(ev);
        }
        events
    }

    fn process_line(&mut self, raw: &[u8]) -> Option<SseEvent> {
        let mut line = String::from_utf8_lossy(raw);
        if self.first_line {
            self.first_line = false;
            if let Some(stripped) = line.strip_prefix('\u{feff}') {
                line = stripped.to_string().into();
            }
        }
        if line.is_empty() {
            return self.dispatch();
        }
        self.started = true;
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = value.to_string(),
            _ => {} // id, retry and unknown fields carry nothing we use
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
        })
    }

    /// True once any non-blank line arrived (lets callers tell "empty body" from "no events").
    pub fn saw_anything(&self) -> bool {
        self.started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new();
        let mut ev = d.feed(input);
        ev.extend(d.finish());
        ev
    }

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn line_endings_are_equivalent() {
        let expected = vec![ev("", "a"), ev("x", "b\nc")];
        assert_eq!(all(b"data: a\n\nevent: x\ndata: b\ndata: c\n\n"), expected);
        assert_eq!(
            all(b"data: a\r\n\r\nevent: x\r\ndata: b\r\ndata: c\r\n\r\n"),
            expected
        );
        assert_eq!(all(b"data: a\r\revent: x\rdata: b\rdata: c\r\r"), expected);
    }

    #[test]
    fn comments_and_empty_events_are_ignored() {
        assert_eq!(
            all(b": ping\n\n:keep-alive\n\nevent: e\n\ndata:z\n\n"),
            vec![ev("", "z")]
        );
    }

    #[test]
    fn split_at_every_byte_gives_same_events() {
        let input = "data: h\u{e9}llo \u{4e16}\u{754c}\r\n\r\n: c\r\ndata: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n".as_bytes();
        let whole = all(input);
        assert_eq!(whole.len(), 3);
        for i in 0..=input.len() {
            let mut d = SseDecoder::new();
            let mut got = d.feed(&input[..i]);
            got.extend(d.feed(&input[i..]));
            got.extend(d.finish());
            assert_eq!(got, whole, "split at {i}");
        }
        let mut d = SseDecoder::new();
        let mut got = Vec::new();
        for b in input {
            got.extend(d.feed(std::slice::from_ref(b)));
        }
        got.extend(d.finish());
        assert_eq!(got, whole);
    }

    #[test]
    fn unterminated_final_event_is_kept() {
        assert_eq!(all(b"data: last"), vec![ev("", "last")]);
    }
}
