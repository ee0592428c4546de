//! When to try the server again after a failure: exponential, capped, with jitter so a fleet
//! that lost its server at the same moment does not come back at the same moment.
use std::time::{Duration, Instant};

pub struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
    next: Option<Instant>,
}

/// A factor in [0.5, 1.5) from the system random generator (1.0 if it fails).
fn jitter() -> f64 {
    use ring::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 2];
    match SystemRandom::new().fill(&mut b) {
        Ok(()) => 0.5 + f64::from(u16::from_le_bytes(b)) / 65_536.0,
        Err(_) => 1.0,
    }
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Backoff {
        Backoff {
            base,
            max: max.max(base),
            failures: 0,
            next: None,
        }
    }

    /// Whether an attempt is due now.
    pub fn due(&self, now: Instant) -> bool {
        self.next.is_none_or(|t| now >= t)
    }

    pub fn next_attempt(&self) -> Option<Instant> {
        self.next
    }

    /// A failure; `at_least` is what the server asked for (Retry-After).
    pub fn failed(&mut self, now: Instant, at_least: Option<Duration>) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let exp = self
            .base
            .saturating_mul(1u32 << self.failures.min(16).saturating_sub(1));
        let wait = exp
            .min(self.max)
            .mul_f64(jitter())
            .max(at_least.unwrap_or_default());
        self.next = Some(now + wait);
        wait
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.next = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_up_to_the_cap_and_reset_on_success() {
        let mut b = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
        let now = Instant::now();
        assert!(b.due(now));
        let first = b.failed(now, None);
        assert!(
            first >= Duration::from_secs(1) && first < Duration::from_secs(3),
            "{first:?}"
        );
        assert!(!b.due(now));
        for _ in 0..10 {
            b.failed(now, None);
        }
        let capped = b.failed(now, None);
        assert!(capped < Duration::from_secs(90), "{capped:?}");
        assert!(capped >= Duration::from_secs(30), "{capped:?}");
        assert_eq!(
            b.failed(now, Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
        b.succeeded();
        assert!(b.due(now));
    }
}
