//! Alerts: rules (which state transitions to tell about, per site), channels (where to send,
//! secrets write-only), alerts (one row per condition, open until it clears; flapping folds
//! into the same row with a count), and the outbox that delivers them at least once with an
//! idempotency key, claimed row by row so that several servers never send one message twice.
//! Scans gain `alerts_done`: the evaluation of a scan's changes claims the scan first.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn site_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_site_id"))
        .from(Alias::new(table), Alias::new("site_id"))
        .to(Alias::new("sites"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("scans"))
                .add_column(boolean("alerts_done").default(false))
                .to_owned(),
        )
        .await?;
        // Scans stored before alerts existed are not news.
        m.get_connection()
            .execute_unprepared("UPDATE scans SET alerts_done = TRUE")
            .await?;
        m.create_index(
            Index::create()
                .name("idx_scans_alerts_pending")
                .table(Alias::new("scans"))
                .col(Alias::new("alerts_done"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_rules")
                .col(pk_uuid("id"))
                .col(uuid_null("site_id"))
                .col(string_len("kind", 32))
                .col(string_len("severity", 16))
                .col(boolean("enabled"))
                .col(json_binary("params"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut site_fk("alert_rules"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_channels")
                .col(pk_uuid("id"))
                .col(uuid_null("site_id"))
                .col(string_len("kind", 16))
                .col(string_len("name", 128))
                // What may be shown: the host a webhook posts to, the mail recipients.
                .col(string_len("target", 512))
                // Write-only: webhook URLs (their path is the credential), HMAC keys, SMTP
                // passwords. Never in an API answer, a log or the audit log.
                .col(text("secret"))
                .col(json_binary("settings"))
                .col(string_len("min_severity", 16))
                .col(boolean("enabled"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut site_fk("alert_channels"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alerts")
                .col(pk_uuid("id"))
                .col(uuid("site_id"))
                .col(string_len("kind", 32))
                // What the condition is about, e.g. `asset:<id>` or `agent:<id>:stale`.
                .col(string_len("condition_key", 160))
                .col(string_len("severity", 16))
                .col(string_len("title", 512))
                .col(json_binary("detail"))
                .col(string_len("status", 16))
                .col(integer("occurrences").default(1))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .col(string_len_null("acknowledged_by", 128))
                .col(timestamp_with_time_zone_null("acknowledged_at"))
                .col(string_len_null("ack_note", 1000))
                // 1 while not resolved, NULL after: the unique index below then allows one
                // live alert per condition, any number of resolved ones.
                .col(small_integer_null("live"))
                .foreign_key(&mut site_fk("alerts"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_alerts_live_condition")
                .table(Alias::new("alerts"))
                .col(Alias::new("site_id"))
                .col(Alias::new("condition_key"))
                .col(Alias::new("live"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_alerts_status_opened")
                .table(Alias::new("alerts"))
                .col(Alias::new("status"))
                .col(Alias::new("opened_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_outbox")
                .col(pk_uuid("id"))
                .col(uuid_null("alert_id"))
                .col(uuid("channel_id"))
                .col(string_len("event", 16))
                .col(string_len("idempotency_key", 96).unique_key())
                .col(json_binary("payload"))
                .col(string_len("status", 16))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(string_len_null("claimed_by", 64))
                .col(string_len_null("last_error", 512))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_alert_outbox_channel_id")
                        .from(Alias::new("alert_outbox"), Alias::new("channel_id"))
                        .to(Alias::new("alert_channels"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_alert_outbox_alert_id")
                        .from(Alias::new("alert_outbox"), Alias::new("alert_id"))
                        .to(Alias::new("alerts"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_alert_outbox_due")
                .table(Alias::new("alert_outbox"))
                .col(Alias::new("status"))
                .col(Alias::new("next_attempt_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["alert_outbox", "alerts", "alert_channels", "alert_rules"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        m.drop_index(
            Index::drop()
                .name("idx_scans_alerts_pending")
                .table(Alias::new("scans"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("scans"))
                .drop_column(Alias::new("alerts_done"))
                .to_owned(),
        )
        .await
    }
}
