//! `$BIGR_HOME/agent.state.json`: what the running agent last did, for `bigr agent status`
//! (no secrets in it). Rewritten atomically after every step that changes it.
use crate::model::agent_api::Activity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE: &str = "agent.state.json";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AgentStatus {
    pub pid: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub activity: Activity,
    pub cycles: u64,
    pub last_scan_at: Option<DateTime<Utc>>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    pub server_reachable: Option<bool>,
    pub queue_depth: usize,
    pub last_error: Option<String>,
    /// The site configuration version held (0: none; the agent runs on its own settings).
    #[serde(default)]
    pub config_version: i64,
    /// Whether the last cycle fell in the site's maintenance window (no scan ran).
    #[serde(default)]
    pub in_maintenance: bool,
    /// When Shield checks last finished.
    #[serde(default)]
    pub last_shield_at: Option<DateTime<Utc>>,
    /// The latest scan failed and none has succeeded since: when and why (the server
    /// raises a scan_failed alert while the heartbeat carries it).
    #[serde(default)]
    pub scan_failure: Option<crate::model::agent_api::ScanFailure>,
}

/// The shared status, even after a panic elsewhere poisoned its lock (it is only a record).
pub fn lock(status: &std::sync::Mutex<AgentStatus>) -> std::sync::MutexGuard<'_, AgentStatus> {
    status.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

impl AgentStatus {
    pub fn load(home: &Path) -> Option<AgentStatus> {
        serde_json::from_slice(&std::fs::read(path(home)).ok()?).ok()
    }

    /// Best effort: a status file that cannot be written must not stop the agent.
    pub fn save(&self, home: &Path) {
        let tmp = home.join(format!(".{FILE}.tmp"));
        let result = serde_json::to_vec_pretty(self)
            .map_err(std::io::Error::other)
            .and_then(|bytes| super::private::write_atomic(&path(home), &tmp, &bytes));
        if let Err(e) = result {
            tracing::debug!("cannot write the agent status file: {e}");
        }
    }
}
