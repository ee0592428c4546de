//! Running the commands an admin sends: each is written to the ledger
//! (`$BIGR_HOME/commands.json`) before the agent acks it, acked with the server (a
//! conditional update: of two acks one wins), run, and reported. A command id in the ledger
//! is never run again, and one found started at start-up (the agent died during it) is
//! reported failed, so a command runs at most once even across restarts.
use super::client::{ApiClient, CallError};
use super::status::{AgentStatus, lock};
use crate::model::agent_api::{Registered, paths};
use crate::model::commands::{
    CommandKind, CommandOrder, CommandProgress, CommandResult, CommandState, CommandUpdate,
    CommandView,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub const FILE: &str = "commands.json";
/// Ledger entries kept (the newest); older ids can no longer arrive (they expire in minutes).
const KEEP: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Written before the ack: if the agent dies now, it may or may not have been acked.
    Taking,
    Running,
    Done,
}

/// What this agent did with each command it was given (ids are time-ordered UUIDv7).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Ledger {
    pub commands: BTreeMap<Uuid, Step>,
}

fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

impl Ledger {
    pub fn load(home: &Path) -> Ledger {
        std::fs::read(path(home))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Durable before anything is sent: a crash after this line still finds the entry.
    pub fn record(&mut self, home: &Path, id: Uuid, step: Step) -> std::io::Result<()> {
        self.commands.insert(id, step);
        while self.commands.len() > KEEP {
            let oldest = *self.commands.keys().next().expect("non-empty");
            self.commands.remove(&oldest);
        }
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        super::private::write_atomic(&path(home), &home.join(format!(".{FILE}.tmp")), &bytes)
    }

    pub fn seen(&self, id: Uuid) -> bool {
        self.commands.contains_key(&id)
    }

    /// Commands a previous run started and never finished.
    pub fn unfinished(&self) -> Vec<Uuid> {
        self.commands
            .iter()
            .filter(|(_, s)| **s != Step::Done)
            .map(|(id, _)| *id)
            .collect()
    }
}

/// Sends the agent's word on command `id`.
pub fn report(
    client: &ApiClient,
    id: Uuid,
    update: &CommandUpdate,
) -> Result<CommandView, CallError> {
    client.post(&format!("{}{id}", paths::COMMAND_PREFIX), update)
}

pub fn progress(phase: &str) -> CommandUpdate {
    CommandUpdate {
        state: CommandState::Running,
        progress: Some(CommandProgress {
            phase: phase.into(),
            ..Default::default()
        }),
        result: None,
    }
}

pub fn ended(ok: bool, result: CommandResult) -> CommandUpdate {
    CommandUpdate {
        state: if ok {
            CommandState::Completed
        } else {
            CommandState::Failed
        },
        progress: None,
        result: Some(result),
    }
}

pub fn detail(text: impl Into<String>) -> CommandResult {
    CommandResult {
        detail: Some(text.into()),
        ..Default::default()
    }
}

/// At start-up: every command a previous run started and did not finish is reported failed
/// (a command never acked stays queued on the server and expires; it is not run).
pub fn fail_unfinished(client: &ApiClient, home: &Path, ledger: &mut Ledger) {
    for id in ledger.unfinished() {
        let said = report(
            client,
            id,
            &ended(false, detail("the agent stopped during this command")),
        );
        match said {
            Ok(_) | Err(CallError::Rejected { .. }) => {
                let _ = ledger.record(home, id, Step::Done);
            }
            // Unreachable: tried again at the next start; the server fails it in time anyway.
            Err(e) => tracing::warn!(command = %id, "cannot report an interrupted command: {e}"),
        }
    }
}

/// Takes a command: ledger first, then the ack. False when it must not run (seen before,
/// acked elsewhere, expired, or the ledger cannot be written).
pub fn take(client: &ApiClient, home: &Path, ledger: &mut Ledger, order: &CommandOrder) -> bool {
    if ledger.seen(order.id) {
        return false;
    }
    if let Err(e) = ledger.record(home, order.id, Step::Taking) {
        // Without a durable record a restart could run it twice: leave it to expire.
        tracing::error!(command = %order.id, "cannot record the command, not running it: {e}");
        return false;
    }
    let ack = CommandUpdate {
        state: CommandState::Acked,
        progress: None,
        result: None,
    };
    match report(client, order.id, &ack) {
        Ok(_) => {
            let _ = ledger.record(home, order.id, Step::Running);
            tracing::info!(command = %order.id, kind = order.kind.as_str(), "command taken");
            true
        }
        Err(e) => {
            tracing::warn!(command = %order.id, "command not taken: {e}");
            let _ = ledger.record(home, order.id, Step::Done);
            false
        }
    }
}

/// `rotate_token`: a new token from the server, saved in agent.yaml (when the agent has one)
/// and used from the next request on.
pub fn rotate_token(client: &ApiClient, home: &Path) -> Result<String, String> {
    let made: Registered = client
        .post(paths::ROTATE, &serde_json::json!({}))
        .map_err(|e| e.to_string())?;
    client.set_token(made.token.clone());
    let file = super::config::path(home);
    if file.exists() {
        let mut cfg = super::config::AgentConfig::load(home).map_err(|e| e.to_string())?;
        cfg.token = made.token;
        cfg.save(home)
            .map_err(|e| format!("the new token is in use but not saved: {e}"))?;
        return Ok("token rotated and saved".into());
    }
    Ok("token rotated (no agent.yaml: update the token file before the next start)".into())
}

/// Notes a command's outcome in the status file's last error when it failed.
pub fn note_failure(status: &Arc<Mutex<AgentStatus>>, kind: CommandKind, why: &str) {
    lock(status).last_error = Some(format!("command {} failed: {why}", kind.as_str()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_survives_a_restart_and_names_what_was_cut_short() {
        let home = tempfile::tempdir().unwrap();
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut l = Ledger::default();
        l.record(home.path(), a, Step::Done).unwrap();
        l.record(home.path(), b, Step::Running).unwrap();
        l.record(home.path(), c, Step::Taking).unwrap();
        let again = Ledger::load(home.path());
        assert!(again.seen(a) && again.seen(b) && again.seen(c));
        assert_eq!(again.unfinished(), vec![b, c]);
    }

    #[test]
    fn the_ledger_keeps_the_newest_entries() {
        let home = tempfile::tempdir().unwrap();
        let mut l = Ledger::default();
        let ids: Vec<Uuid> = (0..KEEP + 3).map(|_| Uuid::now_v7()).collect();
        for id in &ids {
            l.commands.insert(*id, Step::Done);
        }
        l.record(home.path(), Uuid::now_v7(), Step::Done).unwrap();
        assert_eq!(l.commands.len(), KEEP);
        assert!(!l.seen(ids[0]) && l.seen(ids[KEEP + 2]));
    }
}
