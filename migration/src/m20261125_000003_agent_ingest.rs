//! What the agent issue needs beyond the initial tables: what an agent last said about itself
//! (activity, last error, its heartbeat period, so "stale" means three of *its* heartbeats
//! missed), a report id on shield scans (so a re-sent shield report is stored once), the CVE
//! and ATT&CK fields of shield findings, and an index for the lifecycle sweep.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn add(table: &str, col: &mut ColumnDef) -> TableAlterStatement {
    Table::alter()
        .table(Alias::new(table))
        .add_column(col)
        .to_owned()
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn ix(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// (table, column) pairs added here, in order; `down` drops them in reverse.
const COLUMNS: [(&str, &str); 7] = [
    ("agents", "activity"),
    ("agents", "last_error"),
    ("agents", "heartbeat_seconds"),
    ("shield_scans", "report_id"),
    ("shield_findings", "cve_id"),
    ("shield_findings", "cvss_score"),
    ("shield_findings", "attack_technique"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite's ALTER TABLE adds one column per statement, so one statement each.
        m.alter_table(add("agents", col("activity").string_len(32).null()))
            .await?;
        m.alter_table(add("agents", col("last_error").string_len(512).null()))
            .await?;
        m.alter_table(add(
            "agents",
            col("heartbeat_seconds").integer().not_null().default(60),
        ))
        .await?;
        m.alter_table(add("shield_scans", col("report_id").uuid().null()))
            .await?;
        m.alter_table(add("shield_findings", col("cve_id").string_len(32).null()))
            .await?;
        m.alter_table(add("shield_findings", col("cvss_score").double().null()))
            .await?;
        m.alter_table(add(
            "shield_findings",
            col("attack_technique").string_len(32).null(),
        ))
        .await?;
        // SQLite cannot add a UNIQUE column; a unique index does the same job (NULLs differ).
        m.create_index(ix(
            "ux_shield_scans_report_id",
            "shield_scans",
            &["report_id"],
            true,
        ))
        .await?;
        m.create_index(ix(
            "ix_agents_status_last_seen",
            "agents",
            &["status", "last_seen_at"],
            false,
        ))
        .await?;
        m.create_index(ix(
            "ix_shield_scans_site_started",
            "shield_scans",
            &["site_id", "started_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_shield_scans_site_started", "shield_scans"),
            ("ix_agents_status_last_seen", "agents"),
            ("ux_shield_scans_report_id", "shield_scans"),
        ] {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        for (table, column) in COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(*table))
                    .drop_column(Alias::new(*column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
