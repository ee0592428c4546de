//! The agent's loop: scan on an interval, queue every report durably before sending it, send
//! the queue oldest first, and heartbeat on a timer of its own (so a long scan never makes a
//! healthy agent look stale). SIGTERM/SIGINT end it cleanly: the current scan is abandoned,
//! queued reports stay on disk, a final "stopping" heartbeat goes out, the PID file goes.
use super::backoff::Backoff;
use super::client::{ApiClient, CallError};
use super::config::AgentConfig;
use super::queue::{self, Kind, Queue, SetAside};
use super::status::AgentStatus;
use crate::config::Settings;
use chrono::Utc;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// First retry after a failed delivery; later ones double up to the scan interval.
const RETRY_BASE: Duration = Duration::from_secs(2);
/// Longest a final heartbeat may hold up a stop.
const FAREWELL_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub targets: Vec<String>,
    /// Extra `bigr scan` flags (e.g. `--top-ports 100`).
    pub scan_options: Vec<String>,
    pub interval: Duration,
    pub heartbeat: Duration,
    /// One cycle, then exit (cron, tests).
    pub once: bool,
}

/// How the last cycle of a `--once` run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Finish {
    /// Scanned and delivered everything.
    Delivered,
    /// Scanned, but reports wait in the queue (the server did not take them).
    Queued(usize),
    /// Stopped by a signal.
    Stopped,
    ScanFailed(String),
}

struct Agent {
    settings: Settings,
    home: PathBuf,
    opts: RunOptions,
    client: Arc<ApiClient>,
    queue: Arc<Queue>,
    status: Arc<Mutex<AgentStatus>>,
    backoff: Backoff,
}

fn lock(status: &Mutex<AgentStatus>) -> std::sync::MutexGuard<'_, AgentStatus> {
    status.lock().unwrap_or_else(|p| p.into_inner())
}

pub async fn run(
    settings: &Settings,
    cfg: AgentConfig,
    opts: RunOptions,
) -> anyhow::Result<Finish> {
    let home = settings.home.clone();
    let _claim = super::pidfile::PidFile::acquire(&home).map_err(anyhow::Error::msg)?;
    let bounds = queue::Bounds {
        max_reports: cfg.queue_max_reports.max(1),
        max_bytes: cfg.queue_max_mib.max(1) << 20,
        max_age: Duration::from_secs(cfg.queue_max_days.max(1) * 86_400),
    };
    let queue = Arc::new(Queue::open(&home.join("queue"), bounds).map_err(anyhow::Error::msg)?);
    let status = Arc::new(Mutex::new(AgentStatus {
        pid: std::process::id(),
        started_at: Some(Utc::now()),
        activity: "idle".into(),
        queue_depth: queue.depth(),
        ..Default::default()
    }));
    let client = Arc::new(ApiClient::new(&cfg.api_url, Some(cfg.token.clone())));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(watch_signals(stop_tx));
    let server_back = Arc::new(Notify::new());
    let beats = tokio::spawn(heartbeats(
        client.clone(),
        status.clone(),
        queue.clone(),
        opts.clone(),
        home.clone(),
        server_back.clone(),
        stop_rx.clone(),
    ));
    tracing::info!(agent = %cfg.agent_id, site = %cfg.site, server = %cfg.api_url, "agent started");
    let mut agent = Agent {
        settings: settings.clone(),
        home: home.clone(),
        backoff: Backoff::new(RETRY_BASE, opts.interval.min(Duration::from_secs(300))),
        opts,
        client,
        queue,
        status,
    };
    let finish = agent.cycles(stop_rx, server_back).await;
    beats.abort();
    agent.farewell(matches!(finish, Finish::Stopped)).await;
    tracing::info!(?finish, "agent stopped");
    Ok(finish)
}

async fn watch_signals(stop: watch::Sender<bool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("cannot listen for SIGTERM/SIGINT");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    tracing::info!("stop requested");
    let _ = stop.send(true);
}

fn heartbeat_body(status: &AgentStatus, opts: &RunOptions, activity: &str) -> serde_json::Value {
    let subnets: Vec<&String> = opts
        .targets
        .iter()
        .filter(|t| t.parse::<ipnet::IpNet>().is_ok())
        .collect();
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "activity": activity,
        "subnets": subnets,
        "queue_depth": status.queue_depth,
        "last_scan_at": status.last_scan_at,
        "heartbeat_seconds": opts.heartbeat.as_secs().clamp(1, 3600),
        "last_error": status.last_error.as_deref().map(|e| e.chars().take(500).collect::<String>()),
    })
}

