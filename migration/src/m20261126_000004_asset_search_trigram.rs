//! A trigram index for inventory search on PostgreSQL: `q` matches a substring anywhere in an
//! asset's address, MAC, hostname or vendor, which no B-tree can answer, so a search over
//! every site read all 100 000 rows. pg_trgm's GIN index answers `LIKE '%…%'` on the
//! expression below. SQLite keeps scanning (one site's rows, or a small inventory).
//!
//! `CREATE EXTENSION` needs a role allowed to create it (pg_trgm is a trusted extension from
//! PostgreSQL 13, so a database owner may); where it is refused, search still works through
//! the same expression without the index, and the migration says so in the log.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// The text inventory search matches, one lowercased string per asset. Fields are joined by
/// the unit separator (chr 31), which no search text holds, so a match never spans two fields.
/// The store's query uses this expression verbatim, or the index would not serve it.
pub const SEARCH_TEXT: &str = "lower(ip || chr(31) || coalesce(mac, '') || chr(31) || \
     coalesce(hostname, '') || chr(31) || coalesce(vendor, ''))";

const INDEX: &str = "ix_assets_search_trgm";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        // A refused CREATE EXTENSION must not abort the migration's transaction.
        db.execute_unprepared("SAVEPOINT bigr_trgm").await?;
        if let Err(e) = db
            .execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .await
        {
            db.execute_unprepared("ROLLBACK TO SAVEPOINT bigr_trgm")
                .await?;
            tracing::warn!(
                "pg_trgm could not be enabled ({e}); inventory search works without its index \
                 (ask the database owner to run CREATE EXTENSION pg_trgm, then restart)"
            );
            return Ok(());
        }
        db.execute_unprepared("RELEASE SAVEPOINT bigr_trgm").await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS {INDEX} ON assets USING gin (({SEARCH_TEXT}) gin_trgm_ops)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            // The extension stays: other schemas of the database may use it.
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {INDEX}"))
                .await?;
        }
        Ok(())
    }
}
