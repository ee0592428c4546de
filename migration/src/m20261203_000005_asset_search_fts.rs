//! Inventory search over every site on SQLite: an FTS5 trigram index of the same lowercased
//! text PostgreSQL's trigram index covers (migration 4), kept in sync by triggers. A search
//! across 100 000 assets otherwise tests four columns of every row.
//!
//! The index is keyed by `asset_search_keys.n`, an INTEGER PRIMARY KEY of our own: the
//! assets table's implicit rowid (its key is a UUID) may change on VACUUM, which would
//! silently point the index at other assets. PostgreSQL needs nothing here.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// The searched text of the row `r` (`new`, `old` or a table alias), as in migration 4 with
/// SQLite's `char` for PostgreSQL's `chr`.
fn text_of(r: &str) -> String {
    format!(
        "lower({r}.ip || char(31) || coalesce({r}.mac, '') || char(31) || \
         coalesce({r}.hostname, '') || char(31) || coalesce({r}.vendor, ''))"
    )
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let key_of = |r: &str| format!("(SELECT n FROM asset_search_keys WHERE asset_id = {r}.id)");
        let statements = [
            "CREATE TABLE asset_search_keys (n INTEGER PRIMARY KEY, \
             asset_id TEXT NOT NULL UNIQUE REFERENCES assets(id) ON DELETE CASCADE)"
                .to_string(),
            "CREATE VIRTUAL TABLE asset_search USING fts5(text, tokenize = 'trigram')".to_string(),
            "INSERT INTO asset_search_keys (asset_id) SELECT id FROM assets ORDER BY id"
                .to_string(),
            format!(
                "INSERT INTO asset_search (rowid, text) SELECT k.n, {} FROM assets a \
                 JOIN asset_search_keys k ON k.asset_id = a.id",
                text_of("a")
            ),
            format!(
                "CREATE TRIGGER asset_search_insert AFTER INSERT ON assets BEGIN \
                 INSERT INTO asset_search_keys (asset_id) VALUES (new.id); \
                 INSERT INTO asset_search (rowid, text) VALUES ({}, {}); END",
                key_of("new"),
                text_of("new")
            ),
            format!(
                "CREATE TRIGGER asset_search_update AFTER UPDATE OF ip, mac, hostname, vendor \
                 ON assets BEGIN \
                 UPDATE asset_search SET text = {} WHERE rowid = {}; END",
                text_of("new"),
                key_of("new")
            ),
            format!(
                "CREATE TRIGGER asset_search_delete AFTER DELETE ON assets BEGIN \
                 DELETE FROM asset_search WHERE rowid = {}; \
                 DELETE FROM asset_search_keys WHERE asset_id = old.id; END",
                key_of("old")
            ),
        ];
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        for sql in [
            "DROP TRIGGER IF EXISTS asset_search_insert",
            "DROP TRIGGER IF EXISTS asset_search_update",
            "DROP TRIGGER IF EXISTS asset_search_delete",
            "DROP TABLE IF EXISTS asset_search",
            "DROP TABLE IF EXISTS asset_search_keys",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
