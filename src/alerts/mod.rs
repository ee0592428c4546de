//! Sending alerts: each channel kind's format and transport, and the worker that drains the
//! outbox. The store decides what to send and when; this module only delivers.
pub mod format;
pub mod mail;
pub mod transport;
pub mod worker;

pub use worker::{deliver_due, send_test, spawn_worker, worker_name};

/// This machine's name (syslog's HOSTNAME, the worker's name); empty when unknown.
pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}
