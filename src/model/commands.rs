//! Remote commands, once for both sides: what an admin asks one agent to do now, what the
//! agent is told in its heartbeat answer, and what it reports back as it goes.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// One scan now (optionally of other targets or ports), delivered as usual.
    ScanNow,
    /// Poll the site's switches now and deliver their placements with a scan.
    PollSwitches,
    /// Run the Shield checks now (agents without Shield fail it, saying so).
    ShieldNow,
    /// Replace the agent's token; the old one stops working.
    RotateToken,
    /// Fetch the site configuration now.
    ReloadConfig,
}

impl CommandKind {
    pub const ALL: [CommandKind; 5] = [
        CommandKind::ScanNow,
        CommandKind::PollSwitches,
        CommandKind::ShieldNow,
        CommandKind::RotateToken,
        CommandKind::ReloadConfig,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::ScanNow => "scan_now",
            CommandKind::PollSwitches => "poll_switches",
            CommandKind::ShieldNow => "shield_now",
            CommandKind::RotateToken => "rotate_token",
            CommandKind::ReloadConfig => "reload_config",
        }
    }

    pub fn parse(s: &str) -> Option<CommandKind> {
        CommandKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A command's life: queued → acked → running → completed or failed; expired when nobody
/// took it in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandState {
    Queued,
    Acked,
    Running,
    Completed,
    Failed,
    Expired,
}

impl CommandState {
    pub const ALL: [CommandState; 6] = [
        CommandState::Queued,
        CommandState::Acked,
        CommandState::Running,
        CommandState::Completed,
        CommandState::Failed,
        CommandState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandState::Queued => "queued",
            CommandState::Acked => "acked",
            CommandState::Running => "running",
            CommandState::Completed => "completed",
            CommandState::Failed => "failed",
            CommandState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<CommandState> {
        CommandState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the command has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CommandState::Completed | CommandState::Failed | CommandState::Expired
        )
    }
}

/// What a command works on; fields a kind does not use are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CommandArgs {
    /// `scan_now`: targets instead of the configured ones (empty: the configured ones).
    pub targets: Vec<String>,
    /// `scan_now`: ports instead of the configured ones.
    pub ports: Option<String>,
    /// `scan_now`: run the Shield checks after the scan.
    pub shield: bool,
}

/// `POST /api/agents/{id}/commands`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommand {
    pub kind: CommandKind,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub ports: Option<String>,
    #[serde(default)]
    pub shield: bool,
}

/// A command as an agent receives it in its heartbeat answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommandOrder {
    pub id: Uuid,
    pub kind: CommandKind,
    #[serde(default)]
    pub args: CommandArgs,
    /// Not acked by then, it expires.
    pub expires_at: DateTime<Utc>,
}

/// How far a running command is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CommandProgress {
    /// e.g. `scanning`, `delivering`.
    pub phase: String,
    pub hosts_found: u32,
    /// 0–100 when known.
    pub percent: Option<u8>,
}

/// What a finished command produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CommandResult {
    /// The scan a `scan_now` delivered.
    pub scan_id: Option<Uuid>,
    pub assets: Option<u64>,
    pub changes: Option<u64>,
    /// Why it failed, or a note on how it went.
    pub detail: Option<String>,
}

/// `POST /api/agents/commands/{id}`: the agent's word on a command it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandUpdate {
    /// acked, running, completed or failed.
    pub state: CommandState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<CommandProgress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CommandResult>,
}

/// A command as the dashboard sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommandView {
    pub id: Uuid,
    pub agent_id: Uuid,
    pub site: String,
    pub kind: CommandKind,
    pub args: CommandArgs,
    pub state: CommandState,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub acked_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub progress: Option<CommandProgress>,
    pub result: Option<CommandResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_read_back_from_their_text() {
        for k in CommandKind::ALL {
            assert_eq!(CommandKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for s in CommandState::ALL {
            assert_eq!(CommandState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(CommandKind::parse("format_disk").is_none());
    }
}
