//! Row of `shield_issues`: one finding's life across Shield scans of a site.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shield_issues")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub check_id: String,
    pub module: String,
    /// '' when the finding concerns no address.
    pub target_ip: String,
    /// 0 when it concerns no port.
    pub port: i32,
    pub severity: String,
    pub title: String,
    /// `open` or `resolved`.
    pub status: String,
    pub first_seen_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub reopened_count: i32,
    pub last_scan_id: Uuid,
    pub last_finding_id: Uuid,
    pub asset_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
