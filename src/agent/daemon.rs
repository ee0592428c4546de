//! The agent's loop around `cycle`: cycle on an interval, send waiting reports when the
//! backoff or a returning server allows, and heartbeat on a timer of its own (so a long scan
//! never makes a healthy agent look stale). SIGTERM/SIGINT end it cleanly: the current scan
//! is abandoned, queued reports stay on disk, a final "stopping" heartbeat goes out, the PID
//! file goes.
use super::beat::{self, Announce};
use super::commands::{self, Ledger};
use super::config::AgentConfig;
use super::cycle::{Agent, LiveScanner, Scanned, ShieldPolicy};
use super::orders::Orders;
use super::pidfile::PidFile;
use super::site_copy::{self, Held};
use super::status::lock;
use super::update::Updater;
use crate::model::agent_api::{Activity, IngestAnswer, ShieldSaved};
use crate::model::commands::CommandOrder;
use crate::scan::request::ScanRequest;
use crate::scan::{dhcp, interfaces};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc, watch};

/// Longest a final heartbeat may hold up a stop.
const FAREWELL_TIMEOUT: Duration = Duration::from_secs(5);
/// The delivery backoff never waits longer than this (nor longer than the interval).
const RETRY_CAP: Duration = Duration::from_secs(300);
/// Longest the first heartbeat (and the configuration fetch it may start) holds up the first
/// cycle: an unreachable server must not delay the scan by more.
const FIRST_BEAT_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest a heartbeat waits at the server for a command (the server holds at most 25 s).
const LONG_POLL: Duration = Duration::from_secs(25);
/// Two heartbeats are never closer than this.
const MIN_BEAT_GAP: Duration = Duration::from_secs(1);
/// Commands taken and waiting to run (more in one heartbeat answer are left to expire).
const COMMANDS_WAITING: usize = 32;
/// Inside a maintenance window the agent looks again this often.
const MAINTENANCE_RECHECK: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// What each cycle scans (targets and settings; no database, nothing printed).
    pub request: ScanRequest,
    pub interval: Duration,
    pub heartbeat: Duration,
    /// One cycle, then exit (cron, tests).
    pub once: bool,
    /// `--shield`: Shield after scans, whatever the site's plan says.
    pub shield: Option<ShieldPolicy>,
}

/// How the last cycle of a `--once` run ended.
#[derive(Debug, PartialEq)]
pub enum Finish {
    /// Scanned and delivered everything; the server's answers to this cycle's discovery and
    /// Shield reports.
    Delivered(Option<IngestAnswer>, Option<ShieldSaved>),
    /// Scanned, but reports wait in the queue (the server did not take them).
    Queued(usize),
    /// Stopped by a signal.
    Stopped,
    ScanFailed(String),
    /// The site's maintenance window held: no scan ran.
    Maintenance,
    /// An update was installed: run it instead.
    Update,
}

