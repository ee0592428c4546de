//! Runs the embedded migrations once, even when several processes start together:
//! PostgreSQL takes an advisory lock inside the migrating transaction, SQLite an exclusive
//! lock on a file next to the database. A database migrated by a newer bigr is refused.
use super::connect::sqlite_path;
use super::error::{StoreError, StoreResult};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde::Serialize;

/// Arbitrary constant shared by every bigr process: "the bigr migration lock".
const PG_LOCK_KEY: i64 = 0x0062_6967_726d_6967;

/// Applies pending migrations under a cross-process lock.
pub async fn up(db: &DatabaseConnection, url: &str) -> StoreResult<()> {
    refuse_newer(db).await?;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_advisory_xact_lock({PG_LOCK_KEY})"),
            ))
            .await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await?;
        }
        _ => {
            // In-memory databases are private to this process: nothing to race with.
            let _guard = match sqlite_path(url) {
                Some(path) => Some(lock_file(format!("{path}.migrate-lock")).await?),
                None => None,
            };
            Migrator::up(db, None).await?;
        }
    }
    Ok(())
}

/// Takes an exclusive lock on `path`; waits on a blocking thread so that other tasks of this
/// process (which may hold the lock) keep running.
async fn lock_file(path: String) -> StoreResult<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .mode(0o600)
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            StoreError::Connect(format!("cannot create the migration lock {path}: {e}"))
        })?;
    tokio::task::spawn_blocking(move || file.lock().map(|_| file))
        .await
        .map_err(|e| StoreError::Connect(format!("migration lock task failed: {e}")))?
        .map_err(|e| StoreError::Connect(format!("cannot lock the migration lock: {e}")))
}

/// Migration names recorded in the database, oldest first (empty for a new database).
async fn applied(db: &DatabaseConnection) -> StoreResult<Vec<String>> {
    let backend = db.get_database_backend();
    let exists_sql = match backend {
        DbBackend::Postgres => {
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'seaql_migrations'"
        }
        _ => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
    };
    if db
        .query_one_raw(Statement::from_string(backend, exists_sql))
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "version").map_err(StoreError::from))
        .collect()
}

fn known() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect()
}

/// Errors when the database holds a migration this binary does not know.
pub async fn refuse_newer(db: &DatabaseConnection) -> StoreResult<()> {
    let known = known();
    if let Some(unknown) = applied(db).await?.into_iter().find(|v| !known.contains(v)) {
        return Err(StoreError::SchemaTooNew(format!(
            "it has migration {unknown}"
        )));
    }
    Ok(())
}

/// What `bigr db status` reports about the schema.
#[derive(Debug, Serialize)]
pub struct SchemaStatus {
    pub applied: Vec<String>,
    pub pending: Vec<String>,
    /// The newest applied migration: the schema version.
    pub version: Option<String>,
}

pub async fn status(db: &DatabaseConnection) -> StoreResult<SchemaStatus> {
    let applied = applied(db).await?;
    let pending = known()
        .into_iter()
        .filter(|k| !applied.contains(k))
        .collect();
    Ok(SchemaStatus {
        version: applied.last().cloned(),
        applied,
        pending,
    })
}
