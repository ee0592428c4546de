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
}

impl ActiveModelBehavior for ActiveModel {}
