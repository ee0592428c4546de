//! SQLite search index: deleting an asset (a site removed, its assets cascading) must also
//! delete its search row. Migration 5's AFTER DELETE trigger looked the row up through
//! `asset_search_keys`, whose own row the cascade had already removed, so the search row
//! stayed behind and a later asset could collide with its rowid. The trigger now runs
//! before the delete, and rows orphaned so far are dropped. PostgreSQL has no such index.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY_OF_OLD: &str = "(SELECT n FROM asset_search_keys WHERE asset_id = old.id)";

async fn run(m: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    let db = m.get_connection();
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(
            m,
            &[
                "DROP TRIGGER IF EXISTS asset_search_delete".into(),
                format!(
                    "CREATE TRIGGER asset_search_delete BEFORE DELETE ON assets BEGIN \
                     DELETE FROM asset_search WHERE rowid = {KEY_OF_OLD}; END"
                ),
                "DELETE FROM asset_search WHERE rowid NOT IN (SELECT n FROM asset_search_keys)"
                    .into(),
            ],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(
            m,
            &[
                "DROP TRIGGER IF EXISTS asset_search_delete".into(),
                format!(
                    "CREATE TRIGGER asset_search_delete AFTER DELETE ON assets BEGIN \
                     DELETE FROM asset_search WHERE rowid = {KEY_OF_OLD}; \
                     DELETE FROM asset_search_keys WHERE asset_id = old.id; END"
                ),
            ],
        )
        .await
    }
}
