//! What one agent cycle runs: the agent's own scan request (its `agent.yaml` and flags)
//! merged with its site's configuration from the server. Targets and exclusions add up;
//! a setting the site sets (ports, interval, rate, concurrency) wins, since the dashboard is
//! where an operator changes a fleet; fragile addresses add up.
use super::window::Window;
use crate::model::site_config::SiteConfig;
use crate::scan::request::ScanRequest;
use crate::scan::switch_poll::SwitchTarget;
use crate::scan::targets::{self, Target};
use std::net::IpAddr;
use std::time::Duration;

/// Addresses one fragile entry may cover (a /16), and all of them together.
const FRAGILE_PER_ENTRY: u64 = 65_536;
const FRAGILE_TOTAL: u64 = 262_144;

/// One cycle's work.
#[derive(Clone, Debug)]
pub struct CyclePlan {
    pub request: ScanRequest,
    pub interval: Duration,
    /// Switches whose forwarding tables place the devices found on their ports.
    pub switches: Vec<SwitchTarget>,
    /// No scan starts inside it.
    pub maintenance: Option<Window>,
    /// The site configuration this plan applies (0: none).
    pub config_version: i64,
}

impl CyclePlan {
    /// Whether a cycle may start at `now`.
    pub fn may_scan(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        !self.maintenance.as_ref().is_some_and(|w| w.contains(now))
    }
}

fn union(into: &mut Vec<String>, more: &[String]) {
    for m in more {
        if !into.iter().any(|t| t == m) {
            into.push(m.clone());
        }
    }
}

/// How many addresses a fragile entry covers; None for a host name (a fragile device is
/// named by address, since names change).
pub fn fragile_size(t: &Target) -> Option<u64> {
    match t {
        Target::Ip(_) => Some(1),
        Target::Net(n) => Some(1u64 << (n.max_prefix_len() - n.prefix_len()).min(63)),
        Target::Range(a, b) => Some(u64::from(u32::from(*b)) - u64::from(u32::from(*a)) + 1),
        Target::Host(_) => None,
    }
}

/// Checks the fragile entries' sizes (the settings check has parsed them already); an error
/// names the entry.
pub fn check_fragile(list: &[String]) -> Result<(), (String, String)> {
    let mut total = 0u64;
    for (i, entry) in list.iter().enumerate() {
        let field = format!("fragile[{i}]");
        let t = targets::parse(entry).map_err(|e| (field.clone(), e.to_string()))?;
        let size = fragile_size(&t).ok_or_else(|| {
            (
                field.clone(),
                "name a fragile device by address or network".into(),
            )
        })?;
        if size > FRAGILE_PER_ENTRY {
            return Err((field, format!("covers {size} addresses; at most a /16")));
        }
        total += size;
        if total > FRAGILE_TOTAL {
            return Err((
                "fragile".into(),
                format!("covers more than {FRAGILE_TOTAL} addresses in all"),
            ));
        }
    }
    Ok(())
}

fn fragile_addresses(entries: &[String]) -> Vec<IpAddr> {
    if check_fragile(entries).is_err() {
        tracing::warn!("the site's fragile list is too large; only marked assets are fragile");
        return Vec::new();
    }
    entries
        .iter()
        .filter_map(|e| targets::parse(e).ok())
        .flat_map(|t| targets::expand(&[t], &[], false).unwrap_or_default())
        .collect()
}

