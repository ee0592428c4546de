//! Opening the database: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (TLS through
//! rustls when the URL says `sslmode=require`), retried with backoff, then migrated.
use super::error::{StoreError, StoreResult};
use super::migrate;
use crate::config::redact_url;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use std::time::Duration;

/// How to open a database.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    pub attempts: u32,
    pub max_connections: u32,
    /// Run pending migrations (every command does; `db status` only looks).
    pub migrate: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            attempts: 5,
            max_connections: 10,
            migrate: true,
        }
    }
}

/// Connects (with retries), applies pragmas and brings the schema up to date.
pub async fn open(url: &str, opts: &OpenOptions) -> StoreResult<DatabaseConnection> {
    let url = normalise_url(url)?;
    let db = connect_with_retry(&url, opts).await?;
    if opts.migrate {
        migrate::up(&db, &url).await?;
    } else {
        migrate::refuse_newer(&db).await?;
    }
    Ok(db)
}

/// Accepts `postgresql://` as Neon prints it and creates the folder of a SQLite file.
fn normalise_url(url: &str) -> StoreResult<String> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        if let Some(path) = sqlite_path(url) {
            create_private_file(std::path::Path::new(&path))?;
            if !rest.contains("mode=") {
                let sep = if rest.contains('?') { '&' } else { '?' };
                return Ok(format!("{url}{sep}mode=rwc"));
            }
        }
        return Ok(url.to_string());
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url.to_string());
    }
    Err(StoreError::Connect(format!(
        "unsupported database URL '{}': use sqlite:PATH or postgres://",
        redact_url(url)
    )))
}

/// Creates the database file (and its folder) readable by the owner only: it holds password
/// hashes and agent token hashes. SQLite gives its -wal and -shm files the same mode.
fn create_private_file(path: &std::path::Path) -> StoreResult<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                StoreError::Connect(format!(
                    "cannot create the database folder {}: {e}",
                    dir.display()
                ))
            })?;
    }
    if !path.exists() {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| {
                StoreError::Connect(format!(
                    "cannot create the database file {}: {e}",
                    path.display()
                ))
            })?;
    }
    Ok(())
}

/// The file behind a SQLite URL, or None for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_string())
    }
}

async fn connect_with_retry(url: &str, opts: &OpenOptions) -> StoreResult<DatabaseConnection> {
    let mut delay = Duration::from_millis(250);
    let mut last = String::new();
    for attempt in 1..=opts.attempts.max(1) {
        let connected = match probe_postgres(url).await {
            Ok(()) => Database::connect(connect_options(url, opts))
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match connected {
            Ok(db) => return Ok(db),
            Err(e) => {
                let (message, permanent) = describe_connect_error(&e, url);
                last = message;
                if permanent || attempt == opts.attempts {
                    break;
                }
                tracing::warn!(
                    attempt,
                    "database not reachable yet: {last}; retrying in {delay:?}"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(8));
            }
        }
    }
    Err(StoreError::Connect(format!(
        "cannot open the database {}: {last}",
        redact_url(url)
    )))
}

/// One direct connection attempt to PostgreSQL. The pool would silently retry a refused
/// connection until its acquire timeout; a single attempt fails fast with the real reason.
async fn probe_postgres(url: &str) -> Result<(), String> {
    use sea_orm::sqlx::Connection;
    if url.starts_with("sqlite:") {
        return Ok(());
    }
    let attempt = sea_orm::sqlx::postgres::PgConnection::connect(url);
    match tokio::time::timeout(Duration::from_secs(10), attempt).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out after 10 s".into()),
    }
}

fn connect_options(url: &str, opts: &OpenOptions) -> ConnectOptions {
    let mut o = ConnectOptions::new(url.to_string());
    o.sqlx_logging(false)
        .max_connections(opts.max_connections)
        .connect_timeout(Duration::from_secs(10))
        // A database that went away is a 503 within seconds, not a client held for half a
        // minute while the pool retries (the pool keeps reconnecting on its own).
        .acquire_timeout(Duration::from_secs(8))
        // Neon closes idle connections; recycle before it does.
        .idle_timeout(Duration::from_secs(240))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(15))
        });
    if let Some(port) = super::nodelay::postgres_port(url) {
        // Per pooled connection (sea-orm's own `after_connect` runs once per pool).
        o.map_sqlx_postgres_pool_opts(move |pool| {
            pool.after_connect(move |_, _| {
                Box::pin(async move {
                    super::nodelay::disable_nagle_towards(port);
                    Ok(())
                })
            })
        });
    }
    if sqlite_path(url).is_none() && url.starts_with("sqlite:") {
        // Every pooled connection to :memory: would be its own empty database.
        o.max_connections(1);
    }
    o
}

/// Turns a driver error into one plain sentence, and says whether retrying can help.
fn describe_connect_error(raw: &str, url: &str) -> (String, bool) {
    let lower = raw.to_lowercase();
    let mut msg = if lower.contains("password authentication failed") || lower.contains("28p01") {
        return ("the server refused the user name or password".into(), true);
    } else if lower.contains("does not exist") && lower.contains("database") {
        return ("the database does not exist on that server".into(), true);
    } else if lower.contains("unable to open database file") || lower.contains("(code: 14)") {
        return (
            "the SQLite file cannot be opened (check the path and its permissions)".into(),
            true,
        );
    } else if lower.contains("connection refused") {
        "connection refused (is the server running and listening on that port?)".to_string()
    } else if lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
    {
        "the host name does not resolve".to_string()
    } else if lower.contains("tls") || lower.contains("certificate") || lower.contains("ssl") {
        "TLS handshake failed".to_string()
    } else if lower.contains("timed out") {
        "timed out".to_string()
    } else {
        raw.lines().next().unwrap_or(raw).to_string()
    };
    // Never echo a password even if the driver quoted the URL.
    if let Ok(u) = url::Url::parse(url)
        && let Some(pw) = u.password()
        && !pw.is_empty()
    {
        msg = msg.replace(pw, "***");
    }
    (msg, false)
}

/// Which engine a connection talks to, for the few places that must differ.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_find_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/x/bigr.db?mode=rwc").as_deref(),
            Some("/var/x/bigr.db")
        );
        assert_eq!(sqlite_path("sqlite:rel.db").as_deref(), Some("rel.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn connect_errors_are_plain_and_never_hold_the_password() {
        let (m, permanent) = describe_connect_error(
            "error returned from database: password authentication failed for user \"bob\"",
            "postgres://bob:hunter2@h/db",
        );
        assert!(permanent && !m.contains("hunter2"));
        let (m, permanent) =
            describe_connect_error("weird hunter2 failure", "postgres://bob:hunter2@h/db");
        assert!(!permanent && !m.contains("hunter2"));
    }
}
