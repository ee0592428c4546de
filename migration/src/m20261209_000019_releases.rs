//! Signed agent releases. A release is a manifest (version, target, SHA-256, size, signing
//! date, the signing key's id and the signature) and its binary, stored in the database in
//! 1 MiB chunks so that it survives a redeploy on a host whose disk does not (Render) and is
//! served a chunk at a time. Agents gain what the update path reports: their platform, and
//! the state of their latest update (updating, updated, refused, rolled back) with its
//! version and reason.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const AGENT_COLUMNS: [&str; 5] = [
    "target",
    "update_state",
    "update_version",
    "update_reason",
    "update_at",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("releases")
                .col(pk_uuid("id"))
                .col(string_len("version", 32))
                .col(string_len("target", 64))
                .col(string_len("sha256", 64))
                .col(big_integer("size"))
                .col(timestamp_with_time_zone("signed_at"))
                .col(string_len("key_id", 32))
                .col(string_len("signature", 128))
                .col(timestamp_with_time_zone("added_at"))
                .col(string_len("added_by", 128))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_releases_version_target")
                .table(Alias::new("releases"))
                .col(Alias::new("version"))
                .col(Alias::new("target"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("release_chunks")
                .col(uuid("release_id"))
                .col(integer("seq"))
                .col(blob("data"))
                .primary_key(Index::create().col("release_id").col("seq"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_release_chunks_release_id")
                        .from(Alias::new("release_chunks"), Alias::new("release_id"))
                        .to(Alias::new("releases"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let columns = [
            string_len_null("target", 64),
            string_len_null("update_state", 16),
            string_len_null("update_version", 32),
            string_len_null("update_reason", 512),
            timestamp_with_time_zone_null("update_at"),
        ];
        for mut col in columns {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("agents"))
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in AGENT_COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("agents"))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(Alias::new("release_chunks")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Alias::new("releases")).to_owned())
            .await
    }
}
