//! Row of `agents`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub token_id: String,
    pub token_hash: String,
    pub status: String,
    pub version: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub subnets: Json,
    pub queue_depth: i32,
    pub created_at: DateTimeUtc,
    pub last_seen_at: Option<DateTimeUtc>,
    pub last_scan_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// What the agent said it was doing at its last heartbeat (idle, scanning, stopping).
    pub activity: Option<String>,
    /// The last problem the agent reported (queue full, disk full, scan failed).
    pub last_error: Option<String>,
    /// The agent's heartbeat period: three of them missed makes it stale.
    pub heartbeat_seconds: i32,
    /// The site configuration version the agent said it runs.
    pub config_version: Option<i64>,
    /// When the agent's latest scan failed, as it reports until a scan succeeds.
    pub scan_failed_at: Option<DateTimeUtc>,
    /// Why that scan failed.
    pub scan_failure: Option<String>,
    /// The platform it runs on, as it says (`x86_64-linux`).
    pub target: Option<String>,
    /// Its latest update: updating, updated, refused or rolled_back.
    pub update_state: Option<String>,
    pub update_version: Option<String>,
    pub update_reason: Option<String>,
    pub update_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