pub async fn run(home: &Path, cfg: AgentConfig, opts: RunOptions) -> anyhow::Result<Finish> {
    let _claim = PidFile::acquire(home)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    let mut request = opts.request.clone();
    // Held for the agent's life: its captures stop when it goes.
    let _dhcp = listen_for_dhcp(&mut request);
    // The last good copy of the site's configuration: used until the server says otherwise.
    let saved = site_copy::load(home);
    let held_version = saved.as_ref().map_or(0, |c| c.version);
    let (held, site_rx) = watch::channel(saved.map(Arc::new));
    let gauge = super::cycle::Gauge::default();
    let scanner = LiveScanner {
        local: request,
        interval: opts.interval,
        site: site_rx.clone(),
        gauge: gauge.clone(),
        shield: opts.shield,
    };
    let retry_cap = opts.interval.min(RETRY_CAP);
    let mut agent = Agent::new(&cfg, home, scanner, retry_cap, stop_rx.clone())?;
    lock(&agent.status()).config_version = held_version;
    tokio::spawn(watch_signals(stop_tx.clone()));
    // A `--once` run installs nothing: it would end before restarting into it.
    let updater = (!opts.once).then(|| {
        Arc::new(Updater::new(
            home,
            cfg.release_public_key.clone(),
            stop_tx.clone(),
        ))
    });
    let announce = Announce::new(&opts.request.targets, opts.heartbeat);
    let server_back = Arc::new(Notify::new());
    let held = Arc::new(held);
    // A `--once` run takes no commands: it would end before running them.
    let (orders, commands) = if opts.once {
        (None, None)
    } else {
        let (tx, rx) = mpsc::channel(COMMANDS_WAITING);
        let orders = Arc::new(Orders {
            client: agent.client(),
            home: home.to_path_buf(),
            held: held.clone(),
            status: agent.status(),
            ledger: Arc::new(std::sync::Mutex::new(Ledger::load(home))),
            gauge,
        });
        let (c, h, l) = (agent.client(), home.to_path_buf(), orders.ledger.clone());
        let _ = tokio::task::spawn_blocking(move || {
            let mut ledger = l.lock().unwrap_or_else(|p| p.into_inner());
            commands::fail_unfinished(&c, &h, &mut ledger);
        })
        .await;
        (Some((orders.clone(), tx)), Some((orders, rx)))
    };
    let parts = agent_parts(&agent, home, held, orders, updater.clone());
    tracing::info!(agent = %cfg.agent_id, site = %cfg.site, server = %cfg.api_url, config = held_version, "agent started");
    // The first heartbeat goes before the first scan (and does not wait for commands), so a
    // configuration changed while the agent was down is the one that scan uses.
    let first = tokio::time::timeout(FIRST_BEAT_TIMEOUT, beat_once(&parts, &announce, None)).await;
    let was_reachable = matches!(first, Ok(true));
    let beats = tokio::spawn(heartbeats(
        parts,
        announce.clone(),
        server_back.clone(),
        stop_rx.clone(),
        was_reachable,
    ));
    let finish = cycles(&mut agent, &opts, site_rx, stop_rx, server_back, commands).await;
    beats.abort();
    let updated = updater.as_ref().is_some_and(|u| u.installed());
    // A `--once` run is over too: the dashboard shows the agent offline, not online. An
    // agent restarting into an update is back in a moment: it stays online.
    let activity = if updated {
        Activity::Idle
    } else if finish == Finish::Stopped || opts.once {
        Activity::Stopping
    } else {
        Activity::Idle
    };
    let _ = tokio::time::timeout(FAREWELL_TIMEOUT, agent.heartbeat(&announce, activity)).await;
    tracing::info!(?finish, updated, "agent stopped");
    Ok(if updated { Finish::Update } else { finish })
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

async fn watch_signals(stop: Arc<watch::Sender<bool>>) {
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
    held: Arc<Held>,
    /// Where taken commands go to be run (None: a `--once` run takes none).
    orders: Option<(Arc<Orders>, mpsc::Sender<CommandOrder>)>,
    /// Takes update offers (None: a `--once` run takes none).
    updater: Option<Arc<Updater>>,
}

fn agent_parts<S: super::cycle::Scanner>(
    agent: &Agent<S>,
    home: &Path,
    held: Arc<Held>,
    orders: Option<(Arc<Orders>, mpsc::Sender<CommandOrder>)>,
    updater: Option<Arc<Updater>>,
) -> Parts {
    Parts {
        client: agent.client(),
        queue: agent.queue(),
        status: agent.status(),
        home: home.to_path_buf(),
        held,
        orders,
        updater,
    }
}

/// One heartbeat (held up to `wait` for a command), then the site configuration it announces
/// when the held copy is older, then the commands it carries: each taken (acked) here, so the
/// next heartbeat does not bring it again, and run by the cycles. True when the server
/// answered.
async fn beat_once(parts: &Parts, announce: &Announce, wait: Option<Duration>) -> bool {
    // The latest update's state goes out with every beat until it changes.
    let update = super::update::UpdateFile::load(&parts.home).report;
    let body = {
        let mut s = lock(&parts.status);
        s.queue_depth = parts.queue.depth();
        let mut body = announce.request(&s, s.activity, wait);
        body.update = update;
        body
    };
    let answer = beat::send(&parts.client, &parts.status, body).await;
    if let (Some(a), Some(u)) = (&answer, &parts.updater) {
        u.after_beat(&parts.client, a.update.as_ref());
    }
    if let Some(a) = &answer
        && let Err(e) = site_copy::sync(
            &parts.client,
            &parts.home,
            &parts.held,
            &parts.status,
            a.config_version,
        )
        .await
    {
        tracing::warn!("{e}");
        lock(&parts.status).last_error = Some(e.to_string());
    }
    if let (Some(a), Some((orders, to_run))) = (&answer, &parts.orders) {
        for order in &a.commands {
            if orders.take(order).await && to_run.try_send(order.clone()).is_err() {
                tracing::warn!(command = %order.id, "too many commands at once; this one is dropped");
            }
        }
    }
    lock(&parts.status).save(&parts.home);
    answer.is_some()
}

/// The heartbeat loop, independent of scans (the first beat has gone already). Each beat
/// waits at the server up to `LONG_POLL` (or the heartbeat period, when shorter) for a
/// command, and the next goes as soon as it returns: a command reaches the agent within a
/// second of being queued. A server that does not answer is tried again after the period.
async fn heartbeats(
    parts: Parts,
    announce: Announce,
    server_back: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
    mut was_reachable: bool,
) {
    let wait = announce.period.min(LONG_POLL);
    let mut pause = if was_reachable {
        Duration::ZERO
    } else {
        announce.period
    };
    loop {
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => return,
        }
        let began = Instant::now();
        let ok = tokio::select! {
            ok = beat_once(&parts, &announce, Some(wait)) => ok,
            _ = stop.changed() => return,
        };
        // The server answers again and reports wait: send them now, not at the next cycle.
        if ok && (!was_reachable || parts.queue.depth() > 0) {
            server_back.notify_one();
        }
        was_reachable = ok;
        pause = if ok {
            // Never closer than a second apart, whatever the server answers.
            MIN_BEAT_GAP.saturating_sub(began.elapsed())
        } else {
            announce.period
        };
    }
}

