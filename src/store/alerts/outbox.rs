//! The outbox: one row per message and channel, written in the transaction that raised the
//! alert, delivered at least once by whichever server claims it first. A claim is one UPDATE
//! (on PostgreSQL over rows locked with `FOR UPDATE SKIP LOCKED`, so two servers never take
//! the same row; on SQLite under its single write lock) and lasts `CLAIM_FOR`: a server that
//! dies mid-send leaves the row to be claimed again. Every message carries an idempotency key
//! that receivers see, so a repeat after such a crash can be recognised.
use super::rank;
use crate::store::entity::{alert, alert_channel, alert_outbox};
use crate::store::error::StoreResult;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set, Statement,
};
use serde_json::json;
use uuid::Uuid;

/// Messages of one channel in flight at once at most: a dead webhook ties up that many send
/// slots while its tries time out, never all of them.
pub const PER_CHANNEL: i64 = 4;
/// How long a claim holds before another server may take the row.
pub const CLAIM_FOR: Duration = Duration::seconds(60);
/// Tries before a message is given up (failed), with the wait doubling from `FIRST_RETRY`.
pub const MAX_ATTEMPTS: i32 = 8;
const FIRST_RETRY: Duration = Duration::seconds(5);
const LAST_RETRY: Duration = Duration::hours(1);

/// The message body every channel gets (each channel formats it its own way).
pub fn payload(a: &alert::Model, event: &str, site: &str, key: &str) -> serde_json::Value {
    json!({
        "event": event,
        "idempotency_key": key,
        "alert": {
            "id": a.id,
            "kind": a.kind,
            "severity": a.severity,
            "status": a.status,
            "title": a.title,
            "site": site,
            "condition": a.condition_key,
            "detail": a.detail,
            "occurrences": a.occurrences,
            "opened_at": a.opened_at,
            "resolved_at": a.resolved_at,
        }
    })
}

