//! The store: SeaORM entities and every query. Functions take a connection (or transaction);
//! nothing here knows about HTTP, agents or the terminal.
mod apply;
pub mod certificates;
pub mod changes;
mod connect;
pub mod copy;
pub mod entity;
mod error;
pub mod identity;
pub mod inventory;
mod merge;
pub mod migrate;
pub mod page;
mod save_scan;
pub mod scans;
pub mod sites;
mod state;
pub mod subnets;
pub mod switches;
pub mod tags;
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
