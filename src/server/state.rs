//! What every handler can reach: the database, the server's options, and the in-process
//! helpers (login throttle, metrics, the CVE snapshot).
use super::facts_cache::FactsCache;
use super::metrics::Metrics;
use super::throttle::LoginThrottle;
use crate::analysis::vulns::CveSnapshot;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Options of one server, decided at start (from settings and environment).
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Origins allowed by CORS; empty means same-origin only.
    pub cors_origins: Vec<String>,
    pub cookie_secure: bool,
    pub session_lifetime: chrono::Duration,
    /// Take the client address from `X-Forwarded-For` (behind a proxy).
    pub behind_proxy: bool,
    /// Bearer token that lets a Prometheus scraper read `/metrics` without a session.
    pub metrics_token: Option<String>,
    /// Largest JSON body accepted, in bytes.
    pub body_limit: usize,
    /// Worker threads (0 = one per core).
    pub workers: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            cors_origins: Vec::new(),
            cookie_secure: false,
            session_lifetime: chrono::Duration::hours(12),
            behind_proxy: false,
            metrics_token: None,
            body_limit: 64 * 1024,
            workers: 0,
        }
    }
}

pub struct AppState {
    pub db: DatabaseConnection,
    pub options: ServerOptions,
    pub throttle: LoginThrottle,
    pub metrics: Metrics,
    pub facts: FactsCache,
    pub cves: Arc<CveSnapshot>,
}
