//! Carrying out a command inside the agent's loop: a scan now (with the command's targets and
//! ports), a switch poll (a scan, whose report carries the placements), Shield now (a scan,
//! then Shield on what it found), a configuration reload, or a token rotation; each step
//! reported to the server as it happens.
use super::client::ApiClient;
use super::commands::{self, Ledger, Step};
use super::cycle::{Agent, Gauge, Scanned, Scanner};
use super::site_copy::{self, Held};
use super::status::AgentStatus;
use crate::model::commands::{CommandKind, CommandOrder, CommandResult, CommandUpdate};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What running a command needs besides the agent.
pub struct Orders {
    pub client: Arc<ApiClient>,
    pub home: PathBuf,
    pub held: Arc<Held>,
    pub status: Arc<Mutex<AgentStatus>>,
    pub ledger: Arc<Mutex<Ledger>>,
    /// The running scan's counters.
    pub gauge: Gauge,
}

/// How often a running scan's progress is reported.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

fn ledger(l: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    l.lock().unwrap_or_else(|p| p.into_inner())
}

impl Orders {
    /// Sends an update off the async workers; a failure is logged (the server ends the
    /// command in time if it never hears).
    async fn tell(&self, id: uuid::Uuid, update: CommandUpdate) {
        let c = self.client.clone();
        let sent = tokio::task::spawn_blocking(move || commands::report(&c, id, &update)).await;
        match sent {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(command = %id, "cannot report the command: {e}"),
            Err(e) => tracing::warn!(command = %id, "report task failed: {e}"),
        }
    }

    /// Takes (ledger, then ack) a command from a heartbeat answer; true when it is ours to
    /// run now.
    pub async fn take(&self, order: &CommandOrder) -> bool {
        let (c, home, l, o) = (
            self.client.clone(),
            self.home.clone(),
            self.ledger.clone(),
            order.clone(),
        );
        tokio::task::spawn_blocking(move || commands::take(&c, &home, &mut ledger(&l), &o))
            .await
            .unwrap_or(false)
    }

    /// Runs a taken command to its end; false when a stop cut it short.
    pub async fn run<S: Scanner>(&self, agent: &mut Agent<S>, order: &CommandOrder) -> bool {
        let (ok, result, stopped) = match order.kind {
            CommandKind::ScanNow | CommandKind::PollSwitches | CommandKind::ShieldNow => {
                self.tell(order.id, commands::progress("scanning")).await;
                // Shield now: a scan finds what is there, then Shield checks it.
                let mut args = order.args.clone();
                args.shield |= order.kind == CommandKind::ShieldNow;
                let cycle = agent.cycle_with(Some(&args));
                tokio::pin!(cycle);
                let mut tick = tokio::time::interval(PROGRESS_EVERY);
                tick.tick().await;
                let r = loop {
                    tokio::select! {
                        r = &mut cycle => break r,
                        _ = tick.tick() => {
                            if let Some(p) = self.gauge.read() {
                                self.tell(order.id, CommandUpdate {
                                    state: crate::model::commands::CommandState::Running,
                                    progress: Some(p),
                                    result: None,
                                }).await;
                            }
                        }
                    }
                };
                let shield = match (&r.shielded, &r.shield_answer) {
                    (_, Some(saved)) => Some(format!(
                        "shield scan {}: {} finding(s), score {}",
                        saved.shield_scan_id,
                        saved.findings,
                        saved.score.map_or("not assessed".into(), |s| format!(
                            "{s:.1} ({})",
                            saved.grade.clone().unwrap_or_default()
                        )),
                    )),
                    (Some(_), None) => Some("the shield report waits in the agent's queue".into()),
                    (None, _) if args.shield => {
                        Some("shield: no host found with a port to check".into())
                    }
                    _ => None,
                };
                match (&r.scanned, r.answer) {
                    (Scanned::Abandoned, _) => (
                        false,
                        commands::detail("the agent stopped during the scan"),
                        true,
                    ),
                    (Scanned::Failed(e), _) => {
                        (false, commands::detail(format!("scan failed: {e}")), false)
                    }
                    (_, Some(a)) => (
                        true,
                        CommandResult {
                            scan_id: Some(a.scan_id),
                            assets: Some(a.asset_count as u64),
                            changes: Some(a.changes.values().sum::<usize>() as u64),
                            detail: shield,
                        },
                        false,
                    ),
                    (_, None) => (
                        true,
                        commands::detail(
                            "the report waits in the agent's queue: delivered when the server takes it",
                        ),
                        false,
                    ),
                }
            }
            CommandKind::ReloadConfig => {
                // -1 never equals a held version: fetch now (a 304 when ours is current).
                match site_copy::sync(&self.client, &self.home, &self.held, &self.status, -1).await
                {
                    Ok(_) => {
                        let v = self.held.borrow().as_ref().map_or(0, |c| c.version);
                        (
                            true,
                            commands::detail(format!("configuration v{v} in use")),
                            false,
                        )
                    }
                    Err(e) => (false, commands::detail(e.to_string()), false),
                }
            }
            CommandKind::RotateToken => {
                let (c, home) = (self.client.clone(), self.home.clone());
                match tokio::task::spawn_blocking(move || commands::rotate_token(&c, &home)).await {
                    Ok(Ok(said)) => (true, commands::detail(said), false),
                    Ok(Err(e)) => (false, commands::detail(e), false),
                    Err(e) => (false, commands::detail(e.to_string()), false),
                }
            }
        };
        if !ok {
            commands::note_failure(
                &self.status,
                order.kind,
                result.detail.as_deref().unwrap_or(""),
            );
        }
        self.tell(order.id, commands::ended(ok, result)).await;
        let _ = ledger(&self.ledger).record(&self.home, order.id, Step::Done);
        tracing::info!(command = %order.id, kind = order.kind.as_str(), ok, "command finished");
        !stopped
    }
}
