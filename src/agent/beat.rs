//! Heartbeats: what the agent tells the server about itself, built from its status as the
//! shared `HeartbeatRequest` and answered with a typed `HeartbeatAnswer`.
use super::client::{ApiClient, CallError};
use super::status::{AgentStatus, lock};
use crate::model::agent_api::{Activity, HeartbeatAnswer, HeartbeatRequest, paths};
use chrono::Utc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The server keeps at most this much of an agent's last error.
pub(super) const LAST_ERROR_CHARS: usize = 500;

/// The targets that are networks (single hosts and names are not subnets): what an agent
/// tells the server it covers, at registration and in every heartbeat.
pub fn subnets_of(targets: &[String]) -> Vec<String> {
    targets
        .iter()
        .filter(|t| t.parse::<ipnet::IpNet>().is_ok())
        .cloned()
        .collect()
}

/// What every heartbeat announces besides the status: the networks scanned and the period.
#[derive(Clone, Debug)]
pub struct Announce {
    pub subnets: Vec<String>,
    pub period: Duration,
}

impl Announce {
    pub fn new(targets: &[String], period: Duration) -> Announce {
        Announce {
            subnets: subnets_of(targets),
            period,
        }
    }

    /// The heartbeat body; `wait` asks the server to hold the answer until a command comes.
    pub fn request(
        &self,
        status: &AgentStatus,
        activity: Activity,
        wait: Option<Duration>,
    ) -> HeartbeatRequest {
        HeartbeatRequest {
            version: Some(crate::version::current().into()),
            activity: Some(activity),
            subnets: Some(self.subnets.clone()),
            queue_depth: u32::try_from(status.queue_depth).unwrap_or(u32::MAX),
            last_scan_at: status.last_scan_at,
            heartbeat_seconds: Some(self.period.as_secs().clamp(1, 3600) as i32),
            last_error: status
                .last_error
                .as_deref()
                .map(|e| e.chars().take(LAST_ERROR_CHARS).collect()),
            config_version: Some(status.config_version),
            wait_seconds: wait.map(|w| w.as_secs().min(u64::from(u32::MAX)) as u32),
            scan_failure: status.scan_failure.clone(),
            target: Some(crate::release::sign::this_target()),
            update: None,
        }
    }
}

/// Sends one heartbeat; the server's answer when it gave one.
pub async fn send(
    client: &Arc<ApiClient>,
    status: &Arc<Mutex<AgentStatus>>,
    body: HeartbeatRequest,
) -> Option<HeartbeatAnswer> {
    let c = client.clone();
    let sent =
        tokio::task::spawn_blocking(move || c.post::<_, HeartbeatAnswer>(paths::HEARTBEAT, &body))
            .await;
    let mut s = lock(status);
    match sent {
        Ok(Ok(answer)) => {
            tracing::debug!(state = answer.state.as_str(), "heartbeat answered");
            s.last_heartbeat_at = Some(Utc::now());
            s.server_reachable = Some(true);
            Some(answer)
        }
        Ok(Err(e)) => {
            tracing::warn!("heartbeat failed: {e}");
            s.server_reachable = Some(matches!(
                e,
                CallError::Unauthorized | CallError::RateLimited(_) | CallError::Rejected { .. }
            ));
            None
        }
        Err(e) => {
            tracing::warn!("heartbeat task failed: {e}");
            None
        }
    }
}
