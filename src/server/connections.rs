//! Open connections, counted so that reaching the limit is said once in the log instead of
//! showing only as clients that wait. actix stops accepting at the limit per worker; a
//! connection's slot is given back when its dispatcher (and so this guard) is dropped.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds between two "limit reached" lines.
const WARN_EVERY_SECS: u64 = 30;

#[derive(Default)]
pub struct Connections {
    open: AtomicUsize,
    last_warning: AtomicU64,
}

/// Held by a connection for as long as it is open.
pub struct Slot(Arc<Connections>);

impl Connections {
    /// Counts a new connection; warns (at most every 30 s) when `limit` are open.
    pub fn open(self: &Arc<Self>, limit: usize) -> Slot {
        let now_open = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        if now_open >= limit {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let last = self.last_warning.load(Ordering::Relaxed);
            if now >= last + WARN_EVERY_SECS
                && self
                    .last_warning
                    .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                tracing::warn!(
                    open = now_open,
                    limit,
                    "connection limit reached: new connections wait until others close"
                );
            }
        }
        Slot(self.clone())
    }

    pub fn count(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Raises the soft limit on open files toward the hard one (the default 1024 would let a
/// thousand idle clients stop the server) and returns the limit in force.
pub fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    // Far more than any connection limit needs; some kernels refuse "unlimited".
    let wanted = hard.min(1 << 20);
    if wanted > soft && setrlimit(Resource::RLIMIT_NOFILE, wanted, hard).is_ok() {
        return wanted;
    }
    soft
}

/// Connections allowed in all: what the descriptor limit leaves after files and the
/// database pool, and no more than 25 000 (actix's own default per worker).
pub fn connection_limit(fd_limit: u64) -> usize {
    let spare = fd_limit.saturating_sub(256);
    (spare as usize).clamp(64, 25_000)
}
