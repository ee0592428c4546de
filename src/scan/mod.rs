//! Discovery. Today: the target grammar, TCP connect probing with a bounded number in flight,
//! and banner reading; the host-discovery engines (ARP, ICMP) and the `bigr scan` command
//! arrive with the scan issue.
pub mod banner;
pub mod targets;
pub mod tcp;
