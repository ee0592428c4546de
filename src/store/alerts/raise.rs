//! Opening and resolving one condition's alert. A condition has at most one live alert (a
//! unique index); one that comes back within `FLAP_WINDOW` of clearing reopens the same alert
//! with its count raised (flapping devices are the first complaint of every monitor's users).
//! Messages: "opened"; "resolved"; on the first return, "reopened"; after that, a flapping
//! alert's "resolved" waits `FLAP_WINDOW` and is withdrawn if it comes back meanwhile, so the
//! last message always tells the state it settled in, and a flap costs no message.
use super::AlertKind;
use super::outbox;
use crate::store::entity::alert;
use crate::store::error::StoreResult;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// A condition that clears and returns within this time folds into its earlier alert.
pub const FLAP_WINDOW: Duration = Duration::hours(1);

/// A condition to open.
pub struct Condition {
    pub site_id: Uuid,
    pub kind: AlertKind,
    /// What it is about, unique per site while live; it starts with the kind
    /// (`device_missing:asset:<id>`, `agent_down:<id>`, …).
    pub key: String,
    pub severity: String,
    pub title: String,
    pub detail: serde_json::Value,
}

/// What opening did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A new alert, with messages queued.
    New,
    /// The condition returned soon after clearing: the earlier alert reopened.
    Folded,
    /// Already open.
    AlreadyOpen,
}

async fn live<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    key: &str,
) -> StoreResult<Option<alert::Model>> {
    Ok(alert::Entity::find()
        .filter(alert::Column::SiteId.eq(site_id))
        .filter(alert::Column::ConditionKey.eq(key))
        .filter(alert::Column::Live.eq(1))
        .one(db)
        .await?)
}

/// Opens the condition's alert unless it is open; queues messages for a new one.
pub async fn open<C: ConnectionTrait>(
    db: &C,
    c: Condition,
    site_name: &str,
    now: DateTime<Utc>,
) -> StoreResult<Opened> {
    if live(db, c.site_id, &c.key).await?.is_some() {
        return Ok(Opened::AlreadyOpen);
    }
    let recent = alert::Entity::find()
        .filter(alert::Column::SiteId.eq(c.site_id))
        .filter(alert::Column::ConditionKey.eq(&c.key))
        .filter(alert::Column::Live.is_null())
        .filter(alert::Column::ResolvedAt.gte(now - FLAP_WINDOW))
        .order_by_desc(alert::Column::ResolvedAt)
        .one(db)
        .await?;
    if let Some(earlier) = recent {
        let res = alert::Entity::update_many()
            .col_expr(alert::Column::Status, Expr::value("open"))
            .col_expr(alert::Column::Live, Expr::value(1i16))
            .col_expr(
                alert::Column::ResolvedAt,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(
                alert::Column::Occurrences,
                Expr::col(alert::Column::Occurrences).add(1),
            )
            .col_expr(alert::Column::UpdatedAt, Expr::value(now))
            .filter(alert::Column::Id.eq(earlier.id))
            .filter(alert::Column::Live.is_null())
            .exec(db)
            .await?;
        if res.rows_affected == 0 {
            return Ok(Opened::AlreadyOpen);
        }
        let withdrawn = outbox::withdraw_pending(db, earlier.id, "resolved").await?;
        if withdrawn == 0 && earlier.occurrences == 1 {
            let reopened = alert::Model {
                status: "open".into(),
                occurrences: 2,
                resolved_at: None,
                live: Some(1),
                updated_at: now,
                ..earlier
            };
            outbox::enqueue(db, &reopened, "reopened", site_name, now, now).await?;
        }
        return Ok(Opened::Folded);
    }
    let row = alert::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(c.site_id),
        kind: Set(c.kind.as_str().into()),
        condition_key: Set(c.key),
        severity: Set(c.severity),
        title: Set(c.title.chars().take(500).collect()),
        detail: Set(c.detail),
        status: Set("open".into()),
        occurrences: Set(1),
        opened_at: Set(now),
        updated_at: Set(now),
        resolved_at: Set(None),
        acknowledged_by: Set(None),
        acknowledged_at: Set(None),
        ack_note: Set(None),
        live: Set(Some(1)),
    };
    // Another server may raise the same condition at the same moment: the unique index
    // keeps one, and only the one that inserted queues messages.
    let inserted = alert::Entity::insert(row.clone())
        .on_conflict(
            OnConflict::columns([
                alert::Column::SiteId,
                alert::Column::ConditionKey,
                alert::Column::Live,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(Opened::AlreadyOpen);
    }
    let model: alert::Model = row.try_into().expect("every field set");
    outbox::enqueue(db, &model, "opened", site_name, now, now).await?;
    Ok(Opened::New)
}

/// Resolves the condition's live alert, if any, and queues its messages.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    key: &str,
    site_name: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(a) = live(db, site_id, key).await? else {
        return Ok(false);
    };
    let res = alert::Entity::update_many()
        .col_expr(alert::Column::Status, Expr::value("resolved"))
        .col_expr(alert::Column::Live, Expr::value(None::<i16>))
        .col_expr(alert::Column::ResolvedAt, Expr::value(now))
        .col_expr(alert::Column::UpdatedAt, Expr::value(now))
        .filter(alert::Column::Id.eq(a.id))
        .filter(alert::Column::Live.eq(1))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(false);
    }
    // A flapping alert's resolution is held back; a return within the window withdraws it.
    let send_at = if a.occurrences > 1 {
        now + FLAP_WINDOW
    } else {
        now
    };
    let resolved = alert::Model {
        status: "resolved".into(),
        resolved_at: Some(now),
        live: None,
        ..a
    };
    outbox::enqueue(db, &resolved, "resolved", site_name, now, send_at).await?;
    Ok(true)
}

/// Keys of the live alerts of `kind` in a site (or every site), with their site.
pub async fn live_keys<C: ConnectionTrait>(
    db: &C,
    kind: AlertKind,
) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(alert::Entity::find()
        .filter(alert::Column::Kind.eq(kind.as_str()))
        .filter(alert::Column::Live.eq(1))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.site_id, a.condition_key))
        .collect())
}
