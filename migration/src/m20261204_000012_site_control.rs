//! The control channel's first tables:
//! - `site_configs`: what an admin set for a site (targets, exclusions, ports, interval,
//!   fragile devices, Shield, maintenance window) and the version agents apply. `digest` is
//!   the hash of everything an agent is sent (settings, registered subnets and switches,
//!   fragile addresses): the version steps only when it changes.
//! - `agents.config_version`: the version an agent said it runs.
//! - `audit_log`: every admin action, append-only (triggers refuse UPDATE and DELETE on both
//!   backends, so no code path of the application can rewrite history).
//! - `ix_assets_fragile`: the fragile assets of a site, read on every configuration refresh.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_TRIGGERS: [&str; 2] = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
];

const PG_TRIGGERS: [&str; 2] = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
];

fn site_configs() -> TableCreateStatement {
    Table::create()
        .table("site_configs")
        .col(pk_uuid("site_id"))
        .col(big_integer("version"))
        .col(json_binary("settings"))
        .col(string_len("digest", 64))
        .col(timestamp_with_time_zone("updated_at"))
        .col(string_len_null("updated_by", 64))
        .foreign_key(
            ForeignKey::create()
                .name("fk_site_configs_site_id")
                .from(Alias::new("site_configs"), Alias::new("site_id"))
                .to(Alias::new("sites"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn audit_log() -> TableCreateStatement {
    Table::create()
        .table("audit_log")
        .col(pk_uuid("id"))
        .col(timestamp_with_time_zone("at"))
        // Who: a user name (or the name tried, for a failed login), never a secret.
        .col(string_len("actor", 64))
        .col(string_len_null("address", 64))
        .col(string_len("action", 48))
        .col(string_len_null("site", 64))
        .col(string_len_null("target", 256))
        .col(json_binary_null("before"))
        .col(json_binary_null("after"))
        .to_owned()
}

fn audit_indexes() -> Vec<IndexCreateStatement> {
    [
        ("ix_audit_log_at", &["at", "id"][..]),
        ("ix_audit_log_actor", &["actor", "at"]),
        ("ix_audit_log_action", &["action", "at"]),
        ("ix_audit_log_site", &["site", "at"]),
    ]
    .into_iter()
    .map(|(name, cols)| {
        let mut i = Index::create();
        i.name(name).table(Alias::new("audit_log"));
        for c in cols {
            i.col(Alias::new(*c));
        }
        i.to_owned()
    })
    .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(site_configs()).await?;
        m.create_table(audit_log()).await?;
        for i in audit_indexes() {
            m.create_index(i).await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("ALTER TABLE agents ADD COLUMN config_version BIGINT NULL")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_assets_fragile ON assets (site_id) WHERE sensitivity = 'fragile'",
        )
        .await?;
        let triggers: &[&str] = match db.get_database_backend() {
            DbBackend::Postgres => &PG_TRIGGERS,
            _ => &SQLITE_TRIGGERS,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ix_assets_fragile")
            .await?;
        db.execute_unprepared("ALTER TABLE agents DROP COLUMN config_version")
            .await?;
        m.drop_table(Table::drop().table(Alias::new("audit_log")).to_owned())
            .await?;
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION audit_log_append_only()")
                .await?;
        }
        m.drop_table(Table::drop().table(Alias::new("site_configs")).to_owned())
            .await
    }
}
