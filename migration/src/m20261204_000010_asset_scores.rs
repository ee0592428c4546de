//! Per-asset figures stored beside the facts they come from, so the risk and CVE views are
//! indexed queries and sums instead of a pass over every asset:
//! - `risk_centis`: the risk score in hundredths (exact to sum and compare);
//! - `risk_due`: when the asset's age next moves its score (NULL once it no longer can);
//! - `cve_*`: how many known CVEs its services match, the worst CVSS, whether one is actively
//!   exploited, and the count per severity;
//! - `scored_with`: which formula and CVE snapshot computed them ('' = not yet).
//!
//! `store_meta` holds the version every asset has been scored with, so a server knows at
//! start, from one row, whether an upgrade brought a new snapshot to score with.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 9] = [
    ("risk_centis", "INTEGER NOT NULL DEFAULT 0"),
    ("risk_due", "TIMESTAMP WITH TIME ZONE NULL"),
    ("cve_count", "INTEGER NOT NULL DEFAULT 0"),
    ("cve_max", "DOUBLE PRECISION NOT NULL DEFAULT 0"),
    ("cve_kev", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("cve_critical", "INTEGER NOT NULL DEFAULT 0"),
    ("cve_high", "INTEGER NOT NULL DEFAULT 0"),
    ("cve_medium", "INTEGER NOT NULL DEFAULT 0"),
    ("cve_low", "INTEGER NOT NULL DEFAULT 0"),
];

/// Ordered as the views page: highest risk (or worst CVE) first, then site, address and id.
/// The CVE indexes hold only vulnerable assets.
const INDEXES: [(&str, &str); 5] = [
    ("ix_assets_risk", "(risk_centis DESC, site_id, ip_sort, id)"),
    (
        "ix_assets_site_risk",
        "(site_id, risk_centis DESC, ip_sort, id)",
    ),
    (
        "ix_assets_cves",
        "(cve_kev DESC, cve_max DESC, site_id, ip_sort, id) WHERE cve_count > 0",
    ),
    (
        "ix_assets_site_cves",
        "(site_id, cve_kev DESC, cve_max DESC, ip_sort, id) WHERE cve_count > 0",
    ),
    (
        "ix_assets_risk_due",
        "(risk_due) WHERE risk_due IS NOT NULL",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // One column per statement: SQLite alters one thing at a time.
        let sqlite = db.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite;
        for (name, ty) in COLUMNS {
            // The type SeaORM gives timestamps on SQLite (text, compared as text).
            let ty = match (name, sqlite) {
                ("risk_due", true) => "timestamp_with_timezone_text NULL",
                _ => ty,
            };
            db.execute_unprepared(&format!("ALTER TABLE assets ADD COLUMN {name} {ty}"))
                .await?;
        }
        db.execute_unprepared(
            "ALTER TABLE assets ADD COLUMN scored_with VARCHAR NOT NULL DEFAULT ''",
        )
        .await?;
        for (name, def) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON assets {def}"))
                .await?;
        }
        db.execute_unprepared(
            "CREATE TABLE store_meta (key VARCHAR NOT NULL PRIMARY KEY, value VARCHAR NOT NULL)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP TABLE store_meta").await?;
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        db.execute_unprepared("ALTER TABLE assets DROP COLUMN scored_with")
            .await?;
        for (name, _) in COLUMNS.iter().rev() {
            db.execute_unprepared(&format!("ALTER TABLE assets DROP COLUMN {name}"))
                .await?;
        }
        Ok(())
    }
}
