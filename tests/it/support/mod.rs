//! Test databases: every store test runs on a temporary SQLite file, on a fresh database in
//! the real PostgreSQL at `BIGR_TEST_DATABASE_URL` (default `postgres://root@127.0.0.1/test`),
//! and on such a database through PgBouncer in transaction mode (`pooler.rs`), as Neon's
//! pooled connection string gives. Without PostgreSQL or PgBouncer the suite fails under CI
//! and says what it skipped elsewhere.
pub mod gear;
pub mod lab;
pub mod pooler;
pub mod releases;
pub mod server;

use bigr::model::{AssetObservation, ScanMethod, ScanReport};
use bigr::store::{self, OpenOptions};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::sync::OnceLock;
use uuid::Uuid;

/// Where a test's database lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// PostgreSQL, connected directly.
    Postgres,
    /// PostgreSQL through PgBouncer in transaction mode.
    Pooled,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::Pooled];
}

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    pub backend: &'static str,
    /// Declared after `db` so the pool is gone before the database is dropped.
    _pg: Option<PgDatabase>,
    _dir: Option<tempfile::TempDir>,
}

pub fn admin_url() -> String {
    std::env::var("BIGR_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1/test".into())
}

/// A URL for `name` on the same server as the admin URL.
fn url_for(name: &str) -> String {
    let mut u = url::Url::parse(&admin_url()).expect("BIGR_TEST_DATABASE_URL is not a URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// Whether PostgreSQL can be used; decided once per test binary.
fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let probe = std::thread::spawn(|| {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async {
                let db = tokio::time::timeout(
                    std::time::Duration::from_secs(10),
                    Database::connect(admin_url()),
                )
                .await;
                match db {
                    Ok(Ok(db)) => db
                        .execute_unprepared("SELECT 1")
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("timed out".into()),
                }
            })
        })
        .join()
        .unwrap_or_else(|_| Err("probe panicked".into()));
        match probe {
            Ok(()) => true,
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("PostgreSQL at {} is required under CI: {why}", admin_url())
            }
            Err(why) => {
                skipped(
                    "PostgreSQL half",
                    &format!("{}: {why}; set BIGR_TEST_DATABASE_URL", admin_url()),
                );
                false
            }
        }
    })
}

/// Records a part of the suite that did not run: on stderr, and in `$BIGR_SKIP_LOG` (set by
/// `tests/run`), whose summary lists it even when every test passes (`cargo test` hides the
/// stderr of passing tests).
pub fn skipped(part: &str, why: &str) {
    eprintln!("NOTE: {part} SKIPPED: {why}");
    if let Some(path) = std::env::var_os("BIGR_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
        {
            let _ = writeln!(f, "{part}\t{why}");
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bigr.db").display());
        let db = store::open(&url, &OpenOptions::default())
            .await
            .expect("open sqlite");
        TestDb {
            db,
            url,
            backend: "sqlite",
            _pg: None,
            _dir: Some(dir),
        }
    }

    /// A fresh, empty PostgreSQL database (created, migrated), or None when unavailable.
    pub async fn postgres() -> Option<TestDb> {
        let pg = PgDatabase::create().await?;
        let db = store::open(&pg.url, &OpenOptions::default())
            .await
            .expect("open postgres");
        Some(TestDb {
            db,
            url: pg.url.clone(),
            backend: "postgres",
            _pg: Some(pg),
            _dir: None,
        })
    }

    /// A fresh PostgreSQL database reached (and migrated) through PgBouncer in transaction
    /// mode, or None when PostgreSQL or PgBouncer is unavailable.
    pub async fn pooled() -> Option<TestDb> {
        let pg = PgDatabase::create().await?;
        let url = pooler::shared()?.route(&pg.url);
        let db = store::open(&url, &OpenOptions::default())
            .await
            .expect("open postgres through pgbouncer");
        Some(TestDb {
            db,
            url,
            backend: "pgbouncer",
            _pg: Some(pg),
            _dir: None,
        })
    }

    /// A fresh database on `backend`, or None when that backend is unavailable.
    pub async fn on(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite().await),
            Backend::Postgres => TestDb::postgres().await,
            Backend::Pooled => TestDb::pooled().await,
        }
    }

    /// Closes the connection; a PostgreSQL test database is dropped with `self`.
    pub async fn finish(self) {
        self.db.close().await.ok();
    }

    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }

    pub fn is_postgres(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres
    }
}

/// Runs `test` on SQLite, then on PostgreSQL directly and through PgBouncer when available;
/// each gets a fresh database.
pub async fn on_each_backend<F>(test: F)
where
    F: AsyncFn(&TestDb),
{
    for backend in Backend::ALL {
        if let Some(t) = TestDb::on(backend).await {
            test(&t).await;
            t.finish().await;
        }
    }
}

/// A fixed point in time so that grace windows are exact.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

/// A complete report of `networks` at `at` with the given observations.
pub fn report(
    at: DateTime<Utc>,
    networks: &[&str],
    ports_probed: &str,
    assets: Vec<AssetObservation>,
) -> ScanReport {
    ScanReport {
        id: Uuid::now_v7(),
        target: networks.join(" "),
        networks: networks
            .iter()
            .map(|n| n.parse().expect("network"))
            .collect(),
        method: ScanMethod::Hybrid,
        started_at: at,
        completed_at: Some(at + Duration::seconds(5)),
        partial: false,
        ports_probed: ports_probed.parse().expect("ports"),
        privileges: Default::default(),
        scanner_version: "test".into(),
        assets,
        certificates: Vec::new(),
        switches: Vec::new(),
    }
}

/// An observation of `ip`, with an optional MAC and open ports.
pub fn host(ip: &str, mac: Option<&str>, ports: &[u16]) -> AssetObservation {
    let mut o = AssetObservation::new(ip.parse().expect("ip"));
    o.mac = mac.map(|m| m.parse().expect("mac"));
    o.open_ports = ports.to_vec();
    o
}

/// An empty PostgreSQL database for one test, dropped when the value is (even on panic).
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// Creates it, or None when PostgreSQL is unavailable (see `postgres_available`).
    pub async fn create() -> Option<PgDatabase> {
        if !postgres_available() {
            return None;
        }
        let name = format!("bigr_it_{}", Uuid::new_v4().simple());
        let admin = Database::connect(admin_url())
            .await
            .expect("admin connection");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        admin.close().await.ok();
        Some(PgDatabase {
            url: url_for(&name),
            name,
        })
    }
}

impl PgDatabase {
    /// Its URL, directly or (when `pooled`) through the shared PgBouncer; None when the
    /// pooler is unavailable.
    pub fn reach(&self, pooled: bool) -> Option<String> {
        if pooled {
            Some(pooler::shared()?.route(&self.url))
        } else {
            Some(self.url.clone())
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop may run inside a runtime (or while unwinding): use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let admin = Database::connect(admin_url()).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}
