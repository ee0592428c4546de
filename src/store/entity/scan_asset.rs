//! Row of `scan_assets`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scan_assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: Uuid,
    /// When the scan saw it (the report's time), for history in scan order.
    pub scanned_at: DateTimeUtc,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub os_hint: Option<String>,
    pub device_type: String,
    pub category: String,
    pub confidence: f64,
    #[sea_orm(column_type = "JsonBinary")]
    pub open_ports: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub services: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub evidence: Json,
}

impl ActiveModelBehavior for ActiveModel {}
