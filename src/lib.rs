//! bigr: network asset discovery and BİGR classification — scanner, site agent and control
//! plane in one binary. `main.rs` only parses the command line and calls `commands`.
pub mod agent;
#[cfg(feature = "server")]
pub mod alerts;
pub mod analysis;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod config;
pub mod control;
#[cfg(feature = "server")]
pub mod demo;
pub mod model;
#[cfg(feature = "server")]
pub mod password;
pub mod release;
#[cfg(feature = "server")]
pub mod report;
pub mod scan;
#[cfg(feature = "server")]
pub mod server;
pub mod shield;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod stored_analysis;
pub mod version;
