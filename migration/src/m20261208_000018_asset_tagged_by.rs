//! Who tagged an asset by hand: the compliance report shows each manual tag with its author.
//! Tags made before this migration have none (the audit log still names who made them).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .add_column(string_len_null("tagged_by", 128))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .drop_column(Alias::new("tagged_by"))
                .to_owned(),
        )
        .await
    }
}
