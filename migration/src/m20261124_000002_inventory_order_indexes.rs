//! Indexes for the all-sites inventory: paging ordered by address, and the per-group counts
//! the dashboard shows beside every page, without sorting or scanning 100 000 rows each time.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn ix(name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new("assets"));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(ix("ix_assets_ip_sort_id", &["ip_sort", "id"]))
            .await?;
        m.create_index(ix("ix_assets_category_site_id", &["category", "site_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_assets_ip_sort_id", "ix_assets_category_site_id"] {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(Alias::new("assets"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
