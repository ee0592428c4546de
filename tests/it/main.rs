//! The one integration-test binary: black-box tests of the store (SQLite and PostgreSQL)
//! and of the `bigr` command line.
mod agent_api;
mod agent_cycle;
mod agent_e2e;
mod classify_corpus;
mod cli;
mod cli_data;
mod fuzz;
mod lab;
mod lab_services;
mod layers;
mod scan_cli_lab;
mod scan_lab;
mod server_api;
mod server_chaos;
mod server_hardening;
mod server_ops;
mod server_support;
mod store_changes;
mod store_copy;
mod store_migrations;
mod store_reads;
mod support;
