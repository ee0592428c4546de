//! Row of `alert_outbox`: one message for one channel, delivered at least once.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alert_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for a channel's test message.
    pub alert_id: Option<Uuid>,
    pub channel_id: Uuid,
    /// opened, resolved or test.
    pub event: String,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub payload: Json,
    /// pending, held (waiting for its channel's digest or quiet hours), sending, sent,
    /// digested (carried by a digest message) or failed.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The digest message that carried this one (status `digested`).
    pub digest_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
