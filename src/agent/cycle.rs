//! One agent cycle, callable on its own: send what waits, scan through the injected
//! `Scanner`, queue the report durably before any send, and send again. It returns what it
//! did. The daemon's loop (timers, signals) only calls it; tests call it in-process with a
//! canned scanner and no PID file.
use super::backoff::Backoff;
use super::beat;
use super::client::{ApiClient, CallError};
use super::config::AgentConfig;
use super::error::AgentError;
use super::queue::{self, Kind, Queue, SetAside};
use super::status::{AgentStatus, lock};
use crate::control::plan::{CyclePlan, cycle_plan};
use crate::model::ScanReport;
use crate::model::agent_api::ShieldSaved;
use crate::model::agent_api::{Activity, HeartbeatAnswer, IngestAnswer};
use crate::model::commands::{CommandArgs, CommandProgress};
use crate::model::shield::{Preset, ShieldReport};
use crate::model::site_config::SiteConfig;
use crate::scan::engine::ScanOutcome;
use crate::scan::progress::Progress;
use crate::scan::request::{self, ScanError, ScanRequest};
use crate::scan::snmp::SnmpOptions;
use crate::scan::switch_poll;
use crate::shield::{ShieldRequest, ShieldTarget};
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

/// First retry after a failed delivery; later ones double up to the cap.
const RETRY_BASE: Duration = Duration::from_secs(2);

/// When an agent runs Shield after its scans: this preset, at most this often (zero: after
/// every scan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShieldPolicy {
    pub preset: Preset,
    pub every: Duration,
}

/// What produces a cycle's report: the real scanner, or a canned one in tests.
pub trait Scanner: Send + Sync {
    fn scan(&self) -> impl Future<Output = Result<ScanOutcome, ScanError>> + Send;

    /// Whether and how Shield runs after a scan (none by default).
    fn shield_policy(&self) -> Option<ShieldPolicy> {
        None
    }

    /// Shield checks of the hosts a scan found; None when none of them has a port to check.
    /// The default checks nothing: a canned scanner's hosts are not real.
    fn shield(
        &self,
        _found: &ScanReport,
        _preset: Preset,
    ) -> impl Future<Output = Option<ShieldReport>> + Send {
        async { None }
    }

    /// A scan an admin asked for: other targets or ports when the command names them.
    fn scan_now(
        &self,
        _args: &CommandArgs,
    ) -> impl Future<Output = Result<ScanOutcome, ScanError>> + Send {
        self.scan()
    }
}

/// The scanner of a running agent: the library scan of the cycle's plan (the agent's own
/// request under its site's configuration, as held when the cycle starts), then the site's
/// switches, whose forwarding tables place the devices found on their ports.
pub struct LiveScanner {
    pub local: ScanRequest,
    pub interval: Duration,
    pub site: watch::Receiver<Option<Arc<SiteConfig>>>,
    /// The running scan's counters, for the progress of a command.
    pub gauge: Gauge,
    /// `--shield` on the command line; without it the site's Shield plan applies.
    pub shield: Option<ShieldPolicy>,
}

/// The counters of the scan running now (none between scans), shared with whoever reports
/// progress.
#[derive(Clone, Default)]
pub struct Gauge(Arc<Mutex<Option<Running>>>);

struct Running {
    progress: Arc<Progress>,
    addresses: usize,
    ports: usize,
}

impl Gauge {
    fn start(&self, progress: Arc<Progress>, addresses: usize, ports: usize) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Running {
            progress,
            addresses,
            ports,
        });
    }

    fn stop(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Hosts found so far and an estimate of the share done: probes sent against one per
    /// address plus one per port of every host found (capped at 99 until the scan ends).
    pub fn read(&self) -> Option<CommandProgress> {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let r = guard.as_ref()?;
        let now = r.progress.snapshot();
        let expected = r.addresses + now.hosts_found * r.ports;
        let percent = (now.probes * 100)
            .checked_div(expected)
            .map(|p| p.min(99) as u8);
        Some(CommandProgress {
            phase: "scanning".into(),
            hosts_found: u32::try_from(now.hosts_found).unwrap_or(u32::MAX),
            percent,
        })
    }
}

impl LiveScanner {
    pub fn plan(&self) -> CyclePlan {
        cycle_plan(&self.local, self.interval, self.site.borrow().as_deref())
    }
}

