//! Seed 000 "Rate Limits": a rolling one-minute window per key (a log of request instants)
//! and a cap on requests in flight (the plan's burst).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const WINDOW_MS: u64 = 60_000;

#[derive(Debug, Default)]
pub struct Limiter {
    starts: VecDeque<u64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Admission {
    pub allowed: bool,
    pub limit: usize,
    pub remaining: usize,
    /// Unix seconds at which the oldest request in the window leaves it.
    pub reset: u64,
}

impl Limiter {
    /// Takes a slot if the window has one.
    pub fn admit(&mut self, rpm: usize, now: u64) -> Admission {
        let before = self.peek(rpm, now);
        if !before.allowed {
            return before;
        }
        self.starts.push_back(now);
        Admission { remaining: before.remaining.saturating_sub(1), reset: self.reset(now), ..before }
    }

    /// The window's figures, without taking a slot.
    pub fn peek(&mut self, rpm: usize, now: u64) -> Admission {
        while self.starts.front().is_some_and(|&t| now.saturating_sub(t) >= WINDOW_MS) {
            self.starts.pop_front();
        }
        Admission {
            allowed: self.starts.len() < rpm,
            limit: rpm,
            remaining: rpm.saturating_sub(self.starts.len()),
            reset: self.reset(now),
        }
    }

    fn reset(&self, now: u64) -> u64 {
        (self.starts.front().copied().unwrap_or(now) + WINDOW_MS).div_ceil(1000)
    }
}

/// Requests in flight for one key.
#[derive(Debug, Default)]
pub struct InFlight(AtomicUsize);

impl InFlight {
    /// A place among at most `burst` requests in flight, held until the guard drops; a
    /// refused request never counts, so refusals cannot crowd out admitted ones.
    pub fn enter(&self, burst: usize) -> Option<InFlightGuard<'_>> {
        self.0.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < burst).then_some(n + 1)).ok()?;
        Some(InFlightGuard(&self.0))
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }
}

pub struct InFlightGuard<'a>(&'a AtomicUsize);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_rolls() {
        let mut l = Limiter::default();
        let t0 = 1_000_000_000;
        for i in 0..60 {
            let a = l.admit(60, t0 + i * 500);
            assert!(a.allowed);
            assert_eq!(a.remaining, 59 - i as usize);
            assert_eq!(a.reset, (t0 + WINDOW_MS) / 1000, "the oldest request leaves at t0 + 60 s");
        }
        let refused = l.admit(60, t0 + 59_999);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        // One minute after the first request, its slot (only) is free again.
        let again = l.admit(60, t0 + WINDOW_MS);
        assert!(again.allowed);
        assert_eq!(again.remaining, 0);
        assert!(!l.admit(60, t0 + WINDOW_MS + 1).allowed);
        assert_eq!(l.peek(60, t0 + 10 * WINDOW_MS).remaining, 60);
    }

    #[test]
    fn refused_requests_do_not_count_in_flight() {
        let f = InFlight::default();
        let held: Vec<_> = (0..3).filter_map(|_| f.enter(3)).collect();
        assert_eq!((held.len(), f.count()), (3, 3));
        assert!(f.enter(3).is_none());
        assert_eq!(f.count(), 3);
        drop(held);
        assert_eq!(f.count(), 0);
    }
}
