//! Sending alerts: each channel kind's format and transport, and the worker that drains the
//! outbox. The store decides what to send and when; this module only delivers.
pub mod format;
pub mod mail;
pub mod transport;
pub mod worker;

pub use worker::{deliver_due, send_test, spawn_worker, worker_name};
