//! Row of `scans`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub report_id: Uuid,
    pub site_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub target: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub networks: Json,
    pub method: String,
    pub started_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub partial: bool,
    #[sea_orm(column_type = "Text")]
    pub ports_probed: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub privileges: Json,
    pub scanner_version: String,
    pub asset_count: i32,
    pub change_count: i32,
    pub saved_at: DateTimeUtc,
    /// Whether its changes were turned into alerts (claimed once, by one server).
    pub alerts_done: bool,
}

impl ActiveModelBehavior for ActiveModel {}
