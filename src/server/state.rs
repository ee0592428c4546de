//! What every handler can reach: the database, the server's options, and the in-process
//! helpers (login throttle, metrics, the CVE snapshot).
use super::agent_limit::{AgentLimiter, AgentLimits};
use super::metrics::Metrics;
use super::swr::Swr;
use super::throttle::LoginThrottle;
use crate::analysis::vulns::CveSnapshot;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A configured secret: compared, never printed (its Debug form is redacted).
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

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
    pub metrics_token: Option<Secret>,
    /// `AGENT_REGISTRATION_SECRET`: lets agents register without an enrollment token.
    pub registration_secret: Option<Secret>,
    /// Largest report an agent may send, in bytes.
    pub ingest_body_limit: usize,
    pub agent_limits: AgentLimits,
    /// How often silent agents are moved along their lifecycle.
    pub sweep_every: std::time::Duration,
    /// Missing-asset rules for ingested reports.
    pub save: crate::store::SaveOptions,
    /// Largest JSON body accepted, in bytes.
    pub body_limit: usize,
    /// Worker threads (0 = one per core).
    pub workers: usize,
    /// Password verifies (argon2id, ~19 MiB each) allowed at once; more logins get 503.
    pub password_checks: usize,
    /// A session unused this long ends, whatever its lifetime says.
    pub session_idle: chrono::Duration,
    /// Number of reverse proxies in front of the server when `behind_proxy` (Render: 1): the
    /// client is the address that many hops from the right of `X-Forwarded-For`.
    pub trusted_proxies: usize,
    /// Agents may register with no credential at all (a lab or a single-host install).
    pub open_registration: bool,
    /// Agent reports parsed and saved at once; more get 503 with Retry-After.
    pub ingest_concurrency: usize,
    /// Bytes of agent reports held at once (read, parsed or being saved).
    pub ingest_bytes: usize,
    /// Connections open at once (0 = what the descriptor limit allows, at most 25 000).
    pub max_connections: usize,
    /// The key releases are checked with and agents pin at registration.
    pub release_key: Option<crate::release::sign::PublicKey>,
    /// A PostgreSQL connection that bypasses a transaction pooler, for the LISTEN that
    /// carries commands between instances (`database_direct_url`).
    pub direct_database_url: Option<Secret>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            cors_origins: Vec::new(),
            cookie_secure: false,
            session_lifetime: chrono::Duration::hours(12),
            behind_proxy: false,
            metrics_token: None,
            registration_secret: None,
            ingest_body_limit: 32 * 1024 * 1024,
            agent_limits: AgentLimits::default(),
            sweep_every: std::time::Duration::from_secs(15),
            save: crate::store::SaveOptions::default(),
            body_limit: 64 * 1024,
            workers: 0,
            password_checks: 2 * cores(),
            session_idle: chrono::Duration::hours(2),
            trusted_proxies: 1,
            open_registration: false,
            release_key: None,
            direct_database_url: None,
            // Each ingest holds a pooled connection for its transaction; keep some for reads.
            ingest_concurrency: 8,
            ingest_bytes: 96 * 1024 * 1024,
            max_connections: 0,
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

pub struct AppState {
    pub db: DatabaseConnection,
    pub options: ServerOptions,
    pub throttle: LoginThrottle,
    pub metrics: Metrics,
    /// Risk summaries per site filter (sums over the stored scores).
    pub risk: Arc<Swr<Arc<crate::analysis::risk::RiskSummary>>>,
    /// CVE totals per site filter (sums over the stored figures).
    pub vulns: Arc<Swr<Arc<crate::analysis::vulns::VulnTotals>>>,
    /// The network graph per site filter (a pass over every asset).
    pub topology: Arc<Swr<Arc<crate::analysis::topology::Topology>>>,
    /// The inventory's group counts per filter (the costly part of a page of `/api/data`).
    pub counts: Arc<Swr<Arc<BTreeMap<String, u64>>>>,
    /// Compliance per site filter, counted over the whole inventory.
    pub compliance: Arc<Swr<Arc<crate::analysis::compliance::ComplianceReport>>>,
    pub agent_limiter: AgentLimiter,
    pub cves: Arc<CveSnapshot>,
    /// Permits for password verifies (`ServerOptions::password_checks`).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Permits for agent reports in flight, and for the bytes they hold.
    pub ingests: Arc<tokio::sync::Semaphore>,
    pub ingest_bytes: Arc<tokio::sync::Semaphore>,
    /// Connections open now (for `/metrics`).
    pub connections: Arc<super::connections::Connections>,
    /// Wakes agents whose heartbeat waits for commands.
    pub bell: Arc<super::bell::Bell>,
    /// Compliance reports being written at once (each reads the whole inventory).
    pub reports: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Someone changed the inventory through this server (a tag): every figure is reloaded
    /// before the next answer, so they see their change at once.
    pub fn inventory_changed(&self) {
        self.risk.invalidate();
        self.vulns.invalidate();
        self.topology.invalidate();
        self.inventory_grew(false);
    }

    /// An agent's report arrived: counts are cheap and reloaded before the next answer; risk
    /// and CVE views (a pass over every asset) are served stale while one reload runs, so a
    /// busy fleet's steady ingest does not make every dashboard read wait for that pass.
    /// A report that brought devices never seen before is rarer and is what a person looks
    /// for (the first report into an empty inventory above all): those views reload first.
    pub fn inventory_grew(&self, new_devices: bool) {
        self.counts.invalidate();
        self.compliance.invalidate();
        if new_devices {
            self.risk.invalidate();
            self.vulns.invalidate();
            self.topology.invalidate();
        } else {
            self.risk.mark_stale();
            self.vulns.mark_stale();
            self.topology.mark_stale();
        }
    }
}
