//! Row of `agent_commands`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agent_commands")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub agent_id: Uuid,
    pub kind: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub args: Json,
    /// queued, acked, running, completed, failed or expired.
    pub state: String,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
    /// Until when an agent may take it (queued) or must finish it (acked, running).
    pub expires_at: DateTimeUtc,
    pub acked_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub progress: Option<Json>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub result: Option<Json>,
}

impl ActiveModelBehavior for ActiveModel {}
