//! The agent channel's wire types, once for both sides: the agent sends and reads these, the
//! server parses and answers with them, and the OpenAPI document is generated from them. A
//! renamed field therefore fails to compile (or fails the round-trip test) instead of
//! answering every deployed agent with 400. Requests refuse unknown fields, so a typo in an
//! agent is caught at once; answers accept them, so a newer server can add a field without
//! breaking older agents.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How long the server keeps an idle HTTP connection open before closing it.
pub const SERVER_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a client may keep an idle connection to the server for reuse: well below
/// [`SERVER_KEEP_ALIVE`], so a request is never written into a socket the server is closing
/// at that moment (which fails the request with a reset instead of an answer).
pub const CLIENT_MAX_IDLE: std::time::Duration = std::time::Duration::from_secs(3);

/// `POST /api/agents/register`.
#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub name: String,
    /// The site to report into. With an enrollment token it must be the token's site (or
    /// empty); with the shared secret it is created if new.
    #[serde(default)]
    pub site: String,
    /// A one-time token from `bigr agent enroll` or the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll_token: Option<String>,
    /// The server's `AGENT_REGISTRATION_SECRET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
}

// The credentials must never reach a log line through `{:?}`.
impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("name", &self.name)
            .field("site", &self.site)
            .field("version", &self.version)
            .field("subnets", &self.subnets)
            .finish_non_exhaustive()
    }
}

/// The answer to a registration or a token rotation: the token is shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Registered {
    pub agent_id: Uuid,
    pub site: String,
    pub token: String,
    /// The key the server's releases are signed with (`bigr-ed25519:…`): the agent pins it
    /// and installs only what it signed. None: this server offers no updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_public_key: Option<String>,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered")
            .field("agent_id", &self.agent_id)
            .field("site", &self.site)
            .field("token", &"…")
            .finish()
    }
}

/// What an agent is doing as it heartbeats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    #[default]
    Idle,
    Scanning,
    /// Going away on purpose: the server marks it offline at once.
    Stopping,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Idle => "idle",
            Activity::Scanning => "scanning",
            Activity::Stopping => "stopping",
        }
    }
}

/// `POST /api/agents/heartbeat`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Default idle; stopping marks the agent offline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<String>>,
    /// Reports waiting in the agent's offline queue.
    #[serde(default)]
    pub queue_depth: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scan_at: Option<DateTime<Utc>>,
    /// The agent's heartbeat period in seconds (default 60); three missed make it stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_seconds: Option<i32>,
    /// The agent's last problem, shown on the dashboard (at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The site configuration version the agent runs (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_version: Option<i64>,
    /// Hold the answer up to this many seconds (at most 25) until a command arrives: the
    /// agent's long poll, so "scan now" starts within seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<u32>,
    /// The agent's latest scan failed (and none has succeeded since): when and why. Raises
    /// a `scan_failed` alert until a heartbeat comes without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_failure: Option<ScanFailure>,
    /// The platform the agent runs on (`x86_64-linux`): which releases it can take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Its latest update: updating, updated, refused or rolled back, with the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<crate::model::release_api::UpdateReport>,
}

/// A scan an agent could not finish.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanFailure {
    pub at: DateTime<Utc>,
    /// At most 512 characters.
    pub reason: String,
}

/// An agent's lifecycle state as the server sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgentState {
    /// Registered, never heard from.
    Pending,
    Online,
    /// Three of its heartbeats missed.
    Stale,
    /// Said goodbye, or silent for a day.
    Offline,
    Revoked,
}

impl AgentState {
    pub const ALL: [AgentState; 5] = [
        AgentState::Pending,
        AgentState::Online,
        AgentState::Stale,
        AgentState::Offline,
        AgentState::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Pending => "pending",
            AgentState::Online => "online",
            AgentState::Stale => "stale",
            AgentState::Offline => "offline",
            AgentState::Revoked => "revoked",
        }
    }

    /// The stored text; anything unknown reads as pending.
    pub fn parse(s: &str) -> AgentState {
        AgentState::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .unwrap_or(AgentState::Pending)
    }
}

/// The answer to a heartbeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeartbeatAnswer {
    pub agent_id: Uuid,
    pub state: AgentState,
    pub server_time: DateTime<Utc>,
    /// The site's current configuration version (0: none). When it differs from the one the
    /// agent runs, the agent fetches `GET /api/agents/config`.
    #[serde(default)]
    pub config_version: i64,
    /// Commands for this agent, oldest first: ack each before running it.
    #[serde(default)]
    pub commands: Vec<crate::model::commands::CommandOrder>,
    /// A release the site's update policy wants this agent to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<crate::model::release_api::UpdateOffer>,
}

/// The answer to `POST /api/ingest/discovery` (the body is a `ScanReport`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IngestAnswer {
    pub scan_id: Uuid,
    pub site: String,
    /// True when this report id was stored before: nothing was written this time.
    pub already_saved: bool,
    pub asset_count: usize,
    /// Change rows per change type.
    pub changes: BTreeMap<String, usize>,
}

/// The answer to `POST /api/ingest/shield` (the body is a `ShieldReport`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShieldSaved {
    pub shield_scan_id: Uuid,
    pub site: String,
    pub already_saved: bool,
    pub findings: usize,
    /// The score and grade the server computed from the findings (a sender's are ignored).
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub grade: Option<String>,
}

/// The body of every error answer, on this channel and the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A short reason, safe to show a user.
    pub error: String,
}

/// The paths of the agent channel, for both sides.
pub mod paths {
    pub const REGISTER: &str = "/api/agents/register";
    pub const HEARTBEAT: &str = "/api/agents/heartbeat";
    pub const ROTATE: &str = "/api/agents/rotate-token";
    pub const CONFIG: &str = "/api/agents/config";
    /// `POST {COMMAND_PREFIX}{id}`: the agent's word on a command.
    pub const COMMAND_PREFIX: &str = "/api/agents/commands/";
    pub const INGEST: &str = "/api/ingest/discovery";
    pub const INGEST_SHIELD: &str = "/api/ingest/shield";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_stay_out_of_debug_output() {
        let r = Registered {
            agent_id: Uuid::nil(),
            site: "s".into(),
            token: "bigr_secret".into(),
            release_public_key: None,
        };
        assert!(!format!("{r:?}").contains("secret"));
        let q = RegisterRequest {
            name: "n".into(),
            site: "s".into(),
            enroll_token: Some("bigr_enroll_secret".into()),
            secret: Some("shared-secret".into()),
            version: None,
            subnets: vec![],
        };
        assert!(!format!("{q:?}").contains("secret"));
    }

    #[test]
    fn states_and_activities_read_back_from_their_text() {
        for s in AgentState::ALL {
            assert_eq!(AgentState::parse(s.as_str()), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for a in [Activity::Idle, Activity::Scanning, Activity::Stopping] {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }
}
