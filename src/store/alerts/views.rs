//! Reading alerts and their deliveries; acknowledging.
use crate::store::entity::{alert, alert_channel, alert_outbox};
use crate::store::error::{StoreError, StoreResult};
use crate::store::page::{Page, PageRequest};
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use uuid::Uuid;

/// An alert as lists and pages show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub id: Uuid,
    pub site: String,
    pub kind: String,
    pub severity: String,
    pub title: String,
    pub detail: serde_json::Value,
    /// open, acknowledged or resolved.
    pub status: String,
    /// How many times the condition opened (a flapping device counts up, one alert).
    pub occurrences: i32,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub ack_note: Option<String>,
}

/// Which alerts to list.
#[derive(Clone, Debug, Default)]
pub struct AlertFilter {
    pub site: Option<String>,
    /// open, acknowledged, resolved; or `active` for open and acknowledged.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
}

fn view(a: alert::Model, site: String) -> AlertView {
    AlertView {
        id: a.id,
        site,
        kind: a.kind,
        severity: a.severity,
        title: a.title,
        detail: a.detail,
        status: a.status,
        occurrences: a.occurrences,
        opened_at: a.opened_at,
        updated_at: a.updated_at,
        resolved_at: a.resolved_at,
        acknowledged_by: a.acknowledged_by,
        acknowledged_at: a.acknowledged_at,
        ack_note: a.ack_note,
    }
}

/// Newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &AlertFilter,
    page: PageRequest,
) -> StoreResult<Page<AlertView>> {
    let mut cond = Condition::all();
    if let Some(s) = &f.site {
        cond = cond.add(alert::Column::SiteId.eq(sites::require(db, s).await?.id));
    }
    match f.status.as_deref().map(str::trim) {
        None | Some("") => {}
        Some("active") => cond = cond.add(alert::Column::Live.eq(1)),
        Some(s @ ("open" | "acknowledged" | "resolved")) => {
            cond = cond.add(alert::Column::Status.eq(s))
        }
        Some(other) => {
            return Err(StoreError::Invalid(format!(
                "status {other:?}: use open, acknowledged, resolved or active"
            )));
        }
    }
    if let Some(k) = &f.kind {
        if super::AlertKind::parse(k.trim()).is_none() {
            return Err(StoreError::Invalid(format!("{k:?} is not an alert kind")));
        }
        cond = cond.add(alert::Column::Kind.eq(k.trim()));
    }
    if let Some(s) = &f.severity {
        cond = cond.add(alert::Column::Severity.eq(super::severity(s)?));
    }
    let q = alert::Entity::find()
        .filter(cond)
        .order_by_desc(alert::Column::OpenedAt)
        .order_by_desc(alert::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let names = sites::names(db).await?;
    let items = rows
        .into_iter()
        .map(|a| {
            let site = names.get(&a.site_id).cloned().unwrap_or_default();
            view(a, site)
        })
        .collect();
    Ok(page.wrap(items, total))
}

/// One alert.
pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<AlertView> {
    let a = alert::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("alert {id}")))?;
    let site = sites::name_of(db, a.site_id).await?;
    Ok(view(a, site))
}

/// Acknowledges a live alert with a note: someone is on it. It still resolves by itself
/// when the condition clears.
pub async fn acknowledge<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    by: &str,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<AlertView> {
    let note: String = note.trim().chars().take(1000).collect();
    let res = alert::Entity::update_many()
        .col_expr(alert::Column::Status, Expr::value("acknowledged"))
        .col_expr(alert::Column::AcknowledgedBy, Expr::value(by))
        .col_expr(alert::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(
            alert::Column::AckNote,
            Expr::value((!note.is_empty()).then_some(note)),
        )
        .col_expr(alert::Column::UpdatedAt, Expr::value(now))
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::Live.eq(1))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        let a = get(db, id).await?;
        return Err(StoreError::Conflict(format!(
            "alert {id} is {}; only open alerts are acknowledged",
            a.status
        )));
    }
    get(db, id).await
}

/// One message's delivery, for the log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    pub alert_id: Option<Uuid>,
    pub channel_id: Uuid,
    pub channel: String,
    /// opened, reopened, resolved or test.
    pub event: String,
    /// pending, sending, sent or failed.
    pub status: String,
    pub attempts: i32,
    pub idempotency_key: String,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn delivery_view(r: alert_outbox::Model, channel: String) -> DeliveryView {
    DeliveryView {
        id: r.id,
        alert_id: r.alert_id,
        channel_id: r.channel_id,
        channel,
        event: r.event,
        status: r.status,
        attempts: r.attempts,
        idempotency_key: r.idempotency_key,
        last_error: r.last_error,
        created_at: r.created_at,
        next_attempt_at: r.next_attempt_at,
        sent_at: r.sent_at,
    }
}

/// One message's delivery.
pub async fn delivery<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<DeliveryView> {
    let r = alert_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("message {id}")))?;
    let channel = alert_channel::Entity::find_by_id(r.channel_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(delivery_view(r, channel))
}

/// Newest first; of one alert or channel when given.
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    alert_id: Option<Uuid>,
    channel_id: Option<Uuid>,
    page: PageRequest,
) -> StoreResult<Page<DeliveryView>> {
    let mut q = alert_outbox::Entity::find()
        .order_by_desc(alert_outbox::Column::CreatedAt)
        .order_by_desc(alert_outbox::Column::Id);
    if let Some(a) = alert_id {
        q = q.filter(alert_outbox::Column::AlertId.eq(a));
    }
    if let Some(c) = channel_id {
        q = q.filter(alert_outbox::Column::ChannelId.eq(c));
    }
    let (rows, total) = page.fetch(db, q).await?;
    let channels: std::collections::HashMap<Uuid, String> = alert_channel::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let name = channels.get(&r.channel_id).cloned().unwrap_or_default();
            delivery_view(r, name)
        })
        .collect();
    Ok(page.wrap(items, total))
}
