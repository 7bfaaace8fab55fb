//! When to draw. What the user typed is on screen within one 60 Hz frame; a streaming reply is
//! drawn at a reading pace (20 frames a second), and slower when frames are dear: drawing may
//! take at most a fifth of the time between frames, so a slow terminal or a huge screen does
//! not turn the client into a busy loop. A token is never more than one frame from the screen.

use std::time::{Duration, Instant};

/// The shortest gap between frames, for input.
pub const INPUT_FRAME: Duration = Duration::from_millis(16);
/// The gap between frames that only show new tokens: 20 a second still reads as smooth text
/// (a few words a frame at a provider's pace), and each frame costs a render, a diff and a
/// write; 25 a second cost a fifth more CPU for nothing a reader sees.
pub const STREAM_FRAME: Duration = Duration::from_millis(50);
/// The longest gap, however dear frames are.
pub const MAX_FRAME: Duration = Duration::from_millis(100);
/// A frame may cost this share of the gap before the gap widens.
const COST_SHARE: u32 = 5;

#[derive(Debug, Clone)]
pub struct FramePace {
    last_draw: Instant,
    cost: Duration,
    input: bool,
    at_once: bool,
}

impl FramePace {
    pub fn new(now: Instant) -> Self {
        Self {
            last_draw: now.checked_sub(MAX_FRAME).unwrap_or(now),
            cost: Duration::ZERO,
            input: false,
            at_once: false,
        }
    }

    /// Something the user did waits to be seen: the next frame comes at the input pace.
    pub fn input(&mut self) {
        self.input = true;
    }

    /// The next frame is drawn as soon as the loop gets to it (a reply's last token).
    pub fn at_once(&mut self) {
        self.at_once = true;
    }

    /// The gap the next frame keeps from the last.
    pub fn gap(&self) -> Duration {
        if self.at_once {
            return Duration::ZERO;
        }
        if self.input {
            return INPUT_FRAME.max(self.cost);
        }
        (self.cost * COST_SHARE).clamp(STREAM_FRAME, MAX_FRAME)
    }

    /// When the next frame may be drawn.
    pub fn due(&self) -> Instant {
        self.last_draw + self.gap()
    }

    /// A frame was drawn from `started` to `finished`.
    pub fn drawn(&mut self, started: Instant, finished: Instant) {
        self.last_draw = started;
        // Smoothed, so one slow frame (a resize, a first highlight) does not stall the next.
        let cost = finished.saturating_duration_since(started);
        self.cost = (self.cost * 3 + cost) / 4;
        self.input = false;
        self.at_once = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_drawn_at_once_and_tokens_at_a_reading_pace() {
        let t0 = Instant::now();
        let mut pace = FramePace::new(t0);
        assert!(pace.due() <= t0, "the first frame is due at once");
        pace.drawn(t0, t0 + Duration::from_millis(1));
        assert_eq!(pace.gap(), STREAM_FRAME);
        pace.input();
        assert_eq!(pace.gap(), INPUT_FRAME);
        pace.drawn(t0, t0);
        assert_eq!(pace.gap(), STREAM_FRAME, "input is answered once");
        pace.at_once();
        assert_eq!(pace.due(), t0, "a reply's end is drawn at once");
        pace.drawn(t0, t0);
        assert_eq!(pace.gap(), STREAM_FRAME);
    }

    #[test]
    fn dear_frames_widen_the_gap_up_to_a_limit() {
        let t0 = Instant::now();
        let mut pace = FramePace::new(t0);
        for _ in 0..20 {
            pace.drawn(t0, t0 + Duration::from_millis(12));
        }
        let gap = pace.gap();
        assert!(gap > STREAM_FRAME && gap <= MAX_FRAME, "{gap:?}");
        assert!(gap >= Duration::from_millis(55), "{gap:?}");
        for _ in 0..20 {
            pace.drawn(t0, t0 + Duration::from_millis(500));
        }
        assert_eq!(pace.gap(), MAX_FRAME);
        pace.input();
        assert!(pace.gap() >= INPUT_FRAME);
    }
}
