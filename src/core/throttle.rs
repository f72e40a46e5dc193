//! The optional client-side throttle: a rolling one-minute window (as the server counts,
//! seed 000 "Rate Limits") and a cap on requests in flight, so a busy edge function stays
//! under its plan instead of collecting 429s.

use std::collections::VecDeque;

const WINDOW_MS: f64 = 60_000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wait {
    /// Every in-flight slot is taken: wait for a release.
    ForRelease,
    /// The window is full: try again after this many milliseconds.
    Ms(f64),
}

#[derive(Debug, Default)]
pub struct Throttle {
    per_minute: Option<usize>,
    max_concurrent: Option<usize>,
    starts: VecDeque<f64>,
    in_flight: usize,
}

impl Throttle {
    pub fn new(per_minute: Option<usize>, max_concurrent: Option<usize>) -> Self {
        Self { per_minute, max_concurrent, ..Self::default() }
    }

    pub fn try_acquire(&mut self, now_ms: f64) -> Result<(), Wait> {
        if self.max_concurrent.is_some_and(|max| self.in_flight >= max) {
            return Err(Wait::ForRelease);
        }
        while self.starts.front().is_some_and(|&t| now_ms - t >= WINDOW_MS) {
            self.starts.pop_front();
        }
        if let Some(limit) = self.per_minute {
            if self.starts.len() >= limit {
                let oldest = self.starts.front().copied().unwrap_or(now_ms);
                return Err(Wait::Ms((oldest + WINDOW_MS - now_ms).max(1.0)));
            }
            self.starts.push_back(now_ms);
        }
        self.in_flight += 1;
        Ok(())
    }

    pub fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A throttle of its own with the same limits (for a client on another origin).
    pub fn same_limits(&self) -> Self {
        Self::new(self.per_minute, self.max_concurrent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_requests_in_flight() {
        let mut t = Throttle::new(None, Some(2));
        assert_eq!(t.try_acquire(0.0), Ok(()));
        assert_eq!(t.try_acquire(0.0), Ok(()));
        assert_eq!(t.try_acquire(0.0), Err(Wait::ForRelease));
        t.release();
        assert_eq!(t.try_acquire(0.0), Ok(()));
    }

    #[test]
    fn rolling_window_waits_for_the_oldest_start_to_age_out() {
        let mut t = Throttle::new(Some(3), None);
        for now in [0.0, 10_000.0, 20_000.0] {
            assert_eq!(t.try_acquire(now), Ok(()));
            t.release();
        }
        assert_eq!(t.try_acquire(30_000.0), Err(Wait::Ms(30_000.0)));
        assert_eq!(t.try_acquire(60_000.0), Ok(()));
        assert_eq!(t.try_acquire(65_000.0), Err(Wait::Ms(5_000.0)));
    }

    #[test]
    fn unlimited_by_default() {
        let mut t = Throttle::default();
        for _ in 0..10_000 {
            assert_eq!(t.try_acquire(0.0), Ok(()));
        }
        t.release();
        t.release();
    }
}