/// The cycle plan of an agent whose own request is `local`, run every `local_interval`,
/// under its site's configuration when it has one.
pub fn cycle_plan(
    local: &ScanRequest,
    local_interval: Duration,
    site: Option<&SiteConfig>,
) -> CyclePlan {
    let mut request = local.clone();
    let Some(site) = site.filter(|s| s.version > 0) else {
        return CyclePlan {
            request,
            interval: local_interval,
            switches: Vec::new(),
            maintenance: None,
            config_version: 0,
        };
    };
    let s = &site.settings;
    union(&mut request.targets, &site.subnets);
    union(&mut request.targets, &s.targets);
    union(&mut request.settings.exclude, &s.exclude);
    if let Some(p) = &s.ports {
        request.settings.ports = Some(p.clone());
        request.settings.top_ports = None;
    }
    if let Some(r) = s.rate {
        request.settings.rate = r;
    }
    if let Some(c) = s.max_concurrency {
        request.settings.max_concurrency = c;
    }
    request.fragile.extend(
        site.fragile_ips
            .iter()
            .filter_map(|ip| ip.parse::<IpAddr>().ok()),
    );
    request.fragile.extend(fragile_addresses(&s.fragile));
    let maintenance = s.maintenance.as_ref().and_then(|w| match Window::parse(w) {
        Ok(w) => Some(w),
        Err((field, why)) => {
            tracing::warn!(field, why, "ignoring the site's maintenance window");
            None
        }
    });
    CyclePlan {
        request,
        interval: s
            .interval_seconds
            .map(|i| Duration::from_secs(u64::from(i)))
            .unwrap_or(local_interval),
        switches: site.switches.clone(),
        maintenance,
        config_version: site.version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::site_config::{SiteSettings, SwitchCredentials};

    fn local() -> ScanRequest {
        ScanRequest {
            targets: vec!["10.0.0.0/24".into()],
            ..Default::default()
        }
    }

    #[test]
    fn without_a_site_configuration_the_agent_runs_its_own() {
        let p = cycle_plan(&local(), Duration::from_secs(300), None);
        assert_eq!(p.request.targets, vec!["10.0.0.0/24"]);
        assert_eq!((p.interval.as_secs(), p.config_version), (300, 0));
        let empty = SiteConfig::default();
        assert_eq!(
            cycle_plan(&local(), Duration::from_secs(300), Some(&empty)).config_version,
            0
        );
    }

    #[test]
    fn the_site_adds_targets_and_its_settings_win() {
        let site = SiteConfig {
            version: 4,
            site: "hq".into(),
            settings: SiteSettings {
                targets: vec!["10.0.0.0/24".into(), "10.2.0.5".into()],
                exclude: vec!["10.0.0.1".into()],
                ports: Some("22,443".into()),
                interval_seconds: Some(120),
                fragile: vec!["10.9.0.0/30".into()],
                ..Default::default()
            },
            subnets: vec!["10.1.0.0/24".into()],
            switches: vec![SwitchCredentials::community("10.0.0.2", "c", "2c")],
            fragile_ips: vec!["10.0.0.7".into(), "garbage".into()],
        };
        let p = cycle_plan(&local(), Duration::from_secs(300), Some(&site));
        assert_eq!(
            p.request.targets,
            vec!["10.0.0.0/24", "10.1.0.0/24", "10.2.0.5"],
            "merged once each, the agent's own first"
        );
        assert_eq!(p.request.settings.exclude, vec!["10.0.0.1"]);
        assert_eq!(p.request.settings.ports.as_deref(), Some("22,443"));
        assert_eq!((p.interval.as_secs(), p.config_version), (120, 4));
        assert_eq!(p.switches.len(), 1);
        let fragile: Vec<String> = {
            let mut v: Vec<String> = p.request.fragile.iter().map(|i| i.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(fragile, vec!["10.0.0.7", "10.9.0.1", "10.9.0.2"]);
    }

    #[test]
    fn fragile_entries_are_addresses_of_bounded_size() {
        assert!(check_fragile(&["10.0.0.0/16".into(), "10.1.0.1-10.1.0.9".into()]).is_ok());
        assert_eq!(
            check_fragile(&["10.0.0.0/15".into()]).unwrap_err().0,
            "fragile[0]"
        );
        assert_eq!(
            check_fragile(&["10.0.0.1".into(), "printer.lan".into()])
                .unwrap_err()
                .0,
            "fragile[1]"
        );
        let many: Vec<String> = (0..5).map(|i| format!("10.{i}.0.0/16")).collect();
        assert_eq!(check_fragile(&many).unwrap_err().0, "fragile");
    }
}
