//! The alert workers of `bigr serve`, two loops apart so that neither waits for the other:
//! - evaluation, every `TICK`: scans stored since become alerts (an ingest's alerts go out
//!   within seconds) and held messages whose digest or quiet hours ended are released;
//! - delivery: due messages are claimed as send slots free up, each sent on its own task and
//!   bounded by the transport's timeout, so a dead webhook holds one slot per message tried,
//!   never the others (and its channel pauses after a failure, so few are tried).
//!
//! Agent, Shield, certificate and grade states are reconciled by the lifecycle sweep.
use super::transport;
use crate::store::StoreResult;
use crate::store::alerts::{channels, digest, evaluate, outbox};
use crate::store::entity::alert_outbox;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::sync::Weak;
use std::time::Duration;

/// How often the worker looks for work.
pub const TICK: Duration = Duration::from_secs(2);
/// Messages claimed per pass of `deliver_due`.
const BATCH: u64 = 16;
/// Messages the server sends at once at most.
const IN_FLIGHT: usize = 32;

/// A name for this server among several on one database: host, process, and a random part.
pub fn worker_name() -> String {
    let host = super::hostname();
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}-{}", host.trim(), std::process::id(), &id[..8])
        .chars()
        .take(60)
        .collect()
}

/// Sends one claimed message and records how it went; true when it was delivered.
async fn deliver_one(
    db: &DatabaseConnection,
    row: alert_outbox::Model,
    worker: &str,
) -> StoreResult<bool> {
    let dest = channels::destination(db, row.channel_id).await;
    let (event, key, payload) = (
        row.event.clone(),
        row.idempotency_key.clone(),
        row.payload.clone(),
    );
    let outcome = tokio::task::spawn_blocking(move || match &dest {
        Ok((channel, d)) => transport::send(channel, d, &event, &key, &payload),
        Err(e) => Err(e.to_string()),
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    if let Err(e) = &outcome {
        tracing::warn!(
            channel = %row.channel_id,
            attempt = row.attempts,
            "alert message not delivered: {e}"
        );
    }
    let delivered = outcome.is_ok();
    outbox::finish(db, &row, worker, outcome, chrono::Utc::now()).await?;
    Ok(delivered)
}

/// Claims the due messages and sends them, waiting for all; returns how many were sent
/// (`bigr alerts deliver`).
pub async fn deliver_due(db: &DatabaseConnection, worker: &str) -> StoreResult<usize> {
    let rows = outbox::claim(db, worker, chrono::Utc::now(), BATCH).await?;
    let sends = rows.into_iter().map(|row| deliver_one(db, row, worker));
    let mut sent = 0;
    for done in futures_util::future::join_all(sends).await {
        sent += usize::from(done?);
    }
    Ok(sent)
}

/// Evaluates stored scans and releases held messages every `TICK`.
async fn evaluation_loop<S>(state: Weak<S>, db_of: fn(&S) -> &DatabaseConnection) {
    loop {
        let Some(s) = state.upgrade() else { return };
        let db = db_of(&s);
        if let Err(e) = evaluate::scans(db, chrono::Utc::now()).await {
            tracing::warn!("alert evaluation failed: {e}");
        }
        if let Err(e) = digest::release_due(db, chrono::Utc::now()).await {
            tracing::warn!("releasing held alert messages failed: {e}");
        }
        drop(s);
        tokio::time::sleep(TICK).await;
    }
}

/// Claims messages as send slots free up; each is sent on its own task.
async fn delivery_loop<S>(state: Weak<S>, db_of: fn(&S) -> &DatabaseConnection) {
    let worker: std::sync::Arc<str> = worker_name().into();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    // A finished send may free its channel's turn: look again at once rather than a tick on.
    let finished = std::sync::Arc::new(tokio::sync::Notify::new());
    loop {
        let Some(s) = state.upgrade() else { return };
        let db = db_of(&s).clone();
        drop(s);
        let free = slots.available_permits();
        let claimed = if free == 0 {
            Ok(Vec::new())
        } else {
            outbox::claim(&db, &worker, chrono::Utc::now(), free as u64).await
        };
        let rows = claimed.unwrap_or_else(|e| {
            tracing::warn!("alert delivery pass failed: {e}");
            Vec::new()
        });
        if rows.is_empty() {
            tokio::select! {
                _ = finished.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
            continue;
        }
        for row in rows {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            let (db, worker, finished) = (db.clone(), worker.clone(), finished.clone());
            tokio::spawn(async move {
                if let Err(e) = deliver_one(&db, row, &worker).await {
                    tracing::warn!("recording an alert delivery failed: {e}");
                }
                drop(slot);
                finished.notify_one();
            });
        }
    }
}

/// Runs the workers until the server is gone.
pub fn spawn_worker<S: Send + Sync + 'static>(
    state: Weak<S>,
    db_of: fn(&S) -> &DatabaseConnection,
) {
    tokio::spawn(evaluation_loop(state.clone(), db_of));
    tokio::spawn(delivery_loop(state, db_of));
}

/// Queues a test message for a channel and sends it now; its delivery as it stands after
/// the first try (a failed try stays queued and is retried like any message).
pub async fn send_test(
    db: &DatabaseConnection,
    channel_id: uuid::Uuid,
) -> StoreResult<crate::store::alerts::views::DeliveryView> {
    let (channel, _) = channels::destination(db, channel_id).await?;
    let site = match channel.site_id {
        Some(id) => crate::store::sites::name_of(db, id).await?,
        None => "*".into(),
    };
    let now = chrono::Utc::now();
    let id = outbox::enqueue_test(db, &channel, &site, now).await?;
    let row = alert_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| crate::store::StoreError::NotFound(format!("message {id}")))?;
    // Claimed for this one message only: others wait for the worker.
    let worker = worker_name();
    let claimed = outbox::claim_one(db, id, &worker, now).await?;
    if claimed {
        let row = alert_outbox::Model {
            attempts: row.attempts + 1,
            ..row
        };
        deliver_one(db, row, &worker).await?;
    }
    crate::store::alerts::views::delivery(db, id).await
}
