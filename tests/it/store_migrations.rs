//! Migrations: fresh up, idempotent re-run, concurrent starts, newer schemas refused, and the
//! SeaORM entities agreeing with the migrated schema on both databases.
use crate::support::{PgDatabase, TestDb, on_each_backend};
use bigr::store::entity::*;
use bigr::store::{self, OpenOptions, StoreError, migrate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IdenStatic, Iterable, Statement,
};
use std::collections::BTreeMap;

/// Migrations this bigr knows: every fresh database records exactly these.
fn known() -> usize {
    use migration::MigratorTrait;
    migration::Migrator::migrations().len()
}

#[tokio::test]
async fn fresh_database_is_fully_migrated_and_rerun_is_a_no_op() {
    on_each_backend(async |t: &TestDb| {
        let s = migrate::status(&t.db).await.unwrap();
        assert!(s.pending.is_empty(), "{}: {:?}", t.backend, s.pending);
        assert_eq!(s.applied.len(), known());
        // Opening again applies nothing and keeps one record per migration.
        let again = store::open(&t.url, &OpenOptions::default()).await.unwrap();
        assert_eq!(migrate::status(&again).await.unwrap().applied, s.applied);
        assert_eq!(t.count("seaql_migrations").await as usize, known());
        again.close().await.ok();
        if t.backend == "postgres" {
            // Inventory search over every site has its trigram index.
            let found =
                t.db.query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_assets_search_trgm'",
                ))
                .await
                .unwrap()
                .expect("the trigram index");
            let def: String = found.try_get("", "indexdef").unwrap();
            assert!(def.contains("gin_trgm_ops"), "{def}");
        }
    })
    .await;
}

async fn concurrent_open(url: &str) {
    let opts = OpenOptions::default();
    let (a, b, c) = tokio::join!(
        store::open(url, &opts),
        store::open(url, &opts),
        store::open(url, &opts)
    );
    for db in [a, b, c] {
        let db = db.expect("every concurrent start succeeds");
        assert!(migrate::status(&db).await.unwrap().pending.is_empty());
        db.close().await.ok();
    }
}

#[tokio::test]
async fn concurrent_starts_migrate_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("race.db").display());
    concurrent_open(&url).await;
    let db = store::open(&url, &OpenOptions::default()).await.unwrap();
    let n = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.try_get::<i64>("", "n").unwrap() as usize, known());
}

#[tokio::test]
async fn concurrent_starts_migrate_once_on_postgres() {
    // Directly, then through PgBouncer in transaction mode (the advisory lock is the
    // transaction's own, so the pooler keeps it on one server session).
    for pooled in [false, true] {
        let Some(pg) = PgDatabase::create().await else {
            return;
        };
        let Some(url) = pg.reach(pooled) else {
            return;
        };
        concurrent_open(&url).await;
        let db = store::open(&url, &OpenOptions::default()).await.unwrap();
        let n = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM seaql_migrations",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            n.try_get::<i64>("", "n").unwrap() as usize,
            known(),
            "pooled={pooled}"
        );
        db.close().await.ok();
    }
}

#[tokio::test]
async fn a_database_from_a_newer_bigr_is_refused_clearly() {
    on_each_backend(async |t: &TestDb| {
        t.db.execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)")
            .await
            .unwrap();
        let err = store::open(&t.url, &OpenOptions::default()).await.unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew(_)), "{err}");
        assert!(err.to_string().contains("m20991231_000001_future") && err.to_string().contains("upgrade bigr"));
        t.db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm20991231_000001_future'").await.unwrap();
    })
    .await;
}

/// Column name → nullable, as the database reports it.
async fn db_columns(t: &TestDb, table: &str) -> BTreeMap<String, bool> {
    let (sql, name_col, null_col) = if t.is_postgres() {
        (
            format!(
                "SELECT column_name AS name, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            "name",
            "nullable",
        )
    } else {
        (
            format!("SELECT name, \"notnull\" AS nullable FROM pragma_table_info('{table}')"),
            "name",
            "nullable",
        )
    };
    let rows =
        t.db.query_all_raw(Statement::from_string(t.db.get_database_backend(), sql))
            .await
            .unwrap();
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("", name_col).unwrap();
            let nullable = if t.is_postgres() {
                r.try_get::<String>("", null_col).unwrap() == "YES"
            } else {
                // pk columns report notnull = 0 in SQLite; they are never nullable in practice.
                r.try_get::<i32>("", null_col).unwrap() == 0
            };
            (name, nullable)
        })
        .collect()
}

