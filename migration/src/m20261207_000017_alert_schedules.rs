//! Alerts, second part: digests (messages held for a channel's schedule are carried by one
//! digest message, `digest_id`), the baselines rules compare with (a site's compliance grade
//! when it was last fine), and a site agent's latest failed scan, which it reports in its
//! heartbeat until a scan succeeds. Channels gain a failure count and a pause: a channel that
//! fails is left alone for a while (doubling), so a dead webhook costs one try per pause
//! instead of one per message, and never holds up the others.
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
                .table(Alias::new("alert_outbox"))
                .add_column(uuid_null("digest_id"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("alert_channels"))
                .add_column(integer("failures").default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("alert_channels"))
                .add_column(timestamp_with_time_zone_null("paused_until"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_baselines")
                .col(uuid("site_id"))
                .col(string_len("name", 32))
                .col(string_len("value", 64))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("site_id").col("name"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_alert_baselines_site_id")
                        .from(Alias::new("alert_baselines"), Alias::new("site_id"))
                        .to(Alias::new("sites"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("agents"))
                .add_column(timestamp_with_time_zone_null("scan_failed_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("agents"))
                .add_column(string_len_null("scan_failure", 512))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["scan_failure", "scan_failed_at"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("agents"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(
            Table::drop()
                .table(Alias::new("alert_baselines"))
                .to_owned(),
        )
        .await?;
        for col in ["paused_until", "failures"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("alert_channels"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Alias::new("alert_outbox"))
                .drop_column(Alias::new("digest_id"))
                .to_owned(),
        )
        .await
    }
}
