//! SeaORM entities, one per table of `migration/`. The drift test checks they agree.
pub mod agent;
pub mod agent_command;
pub mod asset;
pub mod asset_change;
pub mod audit_entry;
pub mod certificate;
pub mod enrollment_token;
pub mod scan;
pub mod scan_asset;
pub mod session;
pub mod shield_finding;
pub mod shield_scan;
pub mod site;
pub mod site_config;
pub mod subnet;
pub mod switch;
pub mod user;
