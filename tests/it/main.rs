//! The one integration-test binary: black-box tests of the store (SQLite and PostgreSQL),
//! the server over a real port, the agent, the `bigr` command line and the scanner in
//! network namespaces. Shared helpers live in `support/`.

/// The agent channel's HTTP API: enrollment, tokens, heartbeats, ingest, shield reports.
mod agent_api;
/// Single agent cycles in-process with a canned scanner; the wire types round-trip.
mod agent_cycle;
/// Real agent processes against a real `bigr serve`: outages, lost answers, SIGKILL, disks.
mod agent_e2e;
/// Signed agent updates: a real agent replaces itself, refuses tampering, rolls back.
mod agent_update;
mod alert_receiver;
mod alerts_api;
mod alerts_cli;
mod alerts_faults;
mod alerts_schedule;
mod alerts_store;
/// The classifier against the labelled corpus in tests/data.
mod classify_corpus;
/// The command line as users run it: store-backed commands and bad input.
pub mod cli;
/// CLI commands over a stored inventory: tags, history, changes, certificates, switches.
mod cli_data;
/// A new user's first hour: demo site, topology at once, clear agent errors, CLI language.
mod first_hour;
/// Short proptest passes over everything that parses input from the network or files.
mod fuzz;
/// Switches, routers and their links on real snmpd/lldpd: SNMPv3, LLDP, routed hosts.
mod gear_lab;
mod gear_late;
/// SNMPv3 USM against RFC 3414's key localization vectors, with a stand-in agent.
mod gear_usm;
/// Office roles for lab hosts (PC, printer, iPhone, NAS, TV), shared with the bench.
mod lab_roles;
/// Services for the lab's hosts: TCP greeters, HTTP(S), mDNS, dropping firewalls, loss.
mod lab_services;
/// A Windows 10 PC for the lab: SMB with its names and build, MSRPC, RDP.
mod lab_windows;
/// The libraries never import the command line.
mod layers;
/// The .deb and the one-line install, run in a chroot of a clean Debian root filesystem.
mod packaging;
mod report;
/// `bigr scan` as a process inside the namespace lab.
pub mod scan_cli_lab;
/// Names, device facts and service names from real Samba and lab printers and cameras.
mod scan_dhcp;
mod scan_identify;
mod scan_ipv6;
/// The scanner library inside the namespace lab: ARP, ICMP, ports, loss, firewalls.
mod scan_lab;
/// The dashboard API over a real port: login, CSRF, roles, every endpoint's contract.
mod server_api;
/// PostgreSQL crashing under live agents: nothing lost, nothing doubled.
mod server_chaos;
/// Hostile and heavy load: login bursts, methods, bodies, connections, limits.
mod server_hardening;
/// Operating the server: first admin, health, SIGTERM, several instances, a lost database.
mod server_ops;
/// Shield over a real port: server-side scores, findings' life across scans, the reads.
mod shield_api;
/// `bigr shield` in the namespace lab against real weak and strong servers, both ways.
mod shield_lab;
/// Real weak and strong servers for the Shield lab and bench.
pub mod shield_servers;
mod shield_stores;
/// Site configuration agents apply, and the audit log of admin actions.
mod site_control;
/// Store change tracking: new, missing, moved, ports, the lifecycle sweep.
mod store_changes;
/// `db copy` between backends.
mod store_copy;
/// Switches and routers in the store: v3 credentials, polls from reports, the layer-2 graph.
mod store_gear;
/// Migrations: fresh, re-run, concurrent, newer schemas refused, entities match the schema.
mod store_migrations;
/// Store reads the API and CLI rely on: inventory filters and pages, tags, registries.
mod store_reads;
/// Stored per-asset analysis equals a pass over every asset, as assets age and upgrades come.
mod store_scores;
/// Test databases, seeded reports, the test server, the namespace lab.
mod support;
