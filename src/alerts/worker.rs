//! The outbox worker of `bigr serve`: every `TICK` it evaluates scans stored since (so an
//! ingest's alerts go out within seconds), claims due messages and sends them, a few at a
//! time, each bounded by the transport's timeout. Agent, Shield and certificate states are
//! reconciled by the server's lifecycle sweep.
use super::transport;
use crate::store::StoreResult;
use crate::store::alerts::{channels, digest, evaluate, outbox};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::sync::Weak;
use std::time::Duration;

/// How often the worker looks for work.
pub const TICK: Duration = Duration::from_secs(2);
/// Messages claimed per pass, and sent at once at most.
const BATCH: u64 = 16;

/// A name for this server among several on one database: host, process, and a random part.
pub fn worker_name() -> String {
    let host = super::hostname();
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}-{}", host.trim(), std::process::id(), &id[..8])
        .chars()
        .take(60)
        .collect()
}

/// Claims the due messages and sends them; returns how many were sent.
pub async fn deliver_due(db: &DatabaseConnection, worker: &str) -> StoreResult<usize> {
    let rows = outbox::claim(db, worker, chrono::Utc::now(), BATCH).await?;
    let mut sends = Vec::new();
    for row in rows {
        let dest = channels::destination(db, row.channel_id).await;
        sends.push(tokio::task::spawn_blocking(move || {
            let outcome = match &dest {
                Ok((channel, d)) => {
                    transport::send(channel, d, &row.event, &row.idempotency_key, &row.payload)
                }
                Err(e) => Err(e.to_string()),
            };
            (row, outcome)
        }));
    }
    let mut sent = 0;
    for job in sends {
        let Ok((row, outcome)) = job.await else {
            continue;
        };
        match &outcome {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(
                channel = %row.channel_id,
                attempt = row.attempts,
                "alert message not delivered: {e}"
            ),
        }
        outbox::finish(db, &row, worker, outcome, chrono::Utc::now()).await?;
    }
    Ok(sent)
}

/// Runs the worker until the server is gone.
pub fn spawn_worker<S: Send + Sync + 'static>(
    state: Weak<S>,
    db_of: fn(&S) -> &DatabaseConnection,
) {
    tokio::spawn(async move {
        let worker = worker_name();
        loop {
            let Some(s) = state.upgrade() else { return };
            let db = db_of(&s);
            if let Err(e) = evaluate::scans(db, chrono::Utc::now()).await {
                tracing::warn!("alert evaluation failed: {e}");
            }
            if let Err(e) = digest::release_due(db, chrono::Utc::now()).await {
                tracing::warn!("releasing held alert messages failed: {e}");
            }
            match deliver_due(db, &worker).await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "alert messages delivered"),
                Ok(_) => {}
                Err(e) => tracing::warn!("alert delivery pass failed: {e}"),
            }
            drop(s);
            tokio::time::sleep(TICK).await;
        }
    });
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
    let row = crate::store::entity::alert_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| crate::store::StoreError::NotFound(format!("message {id}")))?;
    // Claimed for this one message only: others wait for the worker.
    let worker = worker_name();
    let claimed = outbox::claim_one(db, id, &worker, now).await?;
    if claimed {
        let dest = channels::destination(db, channel_id).await;
        let (event, key, payload) = (
            row.event.clone(),
            row.idempotency_key.clone(),
            row.payload.clone(),
        );
        let outcome = tokio::task::spawn_blocking(move || match &dest {
            Ok((c, d)) => transport::send(c, d, &event, &key, &payload),
            Err(e) => Err(e.to_string()),
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        let row = crate::store::entity::alert_outbox::Model {
            attempts: row.attempts + 1,
            ..row
        };
        outbox::finish(db, &row, &worker, outcome, chrono::Utc::now()).await?;
    }
    crate::store::alerts::views::delivery(db, id).await
}
