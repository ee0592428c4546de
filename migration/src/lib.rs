//! Database schema of bigr, one file per migration. A landed migration is never edited:
//! schema changes come as a new file appended to `Migrator::migrations`.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261124_000002_inventory_order_indexes;
mod m20261125_000003_agent_ingest;
mod m20261126_000004_asset_search_trigram;
mod m20261203_000005_asset_search_fts;
mod m20261203_000006_site_demo;
mod m20261203_000007_asset_search_delete;
mod m20261203_000008_asset_names;
mod m20261203_000009_asset_ipv6;
mod m20261204_000010_asset_scores;
mod m20261204_000011_asset_compliance_index;
mod m20261204_000012_site_control;
mod m20261204_000013_agent_commands;
mod m20261205_000014_shield_lifecycle;
mod m20261205_000015_asset_shield;
mod m20261206_000016_alerts;
mod m20261207_000017_alert_schedules;
mod m20261208_000018_asset_tagged_by;
mod m20261209_000019_releases;
mod m20261210_000020_network_gear;

pub use m20261126_000004_asset_search_trigram::SEARCH_TEXT;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261124_000002_inventory_order_indexes::Migration),
            Box::new(m20261125_000003_agent_ingest::Migration),
            Box::new(m20261126_000004_asset_search_trigram::Migration),
            Box::new(m20261203_000005_asset_search_fts::Migration),
            Box::new(m20261203_000006_site_demo::Migration),
            Box::new(m20261203_000007_asset_search_delete::Migration),
            Box::new(m20261203_000008_asset_names::Migration),
            Box::new(m20261203_000009_asset_ipv6::Migration),
            Box::new(m20261204_000010_asset_scores::Migration),
            Box::new(m20261204_000011_asset_compliance_index::Migration),
            Box::new(m20261204_000012_site_control::Migration),
            Box::new(m20261204_000013_agent_commands::Migration),
            Box::new(m20261205_000014_shield_lifecycle::Migration),
            Box::new(m20261205_000015_asset_shield::Migration),
            Box::new(m20261206_000016_alerts::Migration),
            Box::new(m20261207_000017_alert_schedules::Migration),
            Box::new(m20261208_000018_asset_tagged_by::Migration),
            Box::new(m20261209_000019_releases::Migration),
            Box::new(m20261210_000020_network_gear::Migration),
        ]
    }
}
