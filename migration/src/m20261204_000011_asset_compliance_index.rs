//! Compliance counts assets by site, group, manual tag and confidence band. The rows are wide
//! (services, evidence and names as JSON), so counting from the table reads every page of
//! it; this index holds exactly the columns the counts read, and both backends answer them
//! from the index alone.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_assets_compliance";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut i = Index::create();
        i.name(NAME).table(Alias::new("assets"));
        for c in ["site_id", "category", "manual_category", "confidence"] {
            i.col(Alias::new(c));
        }
        m.create_index(i.to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(NAME)
                .table(Alias::new("assets"))
                .to_owned(),
        )
        .await
    }
}
