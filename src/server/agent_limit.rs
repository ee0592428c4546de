//! Per-agent rate limits (token buckets): a runaway or compromised agent cannot flood the
//! server with reports or heartbeats. Counters live in this process; behind several
//! instances each applies the limit on its own.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use uuid::Uuid;

/// One bucket's shape: `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    pub burst: u32,
    pub per_minute: u32,
}

/// What an agent may do how often.
#[derive(Clone, Copy, Debug)]
pub struct AgentLimits {
    pub ingest: Rate,
    pub heartbeat: Rate,
    /// Self-rotation of the agent's token: rare by nature, each one a database write.
    pub rotate: Rate,
    /// Configuration fetches: one per change the heartbeat announces.
    pub config: Rate,
    /// Command reports: an ack, progress and an end per command.
    pub command: Rate,
}

impl Default for AgentLimits {
    fn default() -> Self {
        AgentLimits {
            // A queue drained after an outage sends its reports back to back.
            ingest: Rate {
                burst: 30,
                per_minute: 60,
            },
            heartbeat: Rate {
                burst: 6,
                per_minute: 12,
            },
            rotate: Rate {
                burst: 3,
                per_minute: 1,
            },
            config: Rate {
                burst: 6,
                per_minute: 12,
            },
            command: Rate {
                burst: 20,
                per_minute: 60,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Ingest,
    Heartbeat,
    Rotate,
    Config,
    Command,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets remembered at most (agents × actions); idle ones are full anyway, so they go.
const MAX_BUCKETS: usize = 100_000;

#[derive(Default)]
pub struct AgentLimiter {
    buckets: Mutex<HashMap<(Uuid, Action), Bucket>>,
}

impl AgentLimiter {
    /// Takes one token; `Err(seconds to wait)` when the bucket is empty.
    pub fn take(&self, agent: Uuid, action: Action, rate: Rate, now: Instant) -> Result<(), u64> {
        let per_second = f64::from(rate.per_minute.max(1)) / 60.0;
        let burst = f64::from(rate.burst.max(1));
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_BUCKETS {
            map.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < burst
            });
        }
        let b = map.entry((agent, action)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * per_second).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_waits_for_the_refill() {
        let l = AgentLimiter::default();
        let rate = Rate {
            burst: 3,
            per_minute: 60,
        };
        let (a, t0) = (Uuid::now_v7(), Instant::now());
        for _ in 0..3 {
            assert!(l.take(a, Action::Ingest, rate, t0).is_ok());
        }
        assert_eq!(l.take(a, Action::Ingest, rate, t0), Err(1));
        // Another agent and another action have their own buckets.
        assert!(l.take(Uuid::now_v7(), Action::Ingest, rate, t0).is_ok());
        assert!(l.take(a, Action::Heartbeat, rate, t0).is_ok());
        assert!(
            l.take(a, Action::Ingest, rate, t0 + Duration::from_millis(1100))
                .is_ok()
        );
    }
}
