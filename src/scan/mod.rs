//! The scanner behind `bigr scan`: the target grammar, the default port list, privilege
//! detection, host discovery (ARP through pcap, ICMP, TCP ping, the neighbour table,
//! reverse DNS, mDNS, NetBIOS names, LLMNR and mDNS reverse names, passive DHCP, IPv6 neighbours), enrichment (TCP connect scan with a bounded number in flight,
//! banners and read-only protocol probes, TLS certificates, SNMP system group, switch forwarding tables) and the engine
//! that runs them and hands the result to the classifier.
pub mod arp;
pub mod banner;
pub mod ber;
pub mod dhcp;
pub mod discover;
pub mod engine;
pub mod enrich;
pub mod error;
pub mod icmp;
pub mod interfaces;
pub mod limits;
pub mod mdns;
pub mod ndp;
pub mod neighbours;
pub mod netbios;
pub mod pace;
pub mod ports;
pub mod privilege;
pub mod probes;
pub mod progress;
pub mod rdns;
pub mod request;
pub mod reverse_names;
pub mod snmp;
pub mod snmp_sweep;
pub mod ssdp;
pub mod switch_poll;
pub mod targets;
pub mod tcp;
pub mod tls;
