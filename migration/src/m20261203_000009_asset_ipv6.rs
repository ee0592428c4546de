//! `assets.ipv6`: the IPv6 addresses the asset's MAC answered from on its link (JSON list of
//! strings), absent on assets stored before IPv6 neighbour discovery.
use sea_orm_migration::{prelude::*, schema::*};

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
                .add_column(json_binary_null("ipv6"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .drop_column(Alias::new("ipv6"))
                .to_owned(),
        )
        .await
    }
}
