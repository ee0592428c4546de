//! Row of `alert_channels`: where alerts go. `secret` is write-only.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alert_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Option<Uuid>,
    /// webhook, slack, teams, syslog.
    pub kind: String,
    pub name: String,
    /// What may be shown of the destination (a host, never a URL's path or query).
    pub target: String,
    /// The destination itself and its keys, as JSON text; never read back out.
    #[sea_orm(column_type = "Text")]
    pub secret: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    pub min_severity: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    /// Failed sends in a row (0 after a success).
    pub failures: i32,
    /// No message is claimed for the channel before then (set after a failure).
    pub paused_until: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
