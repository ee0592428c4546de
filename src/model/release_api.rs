//! Agent updates on the wire, for both sides: the site's policy an admin sets, the offer a
//! heartbeat answer carries, and what an agent reports of its latest update.
use crate::release::sign::SignedManifest;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether and how a site's agents update themselves. Off unless an admin turns it on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UpdatePolicy {
    /// Agents of the site install new releases by themselves.
    pub auto: bool,
    /// Run exactly this version (also an older one: the way back from a bad release).
    pub pinned_version: Option<String>,
    /// A staged rollout: this percentage of the site's agents (1 to 100; default 100) takes
    /// a new version; the same agents each time for one version.
    pub rollout_percent: Option<u8>,
}

/// A release the agent should install: its signed manifest (the agent checks it against the
/// key it pinned at registration) and where to download the binary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpdateOffer {
    pub manifest: SignedManifest,
    /// A path on this server, fetched with the agent's token.
    pub download: String,
    /// The site pins this version: it may be older than the one running.
    #[serde(default)]
    pub pinned: bool,
}

/// Where an agent's latest update stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    /// Downloaded and checked; restarting into it.
    Updating,
    /// Running the new version, which has heartbeated.
    Updated,
    /// Not installed: a bad signature, hash, size or target, a downgrade, a failed
    /// self-check, a download that broke off.
    Refused,
    /// Installed, but it did not start or did not heartbeat in time: the previous version
    /// runs again.
    RolledBack,
}

impl UpdateState {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "updating",
            UpdateState::Updated => "updated",
            UpdateState::Refused => "refused",
            UpdateState::RolledBack => "rolled_back",
        }
    }
}

/// What an agent says of its latest update in each heartbeat until the state changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReport {
    pub state: UpdateState,
    /// The version the update was to (at most 32 characters).
    pub version: String,
    /// Why it was refused or rolled back (at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}