/// Sends one heartbeat; true when the server answered.
async fn beat(
    client: &Arc<ApiClient>,
    status: &Arc<Mutex<AgentStatus>>,
    body: serde_json::Value,
) -> bool {
    let c = client.clone();
    let sent = tokio::task::spawn_blocking(move || {
        c.post::<_, serde_json::Value>("/api/agents/heartbeat", &body)
    })
    .await;
    let mut s = lock(status);
    match sent {
        Ok(Ok(_)) => {
            s.last_heartbeat_at = Some(Utc::now());
            s.server_reachable = Some(true);
            true
        }
        Ok(Err(e)) => {
            tracing::warn!("heartbeat failed: {e}");
            s.server_reachable = Some(matches!(
                e,
                CallError::Unauthorized | CallError::RateLimited(_) | CallError::Rejected { .. }
            ));
            false
        }
        Err(e) => {
            tracing::warn!("heartbeat task failed: {e}");
            false
        }
    }
}

/// The heartbeat timer, independent of scans.
async fn heartbeats(
    client: Arc<ApiClient>,
    status: Arc<Mutex<AgentStatus>>,
    queue: Arc<Queue>,
    opts: RunOptions,
    home: PathBuf,
    server_back: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut was_reachable = true;
    loop {
        let body = {
            let mut s = lock(&status);
            s.queue_depth = queue.depth();
            heartbeat_body(&s, &opts, &s.activity.clone())
        };
        let ok = beat(&client, &status, body).await;
        lock(&status).save(&home);
        // The server answers again and reports wait: send them now, not at the next cycle.
        if ok && (!was_reachable || queue.depth() > 0) {
            server_back.notify_one();
        }
        was_reachable = ok;
        tokio::select! {
            _ = tokio::time::sleep(opts.heartbeat) => {}
            _ = stop.changed() => return,
        }
    }
}

impl Agent {
    async fn cycles(
        &mut self,
        mut stop: watch::Receiver<bool>,
        server_back: Arc<Notify>,
    ) -> Finish {
        loop {
            if *stop.borrow() {
                return Finish::Stopped;
            }
            self.drain(true).await;
            let scanned = self.scan_and_queue(&mut stop).await;
            if scanned.is_none() {
                return Finish::Stopped;
            }
            self.drain(true).await;
            {
                let mut s = lock(&self.status);
                s.cycles += 1;
                s.queue_depth = self.queue.depth();
                s.save(&self.home);
            }
            if self.opts.once {
                return match scanned {
                    Some(Err(e)) => Finish::ScanFailed(e),
                    _ => match self.queue.depth() {
                        0 => Finish::Delivered,
                        n => Finish::Queued(n),
                    },
                };
            }
            let next_cycle = Instant::now() + self.opts.interval;
            loop {
                let now = Instant::now();
                if now >= next_cycle {
                    break;
                }
                let mut wake = next_cycle;
                if self.queue.depth() > 0
                    && let Some(t) = self.backoff.next_attempt()
                {
                    wake = wake.min(t.max(now));
                }
                let forced = tokio::select! {
                    _ = tokio::time::sleep_until(wake.into()) => false,
                    _ = server_back.notified() => true,
                    _ = stop.changed() => return Finish::Stopped,
                };
                if self.queue.depth() > 0 {
                    self.drain(forced).await;
                }
            }
        }
    }

