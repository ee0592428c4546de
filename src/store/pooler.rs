//! Whether a PostgreSQL pool goes through a transaction pooler (PgBouncer in transaction
//! mode, Neon's `-pooler` endpoint). Behind one, consecutive statements of one client
//! connection may run on different server sessions, so session state such as a LISTEN would
//! stay behind on a server connection that other clients then use: a notification arriving
//! there breaks whatever query that client runs. The check uses no session state itself.
use super::error::StoreResult;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, Acquire};

/// True when the pool's connections do not each keep one server session. On a direct
/// connection a client always sees the same backend pid and two clients never share one;
/// behind a transaction pooler the second client, in a transaction, is usually handed the
/// server session the first just released (PgBouncer reuses the most recent idle one), or
/// the first then gets another. A few rounds make a miss unlikely; a direct pool can never
/// be taken for a pooled one.
pub async fn behind_transaction_pooler(db: &DatabaseConnection) -> StoreResult<bool> {
    const ROUNDS: usize = 8;
    let pool = db.get_postgres_connection_pool();
    let pid = "SELECT pg_backend_pid()";
    let mut first = pool.acquire().await.map_err(sqlx_error)?;
    let mut second = pool.acquire().await.map_err(sqlx_error)?;
    let mut own: Option<i32> = None;
    for _ in 0..ROUNDS {
        let before: i32 = sqlx::query_scalar(pid)
            .fetch_one(&mut *first)
            .await
            .map_err(sqlx_error)?;
        let mut pinned = second.begin().await.map_err(sqlx_error)?;
        let other: i32 = sqlx::query_scalar(pid)
            .fetch_one(&mut *pinned)
            .await
            .map_err(sqlx_error)?;
        let after: i32 = sqlx::query_scalar(pid)
            .fetch_one(&mut *first)
            .await
            .map_err(sqlx_error)?;
        pinned.rollback().await.map_err(sqlx_error)?;
        let moved = own.is_some_and(|p| p != before);
        if other == before || other == after || after != before || moved {
            return Ok(true);
        }
        own = Some(before);
    }
    Ok(false)
}

fn sqlx_error(e: sqlx::Error) -> super::error::StoreError {
    super::error::StoreError::Connect(e.to_string())
}