/// The next command to run; never resolves for a run that takes none.
async fn next_command(
    commands: &mut Option<(Arc<Orders>, mpsc::Receiver<CommandOrder>)>,
) -> Option<CommandOrder> {
    match commands {
        Some((_, rx)) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The interval and maintenance window now in force: the agent's own, or its site's.
fn in_force(
    opts: &RunOptions,
    site: &watch::Receiver<Option<Arc<crate::model::site_config::SiteConfig>>>,
) -> crate::control::plan::CyclePlan {
    crate::control::plan::cycle_plan(&opts.request, opts.interval, site.borrow().as_deref())
}

/// Cycles until stopped (or once); between cycles, retries delivery when due. A new site
/// configuration moves the next cycle to its interval at once.
async fn cycles<S: super::cycle::Scanner>(
    agent: &mut Agent<S>,
    opts: &RunOptions,
    mut site: watch::Receiver<Option<Arc<crate::model::site_config::SiteConfig>>>,
    mut stop: watch::Receiver<bool>,
    server_back: Arc<Notify>,
    mut commands: Option<(Arc<Orders>, mpsc::Receiver<CommandOrder>)>,
) -> Finish {
    loop {
        if *stop.borrow() {
            return Finish::Stopped;
        }
        let started = Instant::now();
        let plan = in_force(opts, &site);
        let maintenance = !plan.may_scan(chrono::Utc::now());
        lock(&agent.status()).in_maintenance = maintenance;
        if maintenance {
            tracing::info!("inside the site's maintenance window: no scan this cycle");
            if opts.once {
                return Finish::Maintenance;
            }
        } else {
            let report = agent.cycle().await;
            match (&report.scanned, opts.once) {
                (Scanned::Abandoned, _) => return Finish::Stopped,
                (Scanned::Failed(e), true) => return Finish::ScanFailed(e.clone()),
                (_, true) if report.waiting == 0 => {
                    return Finish::Delivered(report.answer, report.shield_answer);
                }
                (_, true) => return Finish::Queued(report.waiting),
                _ => {}
            }
        }
        let mut next_cycle = started
            + if maintenance {
                plan.interval.min(MAINTENANCE_RECHECK)
            } else {
                plan.interval
            };
        site.mark_unchanged();
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
                Ok(()) = site.changed() => {
                    let interval = in_force(opts, &site).interval;
                    next_cycle = started + interval;
                    tracing::info!(seconds = interval.as_secs(), "next scan follows the new site configuration");
                    continue;
                }
                Some(order) = next_command(&mut commands) => {
                    let orders = commands.as_ref().map(|(o, _)| o.clone()).expect("a command came");
                    if !orders.run(agent, &order).await {
                        return Finish::Stopped;
                    }
                    continue;
                }
                _ = stop.changed() => return Finish::Stopped,
            };
            if agent.queue().depth() > 0 {
                let _ = agent.drain(forced).await;
            }
        }
    }
}