impl LiveScanner {
    async fn run(&self, plan: CyclePlan) -> Result<ScanOutcome, ScanError> {
        let planned = request::plan(&plan.request).await?;
        let progress = Arc::new(Progress::default());
        self.gauge.start(
            progress.clone(),
            planned.plan.addresses.len(),
            planned.plan.ports.len(),
        );
        let done = request::execute(planned, plan.request.rules_home.clone(), progress).await;
        self.gauge.stop();
        let mut outcome = done?;
        if !plan.switches.is_empty() {
            let polls = switch_poll::poll_all(&plan.switches, &SnmpOptions::default()).await;
            switch_poll::settle(
                &mut outcome.report,
                &polls,
                plan.request.rules_home.as_deref(),
            )
            .await;
            for p in &polls {
                if let Err(e) = &p.table {
                    outcome.failures.push(format!("switch {}: {e}", p.host));
                }
            }
        }
        Ok(outcome)
    }
}

impl Scanner for LiveScanner {
    async fn scan(&self) -> Result<ScanOutcome, ScanError> {
        self.run(self.plan()).await
    }

    fn shield_policy(&self) -> Option<ShieldPolicy> {
        if self.shield.is_some() {
            return self.shield;
        }
        let site = self.site.borrow();
        let plan = &site.as_ref()?.settings.shield;
        let preset = match plan.preset.as_deref()? {
            "quick" => Preset::Quick,
            "deep" => Preset::Deep,
            _ => Preset::Standard,
        };
        Some(ShieldPolicy {
            preset,
            every: Duration::from_secs(u64::from(plan.every_hours.unwrap_or(24).max(1)) * 3600),
        })
    }

    async fn shield(&self, found: &ScanReport, preset: Preset) -> Option<ShieldReport> {
        let modules = crate::shield::preset_modules(preset);
        let wanted = crate::shield::candidate_ports(&modules);
        let fragile: std::collections::HashSet<String> = self
            .site
            .borrow()
            .as_ref()
            .map(|c| c.fragile_ips.iter().cloned().collect())
            .unwrap_or_default();
        let targets: Vec<ShieldTarget> = found
            .assets
            .iter()
            .filter(|a| a.open_ports.iter().any(|p| wanted.contains(p)))
            .map(|a| ShieldTarget {
                ip: a.ip,
                name: a.hostname.clone().filter(|n| n.contains('.')),
                ports: Some(a.open_ports.clone()),
                fragile: a.sensitivity == crate::model::Sensitivity::Fragile
                    || fragile.contains(&a.ip.to_string()),
                pinned: false,
            })
            .collect();
        if targets.is_empty() {
            return None;
        }
        let mut req = ShieldRequest::new(targets, preset, found.target.clone());
        req.modules = modules;
        Some(crate::shield::run(req).await)
    }

    async fn scan_now(&self, args: &CommandArgs) -> Result<ScanOutcome, ScanError> {
        let mut plan = self.plan();
        if !args.targets.is_empty() {
            plan.request.targets = args.targets.clone();
        }
        if let Some(p) = &args.ports {
            plan.request.settings.ports = Some(p.clone());
            plan.request.settings.top_ports = None;
        }
        self.run(plan).await
    }
}

/// How a cycle's scan ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Scanned {
    /// The report is in the queue (and may have been delivered since).
    Queued {
        report: Uuid,
        assets: usize,
    },
    /// The queue's disk refused it; one direct send was tried (`delivered` says how it went).
    Unqueued {
        report: Uuid,
        delivered: bool,
    },
    Failed(String),
    /// A stop request cut the scan short; nothing was queued.
    Abandoned,
}

/// What one cycle did.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleReport {
    pub scanned: Scanned,
    /// Reports the server took during this cycle (older queued ones included).
    pub delivered: usize,
    /// Reports still in the queue afterwards.
    pub waiting: usize,
    /// Why a delivery stopped, when one did.
    pub delivery_error: Option<CallError>,
    /// The server's answer to the newest discovery report delivered in this cycle.
    pub answer: Option<IngestAnswer>,
    /// The Shield report this cycle queued, if Shield ran.
    pub shielded: Option<Uuid>,
    /// The server's answer to the newest Shield report delivered in this cycle.
    pub shield_answer: Option<ShieldSaved>,
}

