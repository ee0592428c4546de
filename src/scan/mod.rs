//! Discovery building blocks: the target grammar, the default port list, privilege
//! detection, TCP connect probing with a bounded number in flight, banner reading and TLS
//! certificate capture. The host-discovery engines (ARP, ICMP) and the `bigr scan` command
//! that ties them together arrive with the scan issue.
pub mod arp;
pub mod banner;
pub mod discover;
pub mod engine;
pub mod enrich;
pub mod icmp;
pub mod interfaces;
pub mod mdns;
pub mod neighbours;
pub mod ports;
pub mod privilege;
pub mod progress;
pub mod rdns;
pub mod snmp;
pub mod switch_poll;
pub mod targets;
pub mod tcp;
pub mod tls;
