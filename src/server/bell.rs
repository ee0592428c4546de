//! Wakes an agent's long-polling heartbeat when a command is queued for it. Within one
//! instance the handler that queued it rings at once; on PostgreSQL the queueing also sends
//! `NOTIFY bigr_commands, '<agent id>'` and every instance listens, so an agent held by
//! another instance behind the same load balancer wakes too. No database connection is held
//! while an agent waits: the wait is a `Notify`, and the map holds one entry per agent
//! currently waiting (bounded by the connections the server accepts).
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{DatabaseConnection, DbBackend};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::store::commands::CHANNEL;
/// A lost listener connection is re-opened after this long.
const RELISTEN_AFTER: Duration = Duration::from_secs(2);
/// How long a new listener waits for its own probe notification.
const PROBE_WAIT: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct Bell {
    waiting: Mutex<HashMap<Uuid, Arc<Notify>>>,
}

/// An agent's place in the bell while it waits; leaving drops the entry when nobody else of
/// the same agent waits.
pub struct Waiter<'a> {
    bell: &'a Bell,
    agent: Uuid,
    pub notify: Arc<Notify>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let mut map = self.bell.lock();
        // The map's own reference and ours: nobody else waits for this agent.
        if map
            .get(&self.agent)
            .is_some_and(|n| Arc::strong_count(n) <= 2)
        {
            map.remove(&self.agent);
        }
    }
}

impl Bell {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Notify>>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers `agent` as waiting. Take the `notified()` future before looking in the
    /// database, so a command queued in between is not missed.
    pub fn wait_for(&self, agent: Uuid) -> Waiter<'_> {
        let notify = self.lock().entry(agent).or_default().clone();
        Waiter {
            bell: self,
            agent,
            notify,
        }
    }

    /// Wakes every waiter of `agent` on this instance.
    pub fn ring(&self, agent: Uuid) {
        if let Some(n) = self.lock().get(&agent) {
            n.notify_waiters();
        }
    }

    /// Agents waiting now.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.lock().len()
    }
}

/// Listens for other instances' commands for as long as `bell` lives (PostgreSQL only).
/// `direct_url` is a connection that bypasses a transaction pooler (PgBouncer, Neon's
/// `-pooler` endpoint); without one the pool is used, unless it turns out to go through such
/// a pooler: a LISTEN left on a pooled server session would hand notifications to whichever
/// client uses that session next and break its query, so then nothing listens and the log
/// says so. Each new listener first proves that a notification reaches it.
pub async fn listen(db: DatabaseConnection, direct_url: Option<String>, bell: Weak<Bell>) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    if direct_url.is_none() && !pool_may_listen(&db, &bell).await {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    let mut warned = false;
    loop {
        let connected = match &direct_url {
            Some(url) => PgListener::connect(url).await,
            None => PgListener::connect_with(&pool).await,
        };
        let mut listener = match connected {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("command listener cannot connect: {e}");
                tokio::time::sleep(RELISTEN_AFTER).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!("command listener cannot listen: {e}");
            tokio::time::sleep(RELISTEN_AFTER).await;
            continue;
        }
        match heard_own_probe(&db, &mut listener, &bell).await {
            Probe::Heard => warned = false,
            Probe::Unheard if !warned => {
                warned = true;
                tracing::warn!(
                    "notifications between server instances do not arrive over {} (a \
                     transaction pooler such as PgBouncer or Neon's -pooler endpoint cannot \
                     hold a LISTEN): set database_direct_url to a direct connection; until \
                     then an agent waiting on another instance sees a new command at its \
                     next heartbeat",
                    if direct_url.is_some() {
                        "database_direct_url"
                    } else {
                        "the pool"
                    }
                );
            }
            Probe::Unheard => {}
            Probe::Gone => return,
        }
        loop {
            match listener.recv().await {
                Ok(n) => {
                    let Some(bell) = bell.upgrade() else { return };
                    if let Ok(agent) = n.payload().parse::<Uuid>() {
                        bell.ring(agent);
                    }
                }
                Err(e) => {
                    tracing::warn!("command listener lost its connection: {e}");
                    break;
                }
            }
            if bell.strong_count() == 0 {
                return;
            }
        }
        tokio::time::sleep(RELISTEN_AFTER).await;
    }
}

/// Whether the pool is direct (LISTEN may use it); retried while the database is away.
async fn pool_may_listen(db: &DatabaseConnection, bell: &Weak<Bell>) -> bool {
    loop {
        match crate::store::pooler::behind_transaction_pooler(db).await {
            Ok(false) => return true,
            Ok(true) => {
                tracing::warn!(
                    "database_url goes through a transaction pooler, which cannot hold the \
                     LISTEN that wakes agents waiting on other server instances: set \
                     database_direct_url to a direct connection; until then such an agent \
                     sees a new command at its next heartbeat"
                );
                return false;
            }
            Err(e) => tracing::warn!("command listener cannot check the pool: {e}"),
        }
        if bell.strong_count() == 0 {
            return false;
        }
        tokio::time::sleep(RELISTEN_AFTER).await;
    }
}

enum Probe {
    Heard,
    Unheard,
    /// The server is shutting down.
    Gone,
}

/// Sends a probe through the pool, as commands are announced, and waits for the listener to
/// hear it; commands heard meanwhile ring as usual.
async fn heard_own_probe(
    db: &DatabaseConnection,
    listener: &mut PgListener,
    bell: &Weak<Bell>,
) -> Probe {
    let probe = format!("probe:{}", Uuid::new_v4());
    if crate::store::commands::notify(db, &probe).await.is_err() {
        return Probe::Unheard;
    }
    let deadline = tokio::time::Instant::now() + PROBE_WAIT;
    loop {
        let next = tokio::time::timeout_at(deadline, listener.recv()).await;
        let Ok(Ok(n)) = next else {
            return Probe::Unheard;
        };
        if n.payload() == probe {
            return Probe::Heard;
        }
        let Some(bell) = bell.upgrade() else {
            return Probe::Gone;
        };
        if let Ok(agent) = n.payload().parse::<Uuid>() {
            bell.ring(agent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_ring_wakes_the_waiting_agent_only_and_leaving_frees_its_entry() {
        let bell = Bell::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        {
            let wa = bell.wait_for(a);
            let wb = bell.wait_for(b);
            let woke_a = wa.notify.notified();
            let woke_b = wb.notify.notified();
            tokio::pin!(woke_a, woke_b);
            woke_a.as_mut().enable();
            woke_b.as_mut().enable();
            bell.ring(a);
            tokio::time::timeout(Duration::from_millis(200), woke_a)
                .await
                .expect("a woke");
            assert!(
                tokio::time::timeout(Duration::from_millis(50), woke_b)
                    .await
                    .is_err(),
                "b was not rung"
            );
            assert_eq!(bell.waiting(), 2);
        }
        assert_eq!(bell.waiting(), 0, "entries leave with their waiters");
    }
}
