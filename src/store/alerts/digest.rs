//! Releasing held messages. When a channel's digest time or quiet hours end, what was held
//! for it goes out as one digest message (a single held message goes out as itself). Each
//! release is one transaction that takes the rows (on PostgreSQL locked with `FOR UPDATE
//! SKIP LOCKED`), writes the digest to the outbox and marks the rows it carries, so two
//! servers never send the same digest and a crash loses nothing.
use super::rank;
use crate::store::entity::{alert_channel, alert_outbox};
use crate::store::error::StoreResult;
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Messages one digest carries at most; more wait for the next pass.
const PER_DIGEST: u64 = 5000;
/// Messages a digest lists in full; the rest are counted.
pub const LISTED: usize = 200;

/// Releases every channel's held messages whose time has come; returns how many messages
/// (digests and single ones) were queued for sending.
pub async fn release_due(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<usize> {
    let channels: Vec<Uuid> = alert_outbox::Entity::find()
        .select_only()
        .column(alert_outbox::Column::ChannelId)
        .distinct()
        .filter(alert_outbox::Column::Status.eq("held"))
        .filter(alert_outbox::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .all(db)
        .await?;
    let mut queued = 0;
    for channel in channels {
        queued += usize::from(release_channel(db, channel, now).await?);
    }
    Ok(queued)
}

async fn release_channel(
    db: &DatabaseConnection,
    channel_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let txn = crate::store::begin_write(db).await?;
    let mut q = alert_outbox::Entity::find()
        .filter(alert_outbox::Column::ChannelId.eq(channel_id))
        .filter(alert_outbox::Column::Status.eq("held"))
        .filter(alert_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(alert_outbox::Column::CreatedAt)
        .limit(PER_DIGEST);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&txn).await?;
    let Some(first) = rows.first() else {
        return Ok(false);
    };
    if rows.len() == 1 {
        alert_outbox::Entity::update_many()
            .col_expr(alert_outbox::Column::Status, Expr::value("pending"))
            .col_expr(alert_outbox::Column::NextAttemptAt, Expr::value(now))
            .filter(alert_outbox::Column::Id.eq(first.id))
            .filter(alert_outbox::Column::Status.eq("held"))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        return Ok(true);
    }
    let channel = alert_channel::Entity::find_by_id(channel_id)
        .one(&txn)
        .await?;
    let site = match channel.and_then(|c| c.site_id) {
        Some(id) => sites::name_of(&txn, id).await?,
        None => common_site(&rows),
    };
    let id = Uuid::now_v7();
    let key = format!("digest.{channel_id}.{}", first.id);
    let items: Vec<Value> = rows.iter().map(|r| r.payload.clone()).collect();
    let body = payload(id, &key, &site, &items, first.created_at, now);
    let message = super::outbox::loose_message(id, channel_id, "digest", key, body, now);
    alert_outbox::Entity::insert(message)
        .exec_without_returning(&txn)
        .await?;
    alert_outbox::Entity::update_many()
        .col_expr(alert_outbox::Column::Status, Expr::value("digested"))
        .col_expr(alert_outbox::Column::DigestId, Expr::value(id))
        .filter(alert_outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .filter(alert_outbox::Column::Status.eq("held"))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// The site every item is from, or `*` when they come from several.
fn common_site(rows: &[alert_outbox::Model]) -> String {
    let mut names = rows
        .iter()
        .filter_map(|r| r.payload["alert"]["site"].as_str());
    match names.next() {
        Some(first) if names.all(|n| n == first) => first.to_string(),
        _ => "*".into(),
    }
}

/// The digest message: an `alert` summary (so every channel can headline it like any
/// message) and the messages it carries, the first `LISTED` in full.
pub fn payload(
    id: Uuid,
    key: &str,
    site: &str,
    items: &[Value],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Value {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut top = "info";
    for item in items {
        let a = &item["alert"];
        *by_kind
            .entry(a["kind"].as_str().unwrap_or("?"))
            .or_default() += 1;
        let s = a["severity"].as_str().unwrap_or("info");
        if rank(s) > rank(top) {
            top = super::SEVERITIES[rank(s)];
        }
    }
    let counts: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
        .collect();
    json!({
        "event": "digest",
        "idempotency_key": key,
        "alert": {
            "id": id,
            "kind": "digest",
            "severity": top,
            "status": "digest",
            "title": format!("{} alert messages ({})", items.len(), counts.join(", ")),
            "site": site,
            "condition": "digest",
            "detail": {"counts": by_kind},
            "occurrences": items.len(),
            "opened_at": since,
            "resolved_at": null,
        },
        "digest": {
            "count": items.len(),
            "since": since,
            "until": until,
            "items": items.iter().take(LISTED).collect::<Vec<_>>(),
            "more": items.len().saturating_sub(LISTED),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_counts_by_kind_takes_the_top_severity_and_lists_a_bounded_number() {
        let item = |kind: &str, severity: &str| json!({"event": "opened", "alert": {"kind": kind, "severity": severity, "site": "ofis"}});
        let mut items = vec![item("new_device", "medium"), item("risky_port", "high")];
        items.extend((0..300).map(|_| item("new_device", "low")));
        let t = chrono::Utc::now();
        let p = payload(Uuid::nil(), "k", "ofis", &items, t, t);
        assert_eq!(p["alert"]["severity"], "high");
        assert_eq!(
            p["alert"]["title"],
            "302 alert messages (301 new device, 1 risky port)"
        );
        assert_eq!(p["digest"]["items"].as_array().unwrap().len(), LISTED);
        assert_eq!(p["digest"]["more"], 102);
    }
}
