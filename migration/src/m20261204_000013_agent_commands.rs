//! `agent_commands`: what an admin asked one agent to do now (scan, poll switches, reload its
//! configuration, rotate its token), and how far it got. A command is queued, then acked by
//! the agent (a conditional UPDATE: only one ack wins, so it runs at most once), running with
//! progress, and ends completed with a result, failed with a reason, or expired when nobody
//! took it in time.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_agent_commands_{col}"))
        .from(Alias::new("agent_commands"), Alias::new(col))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("agent_commands")
                .col(pk_uuid("id"))
                .col(uuid("site_id"))
                .col(uuid("agent_id"))
                .col(string_len("kind", 32))
                .col(json_binary("args"))
                .col(string_len("state", 16))
                .col(string_len("issued_by", 64))
                .col(timestamp_with_time_zone("issued_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("acked_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(json_binary_null("progress"))
                .col(json_binary_null("result"))
                .foreign_key(&mut fk("site_id", "sites"))
                .foreign_key(&mut fk("agent_id", "agents"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_agent_commands_agent",
                &["agent_id", "state", "issued_at"][..],
            ),
            ("ix_agent_commands_site", &["site_id", "issued_at"]),
            ("ix_agent_commands_open", &["state", "expires_at"]),
        ] {
            let mut i = Index::create();
            i.name(name).table(Alias::new("agent_commands"));
            for c in cols {
                i.col(Alias::new(*c));
            }
            m.create_index(i.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("agent_commands")).to_owned())
            .await
    }
}
