//! Login throttling per account and per client address: after too many failures in a window
//! the key is refused (429 with Retry-After) until the window has passed. An attempt is
//! counted *before* its password is verified (`begin`), so a burst of simultaneous logins
//! gets at most the limit of verifies, not one per request in flight. The counters live
//! in this process; behind several instances each one throttles on its own, which still
//! bounds guessing to instances × limit per window.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account within the window.
pub const ACCOUNT_LIMIT: u32 = 5;
/// Failures allowed per client address within the window (covers spraying many accounts).
pub const ADDRESS_LIMIT: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most; the oldest windows go first (memory stays bounded under attack).
const MAX_KEYS: usize = 50_000;

struct Failures {
    first: Instant,
    count: u32,
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

impl LoginThrottle {
    /// Seconds to wait when either key is over its limit, else None.
    #[cfg(test)]
    pub fn blocked(&self, username: &str, addr: &str, now: Instant) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::wait(&map, username, addr, now)
    }

    fn wait(
        map: &HashMap<String, Failures>,
        username: &str,
        addr: &str,
        now: Instant,
    ) -> Option<u64> {
        [
            (account_key(username), ACCOUNT_LIMIT),
            (address_key(addr), ADDRESS_LIMIT),
        ]
        .iter()
        .filter_map(|(key, limit)| {
            let f = map.get(key)?;
            let elapsed = now.duration_since(f.first);
            (f.count >= *limit && elapsed < WINDOW).then(|| (WINDOW - elapsed).as_secs().max(1))
        })
        .max()
    }

    /// Starts an attempt: refused (seconds to wait) when either key is at its limit, else
    /// counted at once, under the same lock, as if it had failed. `succeeded` or `cancel`
    /// takes the count back.
    pub fn begin(&self, username: &str, addr: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(wait) = Self::wait(&map, username, addr, now) {
            return Err(wait);
        }
        Self::make_room(&mut map, now);
        for key in [account_key(username), address_key(addr)] {
            let f = map.entry(key).or_insert(Failures {
                first: now,
                count: 0,
            });
            if now.duration_since(f.first) >= WINDOW {
                *f = Failures {
                    first: now,
                    count: 0,
                };
            }
            f.count += 1;
        }
        Ok(())
    }

    /// Counts a failure without an attempt in flight.
    #[cfg(test)]
    pub fn record_failure(&self, username: &str, addr: &str, now: Instant) {
        // A refused `begin` counts nothing, which is what a failure at the limit should do.
        let _ = self.begin(username, addr, now);
    }

    fn make_room(map: &mut HashMap<String, Failures>, now: Instant) {
        if map.len() < MAX_KEYS {
            return;
        }
        map.retain(|_, f| now.duration_since(f.first) < WINDOW);
        if map.len() >= MAX_KEYS {
            let oldest = map
                .iter()
                .min_by_key(|(_, f)| f.first)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
    }

    /// An attempt that was never verified (the server was too busy): its count is returned.
    pub fn cancel(&self, username: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in [account_key(username), address_key(addr)] {
            if let Some(f) = map.get_mut(&key) {
                f.count = f.count.saturating_sub(1);
            }
        }
    }

    /// A successful login clears the account's count and returns its attempt to the address
    /// (an office behind one NAT address is not locked out by its own good logins).
    pub fn succeeded(&self, username: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(username));
        if let Some(f) = map.get_mut(&address_key(addr)) {
            f.count = f.count.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_blocks_after_limit_and_reopens_after_window() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..ACCOUNT_LIMIT {
            assert_eq!(t.blocked("Admin", "1.2.3.4", t0), None);
            t.record_failure("admin", "1.2.3.4", t0);
        }
        let wait = t.blocked("ADMIN", "5.6.7.8", t0).expect("blocked");
        assert!(wait > 800 && wait <= 900, "{wait}");
        assert_eq!(t.blocked("admin", "1.2.3.4", t0 + WINDOW), None);
        assert_eq!(t.blocked("other", "9.9.9.9", t0), None);
    }

    #[test]
    fn address_blocks_spraying_across_accounts() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..ADDRESS_LIMIT {
            t.record_failure(&format!("user{i}"), "10.0.0.9", t0);
        }
        assert!(t.blocked("fresh-user", "10.0.0.9", t0).is_some());
        assert!(t.blocked("fresh-user", "10.0.0.10", t0).is_none());
    }

    #[test]
    fn success_clears_the_account() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..ACCOUNT_LIMIT {
            t.record_failure("bob", "1.1.1.1", t0);
        }
        t.succeeded("bob", "1.1.1.1");
        assert_eq!(t.blocked("bob", "2.2.2.2", t0), None);
    }

    #[test]
    fn attempts_in_flight_count_before_they_are_verified() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        let admitted = (0..50)
            .filter(|_| t.begin("carol", "10.1.1.1", t0).is_ok())
            .count();
        assert_eq!(admitted, ACCOUNT_LIMIT as usize);
        // A cancelled attempt (never verified) gives its place back.
        t.cancel("carol", "10.1.1.1");
        assert!(t.begin("carol", "10.1.1.1", t0).is_ok());
        assert!(t.begin("carol", "10.1.1.1", t0).is_err());
    }

    #[test]
    fn good_logins_do_not_lock_out_a_shared_address() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..(ADDRESS_LIMIT * 3) {
            let user = format!("user{i}");
            assert!(t.begin(&user, "192.0.2.1", t0).is_ok(), "attempt {i}");
            t.succeeded(&user, "192.0.2.1");
        }
    }
}
