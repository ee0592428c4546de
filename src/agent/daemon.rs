//! The agent's loop around `cycle`: cycle on an interval, send waiting reports when the
//! backoff or a returning server allows, and heartbeat on a timer of its own (so a long scan
//! never makes a healthy agent look stale). SIGTERM/SIGINT end it cleanly: the current scan
//! is abandoned, queued reports stay on disk, a final "stopping" heartbeat goes out, the PID
//! file goes.
use super::beat::{self, Announce};
use super::config::AgentConfig;
use super::cycle::{Agent, LiveScanner, Scanned};
use super::pidfile::PidFile;
use super::status::lock;
use crate::model::agent_api::{Activity, IngestAnswer};
use crate::scan::request::ScanRequest;
use crate::scan::{dhcp, interfaces};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// Longest a final heartbeat may hold up a stop.
const FAREWELL_TIMEOUT: Duration = Duration::from_secs(5);
/// The delivery backoff never waits longer than this (nor longer than the interval).
const RETRY_CAP: Duration = Duration::from_secs(300);

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// What each cycle scans (targets and settings; no database, nothing printed).
    pub request: ScanRequest,
    pub interval: Duration,
    pub heartbeat: Duration,
    /// One cycle, then exit (cron, tests).
    pub once: bool,
}

/// How the last cycle of a `--once` run ended.
#[derive(Debug, PartialEq)]
pub enum Finish {
    /// Scanned and delivered everything; the server's answer to this cycle's report.
    Delivered(Option<IngestAnswer>),
    /// Scanned, but reports wait in the queue (the server did not take them).
    Queued(usize),
    /// Stopped by a signal.
    Stopped,
    ScanFailed(String),
}

pub async fn run(home: &Path, cfg: AgentConfig, opts: RunOptions) -> anyhow::Result<Finish> {
    let _claim = PidFile::acquire(home)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut request = opts.request.clone();
    // Held for the agent's life: its captures stop when it goes.
    let _dhcp = listen_for_dhcp(&mut request);
    let scanner = LiveScanner(request);
    let retry_cap = opts.interval.min(RETRY_CAP);
    let mut agent = Agent::new(&cfg, home, scanner, retry_cap, stop_rx.clone())?;
    tokio::spawn(watch_signals(stop_tx));
    let announce = Announce::new(&opts.request.targets, opts.heartbeat);
    let server_back = Arc::new(Notify::new());
    let beats = tokio::spawn(heartbeats(
        agent_parts(&agent, home),
        announce.clone(),
        server_back.clone(),
        stop_rx.clone(),
    ));
    tracing::info!(agent = %cfg.agent_id, site = %cfg.site, server = %cfg.api_url, "agent started");
    let finish = cycles(&mut agent, &opts, stop_rx, server_back).await;
    beats.abort();
    // A `--once` run is over too: the dashboard shows the agent offline, not online.
    let activity = if finish == Finish::Stopped || opts.once {
        Activity::Stopping
    } else {
        Activity::Idle
    };
    let _ = tokio::time::timeout(FAREWELL_TIMEOUT, agent.heartbeat(&announce, activity)).await;
    tracing::info!(?finish, "agent stopped");
    Ok(finish)
}

/// Listens for DHCP requests on every interface with an IPv4 network for as long as the
/// agent runs, so each cycle knows the names of devices that renewed their lease between
/// scans. Without capture rights each scan still listens for itself (and finds out the same).
fn listen_for_dhcp(request: &mut ScanRequest) -> Option<dhcp::Listener> {
    if !request.settings.dhcp || request.dhcp_book.is_some() {
        return None;
    }
    let mut ifaces: Vec<String> = interfaces::list()
        .into_iter()
        .map(|n| n.interface)
        .collect();
    ifaces.sort();
    ifaces.dedup();
    let book = dhcp::DhcpBook::default();
    match dhcp::listen(&ifaces, book.clone()) {
        Ok(listener) => {
            tracing::info!(interfaces = ?ifaces, "listening for DHCP requests");
            request.dhcp_book = Some(book);
            Some(listener)
        }
        Err(e) => {
            tracing::info!(error = %e, "not listening for DHCP requests between scans");
            None
        }
    }
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

/// What the heartbeat timer shares with the cycles.
struct Parts {
    client: Arc<super::client::ApiClient>,
    queue: Arc<super::queue::Queue>,
    status: Arc<std::sync::Mutex<super::status::AgentStatus>>,
    home: std::path::PathBuf,
}

fn agent_parts<S: super::cycle::Scanner>(agent: &Agent<S>, home: &Path) -> Parts {
    Parts {
        client: agent.client(),
        queue: agent.queue(),
        status: agent.status(),
        home: home.to_path_buf(),
    }
}

/// The heartbeat timer, independent of scans.
async fn heartbeats(
    parts: Parts,
    announce: Announce,
    server_back: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut was_reachable = true;
    loop {
        let body = {
            let mut s = lock(&parts.status);
            s.queue_depth = parts.queue.depth();
            announce.request(&s, s.activity)
        };
        let ok = beat::send(&parts.client, &parts.status, body).await;
        lock(&parts.status).save(&parts.home);
        // The server answers again and reports wait: send them now, not at the next cycle.
        if ok && (!was_reachable || parts.queue.depth() > 0) {
            server_back.notify_one();
        }
        was_reachable = ok;
        tokio::select! {
            _ = tokio::time::sleep(announce.period) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Cycles until stopped (or once); between cycles, retries delivery when due.
async fn cycles<S: super::cycle::Scanner>(
    agent: &mut Agent<S>,
    opts: &RunOptions,
    mut stop: watch::Receiver<bool>,
    server_back: Arc<Notify>,
) -> Finish {
    loop {
        if *stop.borrow() {
            return Finish::Stopped;
        }
        let report = agent.cycle().await;
        match (&report.scanned, opts.once) {
            (Scanned::Abandoned, _) => return Finish::Stopped,
            (Scanned::Failed(e), true) => return Finish::ScanFailed(e.clone()),
            (_, true) if report.waiting == 0 => return Finish::Delivered(report.answer),
            (_, true) => return Finish::Queued(report.waiting),
            _ => {}
        }
        let next_cycle = Instant::now() + opts.interval;
        loop {
            let now = Instant::now();
            if now >= next_cycle {
                break;
            }
            let mut wake = next_cycle;
            if agent.queue().depth() > 0
                && let Some(t) = agent.next_attempt()
            {
                wake = wake.min(t.max(now));
            }
            let forced = tokio::select! {
                _ = tokio::time::sleep_until(wake.into()) => false,
                _ = server_back.notified() => true,
                _ = stop.changed() => return Finish::Stopped,
            };
            if agent.queue().depth() > 0 {
                let _ = agent.drain(forced).await;
            }
        }
    }
}
