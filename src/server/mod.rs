//! `bigr serve`: the control plane's HTTP server. `start` takes a bound listener (tests bind
//! port 0) and returns a handle; `routes` is the one route table main and tests share.
mod agent_auth;
mod agent_limit;
mod answers;
mod api;
mod audit;
mod bell;
mod body;
mod client_addr;
mod connections;
mod error;
mod guard;
mod metrics;
mod routes;
mod session;
mod spa;
mod state;
mod swr;
mod throttle;

pub use agent_limit::{AgentLimits, Rate};
/// How the server reads every JSON body (for tests that prove both sides agree).
pub use body::parse_json;
pub use error::{ApiError, ErrorBody};
pub use state::{Secret, ServerOptions};

use actix_web::{HttpServer, dev::ServerHandle, web};
use sea_orm::DatabaseConnection;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

/// How long a risk ranking or CVE index is served before one background reload redoes it.
const ANALYSIS_TTL: std::time::Duration = std::time::Duration::from_secs(15);
/// Compliance reports written at once; more wait their turn with a 503.
const REPORTS_AT_ONCE: usize = 2;

/// A started server: its address, a handle to stop it, and the future that runs it.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    pub server: actix_web::dev::Server,
}

/// Builds the server on `listener`. Migrations must have run (the store's `open` does them).
pub fn start(
    listener: TcpListener,
    db: DatabaseConnection,
    options: ServerOptions,
) -> std::io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let cves = Arc::new(
        crate::analysis::vulns::CveSnapshot::embedded()
            .map_err(|e| std::io::Error::other(format!("CVE snapshot: {e}")))?,
    );
    let workers = options.workers;
    let fd_limit = connections::raise_fd_limit();
    let max_connections = match options.max_connections {
        0 => connections::connection_limit(fd_limit),
        n => n,
    };
    let worker_count = match workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let open_connections = Arc::new(connections::Connections::default());
    let permits = |n: usize| Arc::new(tokio::sync::Semaphore::new(n.max(1)));
    let password_checks = permits(options.password_checks);
    let ingests = permits(options.ingest_concurrency);
    let ingest_bytes = permits(
        options
            .ingest_bytes
            .min(tokio::sync::Semaphore::MAX_PERMITS),
    );
    let state = web::Data::new(state::AppState {
        db,
        options,
        throttle: Default::default(),
        metrics: Default::default(),
        risk: Arc::new(swr::Swr::new(ANALYSIS_TTL, 8)),
        vulns: Arc::new(swr::Swr::new(ANALYSIS_TTL, 8)),
        topology: Arc::new(swr::Swr::new(ANALYSIS_TTL, 8)),
        counts: Arc::new(swr::Swr::new(std::time::Duration::from_secs(10), 256)),
        compliance: Arc::new(swr::Swr::new(std::time::Duration::from_secs(10), 32)),
        agent_limiter: Default::default(),
        cves,
        password_checks,
        ingests,
        ingest_bytes,
        connections: open_connections.clone(),
        bell: Default::default(),
        reports: permits(REPORTS_AT_ONCE),
    });
    tokio::spawn(bell::listen(
        state.db.clone(),
        state.options.direct_database_url.clone().map(|s| s.0),
        Arc::downgrade(&state.bell),
    ));
    tokio::spawn(sweep_agents(std::sync::Arc::downgrade(
        &state.clone().into_inner(),
    )));
    tokio::spawn(rescore_after_upgrade(std::sync::Arc::downgrade(
        &state.clone().into_inner(),
    )));
    crate::alerts::spawn_worker(
        std::sync::Arc::downgrade(&state.clone().into_inner()),
        |s: &state::AppState| &s.db,
    );
    let openapi = routes::openapi();
    let mut server = HttpServer::new(move || routes::app(state.clone(), openapi.clone()))
        .on_connect(move |_, ext| {
            ext.insert(open_connections.open(max_connections));
        })
        // actix counts per worker; together they stay within what the descriptors allow.
        .max_connections((max_connections / worker_count).max(16))
        .keep_alive(crate::model::agent_api::SERVER_KEEP_ALIVE)
        .listen(listener)?
        .shutdown_timeout(10);
    if workers > 0 {
        server = server.workers(workers);
    }
    let server = server.run();
    Ok(RunningServer {
        addr,
        handle: server.handle(),
        server,
    })
}

/// Rescores every asset once if this binary brought a new risk formula or CVE snapshot
/// (one read when it did not). Answers meanwhile come from the previous scores.
async fn rescore_after_upgrade(state: std::sync::Weak<state::AppState>) {
    let Some(s) = state.upgrade() else { return };
    let db = s.db.clone();
    drop(s);
    match crate::store::scores::rescore_stale(&db).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(
                assets = n,
                "stored scores recomputed for a new formula or CVE snapshot"
            );
            if let Some(s) = state.upgrade() {
                s.inventory_changed();
            }
        }
        Err(e) => tracing::warn!("rescoring after an upgrade failed: {e}"),
    }
}

/// Moves silent agents to stale/offline in the database, so every reader (and every other
/// instance) sees the same state, and rescores assets whose age moved their risk. Ends when
/// the server is gone.
async fn sweep_agents(state: std::sync::Weak<state::AppState>) {
    loop {
        let every = match state.upgrade() {
            Some(s) => {
                let now = chrono::Utc::now();
                match crate::store::agents::sweep(&s.db, now).await {
                    Ok(n) if n > 0 => tracing::info!(changed = n, "agent states swept"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("agent sweep failed: {e}"),
                }
                match crate::store::commands::expire(&s.db, now).await {
                    Ok(n) if n > 0 => tracing::info!(commands = n, "unfinished commands ended"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("command sweep failed: {e}"),
                }
                match crate::store::alerts::evaluate::run(&s.db, now).await {
                    Ok(t) if t.opened + t.resolved > 0 => {
                        tracing::info!(opened = t.opened, resolved = t.resolved, "alerts evaluated")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("alert evaluation failed: {e}"),
                }
                match crate::store::scores::refresh_due(&s.db, now).await {
                    Ok(n) if n > 0 => {
                        tracing::debug!(assets = n, "risk scores moved by age");
                        s.risk.mark_stale();
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("risk age refresh failed: {e}"),
                }
                s.options.sweep_every
            }
            None => return,
        };
        tokio::time::sleep(every).await;
    }
}
