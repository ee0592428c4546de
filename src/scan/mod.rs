//! Discovery building blocks: the target grammar, the default port list, privilege
//! detection, TCP connect probing with a bounded number in flight, banner reading and TLS
//! certificate capture. The host-discovery engines (ARP, ICMP) and the `bigr scan` command
//! that ties them together arrive with the scan issue.
pub mod banner;
pub mod ports;
pub mod privilege;
pub mod targets;
pub mod tcp;
pub mod tls;