/// Queues `event` of alert `a` for every enabled channel of its site (or of every site)
/// whose threshold it meets, to be sent from `send_at`, or held for the channel's digest or
/// quiet hours. Returns the rows queued.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    a: &alert::Model,
    event: &str,
    site: &str,
    now: DateTime<Utc>,
    send_at: DateTime<Utc>,
) -> StoreResult<usize> {
    let channels = alert_channel::Entity::find()
        .filter(alert_channel::Column::Enabled.eq(true))
        .filter(
            alert_channel::Column::SiteId
                .is_null()
                .or(alert_channel::Column::SiteId.eq(a.site_id)),
        )
        .all(db)
        .await?;
    let mut queued = 0;
    for ch in channels
        .iter()
        .filter(|c| rank(&a.severity) >= rank(&c.min_severity))
    {
        let key = format!("{}.{event}.{}.{}", a.id, a.occurrences, ch.id);
        let held = super::channels::schedule_of(ch).release_at(&a.severity, send_at);
        let row = alert_outbox::ActiveModel {
            id: Set(Uuid::now_v7()),
            alert_id: Set(Some(a.id)),
            channel_id: Set(ch.id),
            event: Set(event.into()),
            payload: Set(payload(a, event, site, &key)),
            idempotency_key: Set(key),
            status: Set(if held.is_some() { "held" } else { "pending" }.into()),
            attempts: Set(0),
            next_attempt_at: Set(held.unwrap_or(send_at)),
            claimed_until: Set(None),
            claimed_by: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            digest_id: Set(None),
        };
        alert_outbox::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Withdraws `event` messages of an alert that no server has taken yet (nor a digest).
pub async fn withdraw_pending<C: ConnectionTrait>(
    db: &C,
    alert_id: Uuid,
    event: &str,
) -> StoreResult<u64> {
    Ok(alert_outbox::Entity::delete_many()
        .filter(alert_outbox::Column::AlertId.eq(alert_id))
        .filter(alert_outbox::Column::Event.eq(event))
        .filter(alert_outbox::Column::Status.is_in(["pending", "held"]))
        .exec(db)
        .await?
        .rows_affected)
}

/// A message due `now` that belongs to no one alert: a channel's test, a digest.
pub(super) fn loose_message(
    id: Uuid,
    channel_id: Uuid,
    event: &str,
    key: String,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> alert_outbox::ActiveModel {
    alert_outbox::ActiveModel {
        id: Set(id),
        alert_id: Set(None),
        channel_id: Set(channel_id),
        event: Set(event.into()),
        payload: Set(payload),
        idempotency_key: Set(key),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        digest_id: Set(None),
    }
}

/// Queues a test message for one channel, due now.
pub async fn enqueue_test<C: ConnectionTrait>(
    db: &C,
    channel: &alert_channel::Model,
    site: &str,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let key = format!("test.{id}");
    let probe = alert::Model {
        id,
        site_id: channel.site_id.unwrap_or_default(),
        kind: "test".into(),
        condition_key: "test".into(),
        severity: "info".into(),
        title: format!("bigr test message for channel {}", channel.name),
        detail: json!({"note": "Sent by \"send test\"; nothing is wrong."}),
        status: "open".into(),
        occurrences: 1,
        opened_at: now,
        updated_at: now,
        resolved_at: None,
        acknowledged_by: None,
        acknowledged_at: None,
        ack_note: None,
        live: None,
    };
    let body = payload(&probe, "test", site, &key);
    alert_outbox::Entity::insert(loose_message(id, channel.id, "test", key, body, now))
        .exec_without_returning(db)
        .await?;
    Ok(id)
}

/// Claims up to `limit` due messages for `worker`: pending ones whose time has come, and
/// ones whose earlier claim ran out, of channels not paused after failures. Each claim
/// counts as an attempt.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    worker: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> StoreResult<Vec<alert_outbox::Model>> {
    let backend = db.get_database_backend();
    let (p, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2", "$3", "$4", "$5"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?1", "?2", "?3", "?4", "?5"], ""),
    };
    let due = |t: &str| {
        format!(
            "(({t}status = 'pending' AND {t}next_attempt_at <= {now}) \
             OR ({t}status = 'sending' AND {t}claimed_until < {now}))",
            now = p[2]
        )
    };
    // Due rows of channels not paused, numbered per channel; a channel gets at most
    // PER_CHANNEL in flight, counting those it already has. The rows are then locked
    // (PostgreSQL forbids FOR UPDATE beside a window function, hence two levels).
    let sql = format!(
        "UPDATE alert_outbox SET status = 'sending', attempts = attempts + 1, \
         claimed_by = {by}, claimed_until = {until} \
         WHERE id IN (SELECT id FROM alert_outbox WHERE id IN ( \
           SELECT d.id FROM ( \
             SELECT o.id, o.channel_id, o.next_attempt_at, ROW_NUMBER() OVER \
               (PARTITION BY o.channel_id ORDER BY o.next_attempt_at, o.id) AS rn \
             FROM alert_outbox o WHERE {due_o} \
               AND o.channel_id NOT IN \
                 (SELECT c.id FROM alert_channels c WHERE c.paused_until > {now})) d \
           WHERE d.rn + (SELECT COUNT(*) FROM alert_outbox f WHERE f.channel_id = d.channel_id \
               AND f.status = 'sending' AND f.claimed_until >= {now}) <= {per_channel} \
           ORDER BY d.next_attempt_at LIMIT {limit}) \
         AND {due}{lock}) \
         RETURNING id",
        by = p[0],
        until = p[1],
        now = p[2],
        limit = p[3],
        per_channel = p[4],
        due_o = due("o."),
        due = due(""),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                worker.into(),
                (now + CLAIM_FOR).into(),
                now.into(),
                (limit as i64).into(),
                PER_CHANNEL.into(),
            ],
        ))
        .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.try_get::<Uuid>("", "id").ok())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(alert_outbox::Entity::find()
        .filter(alert_outbox::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Claims one pending message (a channel test sent at once); false when taken already.
pub async fn claim_one<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let res = alert_outbox::Entity::update_many()
        .col_expr(alert_outbox::Column::Status, Expr::value("sending"))
        .col_expr(
            alert_outbox::Column::Attempts,
            Expr::col(alert_outbox::Column::Attempts).add(1),
        )
        .col_expr(alert_outbox::Column::ClaimedBy, Expr::value(worker))
        .col_expr(
            alert_outbox::Column::ClaimedUntil,
            Expr::value(now + CLAIM_FOR),
        )
        .filter(alert_outbox::Column::Id.eq(id))
        .filter(alert_outbox::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// A channel that just failed is paused (5 s, doubling with each failure in a row, at most
/// an hour): its other messages wait instead of each timing out in turn. A success ends it.
async fn channel_health<C: ConnectionTrait>(
    db: &C,
    channel_id: Uuid,
    ok: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let q = alert_channel::Entity::update_many().filter(alert_channel::Column::Id.eq(channel_id));
    if ok {
        q.col_expr(alert_channel::Column::Failures, Expr::value(0))
            .col_expr(
                alert_channel::Column::PausedUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .filter(alert_channel::Column::Failures.gt(0))
            .exec(db)
            .await?;
        return Ok(());
    }
    let failures = alert_channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .map_or(0, |c| c.failures)
        .saturating_add(1);
    // Tries that were in flight together fail together: they count as one failure.
    q.col_expr(alert_channel::Column::Failures, Expr::value(failures))
        .col_expr(
            alert_channel::Column::PausedUntil,
            Expr::value(now + retry_after(failures)),
        )
        .filter(
            alert_channel::Column::PausedUntil
                .is_null()
                .or(alert_channel::Column::PausedUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Records how a claimed message went: sent, tried again later, or given up; and the
/// channel's health with it.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    row: &alert_outbox::Model,
    worker: &str,
    outcome: Result<(), String>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    channel_health(db, row.channel_id, outcome.is_ok(), now).await?;
    let mut update = alert_outbox::Entity::update_many()
        .filter(alert_outbox::Column::Id.eq(row.id))
        .filter(alert_outbox::Column::ClaimedBy.eq(worker))
        .filter(alert_outbox::Column::Status.eq("sending"))
        .col_expr(
            alert_outbox::Column::ClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        );
    update = match outcome {
        Ok(()) => update
            .col_expr(alert_outbox::Column::Status, Expr::value("sent"))
            .col_expr(alert_outbox::Column::SentAt, Expr::value(now))
            .col_expr(alert_outbox::Column::LastError, Expr::value(None::<String>)),
        Err(e) => {
            let error: String = e.chars().take(500).collect();
            let status = if row.attempts >= MAX_ATTEMPTS {
                "failed"
            } else {
                "pending"
            };
            update
                .col_expr(alert_outbox::Column::Status, Expr::value(status))
                .col_expr(alert_outbox::Column::LastError, Expr::value(error))
                .col_expr(
                    alert_outbox::Column::NextAttemptAt,
                    Expr::value(now + retry_after(row.attempts)),
                )
        }
    };
    update.exec(db).await?;
    Ok(())
}

/// The wait after the `attempts`-th failed try: 5 s, 10 s, 20 s, … at most an hour.
pub fn retry_after(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    (FIRST_RETRY * 2i32.pow(doublings as u32)).min(LAST_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(retry_after(1), Duration::seconds(5));
        assert_eq!(retry_after(2), Duration::seconds(10));
        assert_eq!(retry_after(4), Duration::seconds(40));
        assert_eq!(retry_after(12), Duration::hours(1));
        assert_eq!(retry_after(100), Duration::hours(1));
    }
}
