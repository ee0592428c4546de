//! Paced sending for the UDP name sources: at most `per_ms` datagrams a millisecond, on a
//! schedule kept from the first send. Sleeping 1 ms after every few datagrams instead lets
//! the timer's rounding (such a sleep often lasts 2 ms) add up to most of the send time of a
//! /24.
use std::time::Duration;
use tokio::time::Instant;

pub struct Pace {
    start: Instant,
    per_ms: usize,
    sent: usize,
}

impl Pace {
    pub fn new(per_ms: usize) -> Pace {
        Pace {
            start: Instant::now(),
            per_ms: per_ms.max(1),
            sent: 0,
        }
    }

    /// Call after each datagram: waits only while sending is ahead of the schedule.
    pub async fn sent_one(&mut self) {
        self.sent += 1;
        if !self.sent.is_multiple_of(self.per_ms) {
            return;
        }
        let due = self.start + Duration::from_millis((self.sent / self.per_ms) as u64);
        if due > Instant::now() {
            tokio::time::sleep_until(due).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_schedule_holds_the_rate_without_adding_up_rounding() {
        let begun = Instant::now();
        let mut pace = Pace::new(8);
        for _ in 0..800 {
            pace.sent_one().await;
        }
        // 800 datagrams at 8 a millisecond: 100 ms on the schedule, not 100 sleeps' worth.
        assert_eq!(begun.elapsed(), Duration::from_millis(100));
    }
}
