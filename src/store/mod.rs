//! The store: SeaORM entities and every query. Functions take a connection (or transaction);
//! nothing here knows about HTTP, agents or the terminal.
pub mod agents;
pub mod alerts;
mod apply;
pub mod audit;
pub mod certificates;
pub mod changes;
pub mod commands;
mod connect;
pub mod copy;
pub mod enrollments;
pub mod entity;
mod error;
pub mod facts;
pub mod identity;
pub mod inventory;
pub mod layer2;
mod merge;
pub mod migrate;
mod nodelay;
pub mod page;
pub mod pooler;
mod projection;
pub mod releases;
pub mod report_rows;
mod save_scan;
pub mod scans;
pub mod scores;
mod search_window;
pub mod sessions;
pub mod shield;
pub mod shield_issues;
pub mod shield_views;
pub mod site_config;
pub mod sites;
mod state;
pub mod subnets;
mod switch_links;
pub mod switches;
pub mod tags;
mod touched;
pub mod trends;
pub mod users;

pub use apply::change_type;
pub use connect::{OpenOptions, backend, open, sqlite_path};
pub use error::{StoreError, StoreResult};
pub use page::{Page, PageRequest};
pub use save_scan::{SaveOptions, SaveOutcome, save_scan};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement,
    TransactionTrait,
};

/// Bind parameters per multi-row INSERT: under SQLite's 32 766 and PostgreSQL's 65 535.
const MAX_PARAMS: usize = 30_000;

/// Rows of entity `E` per multi-row INSERT. As few statements as the parameter limit allows:
/// each statement costs a round trip, and with sqlx 0.9.0 (no TCP_NODELAY, sqlx #4335) a
/// multi-segment statement over TCP also waits out a delayed ACK.
pub(crate) fn rows_per_insert<E: sea_orm::EntityTrait>() -> usize {
    use sea_orm::Iterable;
    (MAX_PARAMS / E::Column::iter().count().max(1)).max(1)
}

/// The n-th bind placeholder of a raw statement: `$n` on PostgreSQL, `?` on SQLite.
pub(crate) fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".into(),
    }
}

/// Starts a transaction that holds the write lock from its first statement. On SQLite a
/// deferred transaction that reads first and writes later fails at once with SQLITE_BUSY when
/// another writer got in between (the busy timeout cannot help); taking the lock up front
/// makes concurrent writers queue instead.
pub async fn begin_write(db: &DatabaseConnection) -> StoreResult<DatabaseTransaction> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_raw(Statement::from_string(
            DbBackend::Sqlite,
            "UPDATE sites SET name = name WHERE 1 = 0",
        ))
        .await?;
    }
    Ok(txn)
}
