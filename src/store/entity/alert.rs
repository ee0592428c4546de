//! Row of `alerts`: one condition, open (or acknowledged) until it clears.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub kind: String,
    pub condition_key: String,
    pub severity: String,
    pub title: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub detail: Json,
    /// open, acknowledged or resolved.
    pub status: String,
    /// How many times the condition opened (flapping folds into one alert).
    pub occurrences: i32,
    pub opened_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub ack_note: Option<String>,
    /// 1 until resolved, then NULL: one live alert per condition (unique index).
    pub live: Option<i16>,
}

impl ActiveModelBehavior for ActiveModel {}