/// An agent's state between cycles: its queue, client, status and retry timer.
pub struct Agent<S> {
    home: PathBuf,
    scanner: S,
    client: Arc<ApiClient>,
    queue: Arc<Queue>,
    status: Arc<Mutex<AgentStatus>>,
    backoff: Backoff,
    stop: watch::Receiver<bool>,
    last_answer: Option<IngestAnswer>,
    last_shield_answer: Option<ShieldSaved>,
    /// When Shield last ran (this process's life: a restart runs it after its first scan).
    last_shield: Option<Instant>,
}

impl<S: Scanner> Agent<S> {
    /// Opens the queue under `home`. `retry_cap` bounds the delivery backoff; a `true` on
    /// `stop` abandons a running scan.
    pub fn new(
        cfg: &AgentConfig,
        home: &Path,
        scanner: S,
        retry_cap: Duration,
        stop: watch::Receiver<bool>,
    ) -> Result<Agent<S>, AgentError> {
        let bounds = queue::Bounds {
            max_reports: cfg.queue_max_reports.max(1),
            max_bytes: cfg.queue_max_mib.max(1) << 20,
            max_age: Duration::from_secs(cfg.queue_max_days.max(1) * 86_400),
        };
        let queue = Arc::new(Queue::open(&home.join("queue"), bounds)?);
        let status = Arc::new(Mutex::new(AgentStatus {
            pid: std::process::id(),
            started_at: Some(Utc::now()),
            activity: Activity::Idle,
            queue_depth: queue.depth(),
            ..Default::default()
        }));
        Ok(Agent {
            home: home.to_path_buf(),
            scanner,
            client: Arc::new(ApiClient::new(&cfg.api_url, Some(cfg.token.clone()))),
            queue,
            status,
            backoff: Backoff::new(RETRY_BASE, retry_cap.max(RETRY_BASE)),
            stop,
            last_answer: None,
            last_shield_answer: None,
            last_shield: None,
        })
    }

    pub fn client(&self) -> Arc<ApiClient> {
        self.client.clone()
    }
    pub fn queue(&self) -> Arc<Queue> {
        self.queue.clone()
    }
    pub fn status(&self) -> Arc<Mutex<AgentStatus>> {
        self.status.clone()
    }
    /// When the backoff allows the next delivery attempt (None: no failure pending).
    pub fn next_attempt(&self) -> Option<Instant> {
        self.backoff.next_attempt()
    }

    /// Drains, scans and queues, drains again.
    pub async fn cycle(&mut self) -> CycleReport {
        self.cycle_with(None).await
    }

    /// A cycle; with `now`, the scan an admin's command asked for.
    pub async fn cycle_with(&mut self, now: Option<&CommandArgs>) -> CycleReport {
        self.last_answer = None;
        self.last_shield_answer = None;
        let mut delivered = 0;
        let mut delivery_error = None;
        let mut note = |sent: Result<usize, CallError>| match sent {
            Ok(n) => delivered += n,
            Err(e) => delivery_error = Some(e),
        };
        note(self.drain(true).await);
        let (scanned, found) = self.scan_and_queue(now).await;
        let mut shielded = None;
        if scanned != Scanned::Abandoned {
            note(self.drain(true).await);
            // Discovery is delivered first: Shield takes longer and must not hold it back.
            let asked = now.is_some_and(|a| a.shield);
            if let (Some(found), Some(preset)) = (found, self.shield_due(asked)) {
                shielded = self.shield_and_queue(&found, preset).await;
                if shielded.is_some() {
                    note(self.drain(true).await);
                }
            }
        }
        let waiting = self.queue.depth();
        {
            let mut s = lock(&self.status);
            // A cycle counts once its scan ran to the end: one cut short by a stop made no
            // report, and counting it would promise the server a report that never existed.
            if scanned != Scanned::Abandoned {
                s.cycles += 1;
            }
            s.queue_depth = waiting;
            s.save(&self.home);
        }
        CycleReport {
            scanned,
            delivered,
            waiting,
            delivery_error,
            answer: self.last_answer.take(),
            shielded,
            shield_answer: self.last_shield_answer.take(),
        }
    }

