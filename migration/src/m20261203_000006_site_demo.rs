//! `sites.demo`: the site `bigr demo load` (or `bigr serve --demo`) generated, so the
//! dashboard can say it is demo data and `bigr demo remove` removes only that site.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("sites"))
                .add_column(
                    ColumnDef::new(Alias::new("demo"))
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("sites"))
                .drop_column(Alias::new("demo"))
                .to_owned(),
        )
        .await
    }
}
