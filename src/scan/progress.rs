//! Counters the engines bump while they work and the progress bar reads: plain atomics, so
//! probing never waits for the display.
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct Progress {
    probes: AtomicUsize,
    hosts_found: AtomicUsize,
    ports_open: AtomicUsize,
    /// Probes that could not be sent at all (socket errors, missing privilege mid-scan).
    failures: AtomicUsize,
}

/// A copy of the counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub probes: usize,
    pub hosts_found: usize,
    pub ports_open: usize,
    pub failures: usize,
}

impl Progress {
    pub fn probe(&self) {
        self.probes.fetch_add(1, Ordering::Relaxed);
    }

    pub fn set_hosts_found(&self, n: usize) {
        self.hosts_found.store(n, Ordering::Relaxed);
    }

    pub fn port_open(&self) {
        self.ports_open.fetch_add(1, Ordering::Relaxed);
    }

    pub fn failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            probes: self.probes.load(Ordering::Relaxed),
            hosts_found: self.hosts_found.load(Ordering::Relaxed),
            ports_open: self.ports_open.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }
}