    /// The preset Shield runs with now, if it is due: always when a command asks (with the
    /// policy's preset, else standard), otherwise when the policy's time has come.
    fn shield_due(&self, asked: bool) -> Option<Preset> {
        let policy = self.scanner.shield_policy();
        if asked {
            return Some(policy.map_or(Preset::Standard, |p| p.preset));
        }
        let policy = policy?;
        let due = self
            .last_shield
            .is_none_or(|at| at.elapsed() >= policy.every);
        due.then_some(policy.preset)
    }

    /// Runs Shield on what the scan found and queues its report before any send. The
    /// report's id, chosen here, makes a re-sent report stored once.
    async fn shield_and_queue(&mut self, found: &ScanReport, preset: Preset) -> Option<Uuid> {
        lock(&self.status).activity = Activity::Scanning;
        let mut stop = self.stop.clone();
        let report = tokio::select! {
            r = self.scanner.shield(found, preset) => r,
            _ = stop.wait_for(|stopping| *stopping) => {
                tracing::info!("shield checks abandoned: stopping");
                None
            }
        };
        lock(&self.status).activity = Activity::Idle;
        self.last_shield = Some(Instant::now());
        let report = report?;
        tracing::info!(
            report = %report.id,
            hosts = report.hosts.len(),
            findings = report.findings.len(),
            score = ?report.score,
            "shield checks finished"
        );
        lock(&self.status).last_shield_at = Some(Utc::now());
        let body = match serde_json::to_vec(&report) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("cannot encode the shield report: {e}");
                return None;
            }
        };
        match self.queue.push(Kind::Shield, report.id, &body) {
            Ok(_) => Some(report.id),
            Err(e) => {
                // Disk full or read-only: one direct send, as for discovery reports.
                tracing::error!("{e}");
                lock(&self.status).last_error = Some(e.to_string());
                let c = self.client.clone();
                let sent = tokio::task::spawn_blocking(move || {
                    c.post_bytes::<ShieldSaved>(Kind::Shield.endpoint(), &body)
                })
                .await;
                matches!(sent, Ok(Ok(_))).then_some(report.id)
            }
        }
    }

    /// Sends queued reports oldest first until one fails. Not before the backoff says so,
    /// unless `forced` (a new cycle, or the server just answered a heartbeat).
    pub async fn drain(&mut self, forced: bool) -> Result<usize, CallError> {
        if self.queue.depth() == 0 || !(forced || self.backoff.due(Instant::now())) {
            return Ok(0);
        }
        let (queue, client, status) =
            (self.queue.clone(), self.client.clone(), self.status.clone());
        let result = tokio::task::spawn_blocking(move || send_queue(&queue, &client, &status))
            .await
            .unwrap_or_else(|e| {
                Err(CallError::Server {
                    status: 0,
                    message: format!("delivery task failed: {e}"),
                })
            });
        let result = result.map(|d| {
            if d.answer.is_some() {
                self.last_answer = d.answer;
            }
            if d.shield.is_some() {
                self.last_shield_answer = d.shield;
            }
            d.sent
        });
        match &result {
            Ok(sent) => {
                if *sent > 0 {
                    tracing::info!(sent, "queued reports delivered");
                }
                self.backoff.succeeded();
            }
            Err(e) => {
                let at_least = match e {
                    CallError::RateLimited(s) => Some(Duration::from_secs(*s)),
                    _ => None,
                };
                let wait = self.backoff.failed(Instant::now(), at_least);
                tracing::warn!(
                    "delivery failed, {} report(s) wait; next try in {} s: {e}",
                    self.queue.depth(),
                    wait.as_secs()
                );
                let mut s = lock(&self.status);
                s.last_error = Some(e.to_string());
                s.server_reachable = Some(e.server_answered());
            }
        }
        let mut s = lock(&self.status);
        s.queue_depth = self.queue.depth();
        s.save(&self.home);
        result
    }

    /// Scans; the report goes to the queue before any send. The report comes back too, for
    /// Shield to check what it found.
    async fn scan_and_queue(&mut self, now: Option<&CommandArgs>) -> (Scanned, Option<ScanReport>) {
        lock(&self.status).activity = Activity::Scanning;
        let mut stop = self.stop.clone();
        let scanning = async {
            match now {
                Some(args) => self.scanner.scan_now(args).await,
                None => self.scanner.scan().await,
            }
        };
        let outcome = tokio::select! {
            r = scanning => r,
            _ = stop.wait_for(|stopping| *stopping) => {
                tracing::info!("scan abandoned: stopping");
                return (Scanned::Abandoned, None);
            }
        };
        lock(&self.status).activity = Activity::Idle;
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                tracing::error!("scan failed: {e}");
                let mut s = lock(&self.status);
                s.last_error = Some(format!("scan failed: {e}"));
                s.scan_failure = Some(crate::model::agent_api::ScanFailure {
                    at: Utc::now(),
                    reason: e
                        .to_string()
                        .chars()
                        .take(super::beat::LAST_ERROR_CHARS)
                        .collect(),
                });
                drop(s);
                return (Scanned::Failed(e.to_string()), None);
            }
        };
        for note in &outcome.notes {
            tracing::info!("{note}");
        }
        for f in &outcome.failures {
            tracing::warn!("scan incomplete: {f}");
        }
        let report = outcome.report;
        let assets = report.assets.len();
        tracing::info!(report = %report.id, assets, "scan finished");
        {
            let mut s = lock(&self.status);
            s.last_scan_at = Some(Utc::now());
            s.scan_failure = None;
        }
        let body = match serde_json::to_vec(&report) {
            Ok(b) => b,
            Err(e) => {
                return (
                    Scanned::Failed(format!("cannot encode the report: {e}")),
                    None,
                );
            }
        };
        match self.queue.push(Kind::Discovery, report.id, &body) {
            Ok(dropped) => {
                if !dropped.is_empty() {
                    lock(&self.status).last_error = Some(format!(
                        "offline queue full: dropped {} oldest report(s)",
                        dropped.len()
                    ));
                }
                (
                    Scanned::Queued {
                        report: report.id,
                        assets,
                    },
                    Some(report),
                )
            }
            Err(e) => {
                // Disk full or read-only: say so, and still try to hand the report over.
                tracing::error!("{e}");
                lock(&self.status).last_error = Some(e.to_string());
                let delivered = self.send_unqueued(body).await;
                (
                    Scanned::Unqueued {
                        report: report.id,
                        delivered,
                    },
                    Some(report),
                )
            }
        }
    }

    /// A report that could not be queued: one direct attempt, lost if it fails (said so).
    async fn send_unqueued(&mut self, body: Vec<u8>) -> bool {
        let c = self.client.clone();
        let sent = tokio::task::spawn_blocking(move || {
            c.post_bytes::<IngestAnswer>(Kind::Discovery.endpoint(), &body)
        })
        .await;
        match sent {
            Ok(Ok(_)) => {
                tracing::info!("report delivered without queueing");
                lock(&self.status).last_delivery_at = Some(Utc::now());
                true
            }
            Ok(Err(e)) => {
                tracing::error!("report could neither be queued nor delivered: {e}");
                false
            }
            Err(e) => {
                tracing::error!("delivery task failed: {e}");
                false
            }
        }
    }

    /// One heartbeat with the agent's current status; the server's answer when it gave one.
    pub async fn heartbeat(
        &self,
        announce: &beat::Announce,
        activity: Activity,
    ) -> Option<HeartbeatAnswer> {
        let body = {
            let mut s = lock(&self.status);
            s.activity = activity;
            s.queue_depth = self.queue.depth();
            announce.request(&s, activity, None)
        };
        let answer = beat::send(&self.client, &self.status, body).await;
        lock(&self.status).save(&self.home);
        answer
    }
}

/// Sends the queue in order; returns how many went and the server's answer to the last
/// discovery report, or the error that stopped it.
fn send_queue(
    queue: &Queue,
    client: &ApiClient,
    status: &Mutex<AgentStatus>,
) -> Result<Delivered, CallError> {
    let mut sent = 0;
    let mut answer = None;
    let mut shield = None;
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
            Ok(reply) => {
                match entry.kind {
                    Kind::Discovery => {
                        answer = serde_json::from_value::<IngestAnswer>(reply)
                            .ok()
                            .or(answer);
                    }
                    Kind::Shield => {
                        shield = serde_json::from_value::<ShieldSaved>(reply).ok().or(shield);
                    }
                }
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
    Ok(Delivered {
        sent,
        answer,
        shield,
    })
}

/// What one pass over the queue delivered.
struct Delivered {
    sent: usize,
    /// The answer to the newest discovery report sent.
    answer: Option<IngestAnswer>,
    /// The answer to the newest Shield report sent.
    shield: Option<ShieldSaved>,
}
