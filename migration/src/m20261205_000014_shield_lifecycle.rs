//! Shield findings with a life: `shield_issues` holds one row per (site, check, address,
//! port) that a Shield scan ever reported, open until a later scan of that host by that module
//! no longer sees it (resolved, kept), and reopened when it comes back. Findings gain their
//! stable check id, EPSS/KEV and the asset they concern; scans keep their per-module scores
//! and what they assessed and could not.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn add(table: &str, col: ColumnDef) -> TableAlterStatement {
    let mut col = col;
    Table::alter()
        .table(Alias::new(table))
        .add_column(&mut col)
        .to_owned()
}

/// (table, column) pairs added here, in order; `down` drops them in reverse.
const COLUMNS: [(&str, &str); 7] = [
    ("shield_findings", "check_id"),
    ("shield_findings", "epss"),
    ("shield_findings", "kev"),
    ("shield_findings", "asset_id"),
    ("shield_scans", "module_scores"),
    ("shield_scans", "hosts"),
    ("shield_scans", "not_assessed"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite's ALTER TABLE adds one column per statement.
        m.alter_table(add("shield_findings", string_len_null("check_id", 64)))
            .await?;
        m.alter_table(add("shield_findings", double_null("epss")))
            .await?;
        m.alter_table(add("shield_findings", boolean_null("kev")))
            .await?;
        m.alter_table(add("shield_findings", uuid_null("asset_id")))
            .await?;
        m.alter_table(add("shield_scans", json_binary_null("module_scores")))
            .await?;
        m.alter_table(add("shield_scans", json_binary_null("hosts")))
            .await?;
        m.alter_table(add("shield_scans", json_binary_null("not_assessed")))
            .await?;
        m.create_table(
            Table::create()
                .table("shield_issues")
                .col(pk_uuid("id"))
                .col(uuid("site_id"))
                .col(string_len("check_id", 64))
                .col(string_len("module", 32))
                // '' and 0 when the finding concerns no address or port: the unique key
                // below must not treat NULLs as distinct.
                .col(string_len("target_ip", 45).default(""))
                .col(integer("port").default(0))
                .col(string_len("severity", 16))
                .col(string_len("title", 512))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("first_seen_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .col(integer("reopened_count").default(0))
                .col(uuid("last_scan_id"))
                .col(uuid("last_finding_id"))
                .col(uuid_null("asset_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shield_issues_site_id")
                        .from(Alias::new("shield_issues"), Alias::new("site_id"))
                        .to(Alias::new("sites"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            (
                "ux_shield_issues_key",
                &["site_id", "check_id", "target_ip", "port"][..],
                true,
            ),
            (
                "ix_shield_issues_status",
                &["site_id", "status", "severity"],
                false,
            ),
            ("ix_shield_issues_asset", &["asset_id", "status"], false),
            (
                "ix_shield_findings_scan_check",
                &["shield_scan_id", "check_id"],
                false,
            ),
        ] {
            let table = if name.starts_with("ix_shield_findings") {
                "shield_findings"
            } else {
                "shield_issues"
            };
            let mut i = Index::create();
            i.name(name).table(Alias::new(table));
            for c in cols {
                i.col(Alias::new(*c));
            }
            if unique {
                i.unique();
            }
            m.create_index(i.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_shield_findings_scan_check")
                .table(Alias::new("shield_findings"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("shield_issues")).to_owned())
            .await?;
        for (table, col) in COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(*table))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
