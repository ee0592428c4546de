//! `bigr serve`: the control plane's HTTP server. `start` takes a bound listener (tests bind
//! port 0) and returns a handle; `routes` is the one route table main and tests share.
mod agent_auth;
mod agent_limit;
mod api;
mod body;
mod error;
mod metrics;
mod routes;
mod session;
mod spa;
mod state;
mod swr;
mod throttle;

pub use agent_limit::{AgentLimits, Rate};
pub use error::{ApiError, ErrorBody};
pub use state::{Secret, ServerOptions};

use actix_web::{HttpServer, dev::ServerHandle, web};
use sea_orm::DatabaseConnection;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

/// How long a risk ranking or CVE index is served before one background reload redoes it.
const ANALYSIS_TTL: std::time::Duration = std::time::Duration::from_secs(15);

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
    });
    tokio::spawn(sweep_agents(std::sync::Arc::downgrade(
        &state.clone().into_inner(),
    )));
    let openapi = routes::openapi();
    let mut server = HttpServer::new(move || routes::app(state.clone(), openapi.clone()))
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

/// Moves silent agents to stale/offline in the database, so every reader (and every other
/// instance) sees the same state. Ends when the server is gone.
async fn sweep_agents(state: std::sync::Weak<state::AppState>) {
    loop {
        let every = match state.upgrade() {
            Some(s) => {
                match crate::store::agents::sweep(&s.db, chrono::Utc::now()).await {
                    Ok(n) if n > 0 => tracing::info!(changed = n, "agent states swept"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("agent sweep failed: {e}"),
                }
                s.options.sweep_every
            }
            None => return,
        };
        tokio::time::sleep(every).await;
    }
}
