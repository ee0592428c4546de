//! `assets.shield_worst`: the most severe open Shield finding on the asset (0 none, 1 low,
//! 2 medium, 3 high, 4 critical), kept by every Shield save, so the stored risk score can take
//! it as a factor without reading the findings.
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
                .table(Alias::new("assets"))
                .add_column(
                    ColumnDef::new(Alias::new("shield_worst"))
                        .small_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .drop_column(Alias::new("shield_worst"))
                .to_owned(),
        )
        .await
    }
}
