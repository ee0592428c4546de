//! mDNS / DNS-SD during the scan window: ask which service types exist on the link, browse
//! each, and keep every resolved instance per IP. Only the interfaces of on-link targets are
//! used, so a scan never multicasts onto a network it was not asked to look at.
use super::error::ProbeError;
use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// What one IP announced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Announced {
    /// Instances as `Name._type._proto` (the service type stays a substring for the rules).
    pub services: BTreeSet<String>,
    /// The `.local` host name it answers to.
    pub hostname: Option<String>,
}

const META_QUERY: &str = "_services._dns-sd._udp.local.";
/// Types browsed from the start, because many devices never answer the meta-query: the
/// types the classification rules know, and a few common ones.
const SEED_TYPES: &[&str] = &[
    "_ipp._tcp",
    "_ipps._tcp",
    "_printer._tcp",
    "_pdl-datastream._tcp",
    "_uscan._tcp",
    "_scanner._tcp",
    "_googlecast._tcp",
    "_airplay._tcp",
    "_raop._tcp",
    "_sonos._tcp",
    "_spotify-connect._tcp",
    "_companion-link._tcp",
    "_apple-mobdev2._tcp",
    "_hap._tcp",
    "_homekit._tcp",
    "_hue._tcp",
    "_matter._tcp",
    "_esphomelib._tcp",
    "_shelly._tcp",
    "_axis-video._tcp",
    "_rtsp._tcp",
    "_smb._tcp",
    "_afpovertcp._tcp",
    "_adisk._tcp",
    "_nfs._tcp",
    "_workstation._tcp",
    "_ssh._tcp",
    "_sftp-ssh._tcp",
    "_rfb._tcp",
    "_http._tcp",
    "_https._tcp",
    "_device-info._tcp",
    "_sip._udp",
    "_home-assistant._tcp",
];
/// Service types followed at most, so a chatty network cannot grow the browse without end.
const MAX_TYPES: usize = 64;

/// `My Printer._ipp._tcp.local.` → `My Printer._ipp._tcp`.
pub fn short_name(fullname: &str) -> String {
    fullname
        .trim_end_matches('.')
        .trim_end_matches(".local")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

/// Browses on `interfaces` for `window` and returns what each IP in `wanted` announced.
/// Blocking (the daemon has its own thread): run it on a blocking thread.
pub fn browse(
    interfaces: &[String],
    wanted: &HashSet<IpAddr>,
    window: Duration,
) -> Result<BTreeMap<IpAddr, Announced>, ProbeError> {
    let daemon = ServiceDaemon::new().map_err(|e| ProbeError::setup("mDNS", e))?;
    let result = browse_with(&daemon, interfaces, wanted, window);
    // Shutting down waits for nothing we need; the status channel is dropped.
    let _ = daemon.shutdown();
    result
}

fn browse_with(
    daemon: &ServiceDaemon,
    interfaces: &[String],
    wanted: &HashSet<IpAddr>,
    window: Duration,
) -> Result<BTreeMap<IpAddr, Announced>, ProbeError> {
    let fail = |e: mdns_sd::Error| ProbeError::setup("mDNS", e);
    daemon.disable_interface(IfKind::All).map_err(fail)?;
    for name in interfaces {
        daemon
            .enable_interface(IfKind::Name(name.clone()))
            .map_err(fail)?;
    }
    let deadline = Instant::now() + window;
    let meta = daemon.browse(META_QUERY).map_err(fail)?;
    let mut browsing: Vec<mdns_sd::Receiver<ServiceEvent>> = Vec::new();
    let mut types = BTreeSet::new();
    for ty in SEED_TYPES {
        let ty = format!("{ty}.local.");
        if let Ok(rx) = daemon.browse(&ty) {
            browsing.push(rx);
            types.insert(ty);
        }
    }
    let mut out: BTreeMap<IpAddr, Announced> = BTreeMap::new();
    while Instant::now() < deadline {
        let mut idle = true;
        while let Ok(event) = meta.try_recv() {
            idle = false;
            if let ServiceEvent::ServiceFound(_, ty) = event
                && types.len() < MAX_TYPES + SEED_TYPES.len()
                && types.insert(ty.clone())
                && let Ok(rx) = daemon.browse(&ty)
            {
                browsing.push(rx);
            }
        }
        for rx in &browsing {
            while let Ok(event) = rx.try_recv() {
                idle = false;
                if let ServiceEvent::ServiceResolved(info) = event {
                    for scoped in &info.addresses {
                        let ip = scoped.to_ip_addr();
                        if !wanted.contains(&ip) {
                            continue;
                        }
                        let entry = out.entry(ip).or_default();
                        entry.services.insert(short_name(&info.fullname));
                        if entry.hostname.is_none() && !info.host.is_empty() {
                            entry.hostname = Some(short_name(&info.host).to_lowercase());
                        }
                    }
                }
            }
        }
        if idle {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    for ty in &types {
        let _ = daemon.stop_browse(ty);
    }
    let _ = daemon.stop_browse(META_QUERY);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_the_local_suffix_and_keep_the_type() {
        assert_eq!(
            short_name("Office Printer._ipp._tcp.local."),
            "Office Printer._ipp._tcp"
        );
        assert_eq!(short_name("nas.local."), "nas");
        assert_eq!(
            short_name("evil\u{7}name._http._tcp.local."),
            "evilname._http._tcp"
        );
    }
}