    /// Scans; the report goes to the queue before any send. `None` when a stop cut it short.
    async fn scan_and_queue(
        &mut self,
        stop: &mut watch::Receiver<bool>,
    ) -> Option<Result<(), String>> {
        lock(&self.status).activity = "scanning".into();
        let args = super::scan_args(&self.opts.targets, &self.opts.scan_options);
        let scan = async {
            let args = args.map_err(|e| e.to_string())?;
            crate::commands::scan_observe(&self.settings, &args)
                .await
                .map_err(|e| format!("{e:#}"))
        };
        let outcome = tokio::select! {
            r = scan => r,
            _ = stop.changed() => {
                tracing::info!("scan abandoned: stopping");
                return None;
            }
        };
        lock(&self.status).activity = "idle".into();
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                tracing::error!("scan failed: {e}");
                lock(&self.status).last_error = Some(format!("scan failed: {e}"));
                return Some(Err(e));
            }
        };
        for f in &outcome.failures {
            tracing::warn!("scan incomplete: {f}");
        }
        let report = outcome.report;
        tracing::info!(report = %report.id, assets = report.assets.len(), "scan finished");
        lock(&self.status).last_scan_at = Some(Utc::now());
        let body = match serde_json::to_vec(&report) {
            Ok(b) => b,
            Err(e) => return Some(Err(format!("cannot encode the report: {e}"))),
        };
        match self.queue.push(Kind::Discovery, report.id, &body) {
            Ok(dropped) => {
                if !dropped.is_empty() {
                    lock(&self.status).last_error = Some(format!(
                        "offline queue full: dropped {} oldest report(s)",
                        dropped.len()
                    ));
                }
            }
            Err(e) => {
                // Disk full or read-only: say so, and still try to hand the report over.
                tracing::error!("{e}");
                lock(&self.status).last_error = Some(e);
                self.send_unqueued(&body).await;
            }
        }
        Some(Ok(()))
    }

    /// A report that could not be queued: one direct attempt, lost if it fails (said so).
    async fn send_unqueued(&mut self, body: &[u8]) {
        let c = self.client.clone();
        let bytes = body.to_vec();
        let sent = tokio::task::spawn_blocking(move || {
            c.post_bytes::<serde_json::Value>(Kind::Discovery.endpoint(), &bytes)
        })
        .await;
        match sent {
            Ok(Ok(_)) => {
                tracing::info!("report delivered without queueing");
                lock(&self.status).last_delivery_at = Some(Utc::now());
            }
            Ok(Err(e)) => tracing::error!("report could neither be queued nor delivered: {e}"),
            Err(e) => tracing::error!("delivery task failed: {e}"),
        }
    }

    /// Sends queued reports oldest first, until one fails. Not before the backoff says so,
    /// unless `forced` (a new cycle, or the server just answered a heartbeat).
    async fn drain(&mut self, forced: bool) {
        if self.queue.depth() == 0 || !(forced || self.backoff.due(Instant::now())) {
            return;
        }
        let (queue, client, status) =
            (self.queue.clone(), self.client.clone(), self.status.clone());
        let result =
            tokio::task::spawn_blocking(move || send_queue(&queue, &client, &status)).await;
        let now = Instant::now();
        match result {
            Ok(Ok(sent)) => {
                if sent > 0 {
                    tracing::info!(sent, "queued reports delivered");
                }
                self.backoff.succeeded();
            }
            Ok(Err(e)) => {
                let at_least = match &e {
                    CallError::RateLimited(s) => Some(Duration::from_secs(*s)),
                    _ => None,
                };
                let wait = self.backoff.failed(now, at_least);
                tracing::warn!(
                    "delivery failed, {} report(s) wait; next try in {} s: {e}",
                    self.queue.depth(),
                    wait.as_secs()
                );
                let mut s = lock(&self.status);
                s.last_error = Some(e.to_string());
                s.server_reachable = Some(!matches!(
                    e,
                    CallError::Dns(_)
                        | CallError::Unreachable(_)
                        | CallError::Tls(_)
                        | CallError::Timeout
                ));
            }
            Err(e) => tracing::error!("delivery task failed: {e}"),
        }
        let mut s = lock(&self.status);
        s.queue_depth = self.queue.depth();
        s.save(&self.home);
    }

    /// The last word to the server: "stopping" (offline at once) when stopped by a signal.
    async fn farewell(&self, stopping: bool) {
        let body = {
            let mut s = lock(&self.status);
            s.activity = if stopping { "stopping" } else { "idle" }.into();
            s.queue_depth = self.queue.depth();
            s.save(&self.home);
            heartbeat_body(&s, &self.opts, &s.activity.clone())
        };
        let _ =
            tokio::time::timeout(FAREWELL_TIMEOUT, beat(&self.client, &self.status, body)).await;
        lock(&self.status).save(&self.home);
    }
}

/// Sends the queue in order; returns how many went, or the error that stopped it.
fn send_queue(
    queue: &Queue,
    client: &ApiClient,
    status: &Mutex<AgentStatus>,
) -> Result<usize, CallError> {
    let mut sent = 0;
    for entry in queue.pending() {
        let body = match queue.read(&entry) {
            Ok(b) if serde_json::from_slice::<serde_json::Value>(&b).is_ok() => b,
            _ => {
                match queue.set_aside(&entry, SetAside::Corrupt) {
                    Ok(to) => tracing::warn!("unreadable queued report moved to {}", to.display()),
                    Err(e) => tracing::error!("{e}"),
                }
                continue;
            }
        };
        match client.post_bytes::<serde_json::Value>(entry.kind.endpoint(), &body) {
            Ok(_) => {
                if let Err(e) = queue.remove(&entry) {
                    // Sent but still on disk: it will be sent again and stored once.
                    tracing::warn!("{e}");
                }
                sent += 1;
                lock(status).last_delivery_at = Some(Utc::now());
            }
            Err(e @ CallError::Rejected { .. }) => {
                tracing::error!(report = %entry.name(), "the server refuses this report for good: {e}");
                let _ = queue.set_aside(&entry, SetAside::Rejected);
                lock(status).last_error = Some(e.to_string());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}
