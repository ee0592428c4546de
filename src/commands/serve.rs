//! `bigr serve`: the control plane.
use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::server::{self, Secret, ServerOptions};
use crate::store::{self, users::Role};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::net::TcpListener;
use std::time::Duration;

/// Expired sessions are swept this often (they are refused when read regardless).
const SESSION_SWEEP: Duration = Duration::from_secs(3600);

pub async fn run(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let host = args.host.unwrap_or_else(|| settings.host.clone());
    let port = args.port.unwrap_or(settings.port);
    let db = super::open(settings).await?;
    first_admin(&db, settings).await?;
    if args.demo {
        super::demo::load(&db, settings).await?;
    }
    let options = options(settings, &host, args.workers.unwrap_or(0));
    let listener = TcpListener::bind((host.as_str(), port))
        .with_context(|| format!("cannot listen on {host}:{port}"))?;
    let running =
        server::start(listener, db.clone(), options).context("cannot start the HTTP server")?;
    eprintln!(
        "bigr serve: listening on http://{} (dashboard at /, API docs at /api/docs/); database {}",
        running.addr,
        crate::config::redact_url(&settings.database_url())
    );
    let idle = chrono::Duration::minutes(i64::from(settings.session_idle_minutes));
    let sweeper = tokio::spawn(sweep_sessions(db, idle));
    // actix stops gracefully on SIGTERM/SIGINT: in-flight requests finish (10 s at most).
    let result = running.server.await;
    sweeper.abort();
    result.context("the HTTP server failed")
}

fn options(settings: &Settings, host: &str, workers: usize) -> ServerOptions {
    let loopback = matches!(host, "127.0.0.1" | "::1" | "localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    ServerOptions {
        cors_origins: settings.cors_origins(),
        cookie_secure: settings.cookie_secure.applies(loopback),
        session_lifetime: chrono::Duration::hours(i64::from(settings.session_hours)),
        session_idle: chrono::Duration::minutes(i64::from(settings.session_idle_minutes)),
        behind_proxy: settings.behind_proxy,
        trusted_proxies: settings.trusted_proxies as usize,
        metrics_token: secret(&settings.metrics_token),
        registration_secret: secret(&settings.agent_registration_secret),
        open_registration: settings.allow_open_registration,
        // Three quarters of the pool: ingests never take the connections dashboard reads need.
        ingest_concurrency: (settings.db_max_connections as usize * 3 / 4).max(2),
        save: super::save_options(settings),
        workers,
        release_key: settings.release_key().ok().flatten(),
        direct_database_url: settings.direct_database_url().map(Secret),
        ..ServerOptions::default()
    }
}

fn secret(value: &crate::config::Redacted) -> Option<Secret> {
    value.get().map(|v| Secret(v.to_string()))
}

/// Creates the first admin from `BIGR_ADMIN_PASSWORD` when there are no users yet.
async fn first_admin(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    if store::users::count(db).await? > 0 {
        return Ok(());
    }
    let Some(password) = settings.admin_password.get().map(str::to_string) else {
        tracing::warn!(
            "no dashboard users yet: set BIGR_ADMIN_PASSWORD or run `bigr user add NAME --role admin`"
        );
        return Ok(());
    };
    let username = Some(settings.admin_user.trim())
        .filter(|u| !u.is_empty())
        .unwrap_or("admin")
        .to_string();
    crate::password::check_strength(&password)
        .map_err(|e| anyhow::anyhow!("BIGR_ADMIN_PASSWORD: {e}"))?;
    let hash = crate::password::hash(&password).map_err(anyhow::Error::msg)?;
    match store::users::add(db, &username, &hash, Role::Admin).await {
        Ok(u) => eprintln!("bigr serve: created the first admin '{}'", u.username),
        // Another instance starting at the same moment created it first.
        Err(store::StoreError::Conflict(_)) => {}
        Err(e) => return Err(e).context("cannot create the first admin"),
    }
    Ok(())
}

async fn sweep_sessions(db: DatabaseConnection, idle: chrono::Duration) {
    loop {
        match store::sessions::purge_expired(&db, chrono::Utc::now(), idle).await {
            Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!("session sweep failed: {e}"),
        }
        tokio::time::sleep(SESSION_SWEEP).await;
    }
}