fn entity_columns<E: EntityTrait>() -> BTreeMap<String, bool> {
    E::Column::iter()
        .map(|c| (c.as_str().to_string(), c.def().is_null()))
        .collect()
}

async fn assert_no_drift<E: EntityTrait>(t: &TestDb) {
    let table = E::default().table_name().to_string();
    let mut in_db = db_columns(t, &table).await;
    let in_entity = entity_columns::<E>();
    if !t.is_postgres() {
        // SQLite reports primary-key columns as nullable; compare names only for them.
        for pk in E::PrimaryKey::iter() {
            use sea_orm::PrimaryKeyToColumn;
            let name = pk.into_column().as_str().to_string();
            if let Some(v) = in_db.get_mut(&name) {
                *v = false;
            }
        }
    }
    assert_eq!(
        in_db, in_entity,
        "{}: schema and entity {table} disagree",
        t.backend
    );
    // And the entity can read the (empty or not) table back.
    E::find()
        .all(&t.db)
        .await
        .unwrap_or_else(|e| panic!("{}: reading {table}: {e}", t.backend));
}

#[tokio::test]
async fn entities_match_the_migrated_schema() {
    on_each_backend(async |t: &TestDb| {
        assert_no_drift::<site::Entity>(t).await;
        assert_no_drift::<user::Entity>(t).await;
        assert_no_drift::<agent::Entity>(t).await;
        assert_no_drift::<enrollment_token::Entity>(t).await;
        assert_no_drift::<subnet::Entity>(t).await;
        assert_no_drift::<switch::Entity>(t).await;
        assert_no_drift::<scan::Entity>(t).await;
        assert_no_drift::<asset::Entity>(t).await;
        assert_no_drift::<scan_asset::Entity>(t).await;
        assert_no_drift::<asset_change::Entity>(t).await;
        assert_no_drift::<certificate::Entity>(t).await;
        assert_no_drift::<shield_scan::Entity>(t).await;
        assert_no_drift::<shield_finding::Entity>(t).await;
        assert_no_drift::<shield_issue::Entity>(t).await;
        assert_no_drift::<session::Entity>(t).await;
        assert_no_drift::<site_config::Entity>(t).await;
        assert_no_drift::<audit_entry::Entity>(t).await;
        assert_no_drift::<agent_command::Entity>(t).await;
    })
    .await;
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let t = TestDb::sqlite().await;
    let row =
        t.db.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "journal_mode").unwrap(), "wal");
    let row =
        t.db.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA foreign_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i32>("", "foreign_keys").unwrap(), 1);
    // A child row pointing nowhere is refused.
    let bad = t.db.execute_unprepared("INSERT INTO subnets (id, site_id, cidr, label, created_at, asset_count) VALUES (x'00', x'01', '10.0.0.0/24', '', '2026-01-01', 0)").await;
    assert!(bad.is_err());
}

#[tokio::test]
async fn an_unreachable_postgres_is_reported_in_one_line_without_the_password() {
    let opts = OpenOptions {
        attempts: 2,
        ..OpenOptions::default()
    };
    let err = store::open("postgres://bob:hunter2@127.0.0.1:1/bigr", &opts)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains('\n'), "{err}");
}

#[tokio::test]
async fn postgres_over_tls_with_sslmode_require() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let url = pg.url.clone();
    // Neon prints `postgresql://…?sslmode=require`; that exact form must work.
    let neon_style = format!(
        "{}?sslmode=require",
        url.replacen("postgres://", "postgresql://", 1)
    );
    let db = store::open(&neon_style, &OpenOptions::default())
        .await
        .expect("TLS connection");
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.try_get::<bool>("", "ssl").unwrap(),
        "the session must be encrypted"
    );
    db.close().await.ok();
    // A certificate the client cannot verify (the server's self-signed one) is refused clearly.
    let err = store::open(
        &format!("{url}?sslmode=verify-full"),
        &OpenOptions {
            attempts: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("TLS") || err.to_string().contains("certificate"),
        "{err}"
    );
}
