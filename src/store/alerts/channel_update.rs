//! Changing a channel without giving its secrets again: on or off, the severity threshold,
//! the delivery schedule.
use super::channels::{ChannelView, schedule_of, shown};
use super::schedule::Schedule;
use super::severity;
use crate::store::entity::{alert_channel, alert_outbox};
use crate::store::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

/// Fields left out keep their value.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelChange {
    pub enabled: Option<bool>,
    pub min_severity: Option<String>,
    pub schedule: Option<Schedule>,
}

/// Applies `change`; returns the channel as it now is. Messages already held keep their
/// release time, except that a channel switched to "at once" lets them go now.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    change: ChannelChange,
    now: DateTime<Utc>,
) -> StoreResult<ChannelView> {
    let c = alert_channel::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("alert channel {id}")))?;
    let min_severity = match &change.min_severity {
        Some(s) => severity(s)?.to_string(),
        None => c.min_severity.clone(),
    };
    let schedule = change.schedule.unwrap_or_else(|| schedule_of(&c));
    schedule.check()?;
    let mut settings = c.settings.clone();
    if !settings.is_object() {
        settings = serde_json::json!({});
    }
    settings["schedule"] = serde_json::to_value(&schedule).unwrap_or_default();
    let enabled = change.enabled.unwrap_or(c.enabled);
    alert_channel::Entity::update_many()
        .col_expr(alert_channel::Column::Enabled, Expr::value(enabled))
        .col_expr(
            alert_channel::Column::MinSeverity,
            Expr::value(min_severity.clone()),
        )
        .col_expr(
            alert_channel::Column::Settings,
            Expr::value(settings.clone()),
        )
        .filter(alert_channel::Column::Id.eq(id))
        .exec(db)
        .await?;
    if schedule.is_immediate() {
        alert_outbox::Entity::update_many()
            .col_expr(alert_outbox::Column::NextAttemptAt, Expr::value(now))
            .filter(alert_outbox::Column::ChannelId.eq(id))
            .filter(alert_outbox::Column::Status.eq("held"))
            .exec(db)
            .await?;
    }
    let changed = alert_channel::Model {
        enabled,
        min_severity,
        settings,
        ..c
    };
    shown(db, changed).await
}
