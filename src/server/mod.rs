//! `bigr serve`: the control plane's HTTP server. `start` takes a bound listener (tests bind
//! port 0) and returns a handle; `routes` is the one route table main and tests share.
mod api;
mod body;
mod error;
mod facts_cache;
mod metrics;
mod routes;
mod session;
mod spa;
mod state;
mod throttle;

pub use error::{ApiError, ErrorBody};
pub use state::ServerOptions;

use actix_web::{HttpServer, dev::ServerHandle, web};
use sea_orm::DatabaseConnection;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

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
        facts: Default::default(),
        cves,
    });
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
