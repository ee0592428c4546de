//! A site's configuration, once for both sides: what an admin sets in the dashboard
//! (`SiteSettings`) and what an agent of the site is sent (`SiteConfig`: the settings plus the
//! site's registered subnets, switches with their credentials, and fragile addresses).
//! The checks live in `crate::control`; these are the plain shapes on the wire.
use serde::{Deserialize, Serialize};

/// What an admin sets for a site. Every field is optional in effect: an empty list or an
/// unset value leaves the agent's own choice (its `agent.yaml`) in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SiteSettings {
    /// Targets besides the site's registered subnets: IPs, networks, ranges or host names.
    pub targets: Vec<String>,
    /// Addresses, networks or ranges no agent of the site probes.
    pub exclude: Vec<String>,
    /// `default`, `none` (discovery only) or a list and ranges such as `22,80,8000-8100`.
    pub ports: Option<String>,
    /// Seconds between two scans (60 to 604 800).
    pub interval_seconds: Option<u32>,
    /// ARP and ICMP packets per second.
    pub rate: Option<u32>,
    /// TCP connections in flight at once.
    pub max_concurrency: Option<u64>,
    /// Addresses or networks probed gently (no banners, no TLS, no UDP name questions),
    /// beside the assets the classifier marked fragile.
    pub fragile: Vec<String>,
    /// Device types probed gently wherever they are, e.g. `printer`, `camera`, `iot`.
    pub fragile_types: Vec<String>,
    pub shield: ShieldPlan,
    /// Hours in which agents of the site start no scan.
    pub maintenance: Option<MaintenanceWindow>,
    /// Whether the site's agents install signed releases by themselves (off by default).
    pub updates: crate::model::release_api::UpdatePolicy,
}

/// Whether and how often the site's agents run Shield checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ShieldPlan {
    /// `quick`, `standard` or `deep`; unset: no scheduled Shield run.
    pub preset: Option<String>,
    /// Hours between two Shield runs (1 to 720).
    pub every_hours: Option<u32>,
}

/// A daily window, in UTC, optionally on some weekdays only. `start` after `end` spans
/// midnight (22:00 to 04:00).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MaintenanceWindow {
    /// `HH:MM`, UTC.
    pub start: String,
    /// `HH:MM`, UTC.
    pub end: String,
    /// `mon` … `sun`; empty: every day. The day is the one the window starts on.
    pub days: Vec<String>,
}

pub use super::snmp_access::SwitchCredentials;

/// `GET /api/agents/config`: everything an agent of the site needs to scan as the server
/// says. Answers accept unknown fields, so a newer server can add settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SiteConfig {
    /// Steps by one whenever anything below changes; 0: the site has no configuration.
    pub version: i64,
    pub site: String,
    pub settings: SiteSettings,
    /// The site's registered subnets: scanned beside the settings' targets.
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub switches: Vec<SwitchCredentials>,
    /// Assets to probe gently: marked fragile, of a fragile type, or in `settings.fragile`.
    #[serde(default)]
    pub fragile_ips: Vec<String>,
}

/// What the dashboard sees of a site's configuration: no credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SiteConfigView {
    pub site: String,
    pub version: i64,
    pub settings: SiteSettings,
    pub subnets: Vec<String>,
    /// The switches agents poll (their communities stay on the server).
    pub switches: Vec<String>,
    /// The first 1 000 fragile addresses; `fragile_count` says how many agents are sent.
    pub fragile_ips: Vec<String>,
    pub fragile_count: usize,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_stay_out_of_debug_output() {
        let c = SiteConfig {
            switches: vec![SwitchCredentials::community(
                "10.0.0.2",
                "s3cret-community",
                "2c",
            )],
            ..Default::default()
        };
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn an_older_agent_reads_a_newer_servers_config() {
        let newer = serde_json::json!({
            "version": 3, "site": "hq", "added_later": true,
            "settings": {"ports": "22", "something_new": {"x": 1}},
        });
        let c: SiteConfig = serde_json::from_value(newer).unwrap();
        assert_eq!((c.version, c.settings.ports.as_deref()), (3, Some("22")));
    }
}
