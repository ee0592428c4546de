//! bigr: network asset discovery and BİGR classification — scanner, site agent and control
//! plane in one binary. `main.rs` only parses the command line and calls `commands`.
pub mod agent;
pub mod alerts;
pub mod analysis;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod config;
pub mod control;
pub mod demo;
pub mod model;
pub mod password;
pub mod release;
pub mod report;
pub mod scan;
pub mod server;
pub mod shield;
pub mod store;
pub mod stored_analysis;
pub mod version;
