//! mDNS / DNS-SD during the scan window: ask which service types exist on the link, browse
//! each, and keep every resolved instance per IP. Only the interfaces of on-link targets are
//! used, so a scan never multicasts onto a network it was not asked to look at.
use super::error::ProbeError;
use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one IP announced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Announced {
    /// Instances as `Name._type._proto` (the service type stays a substring for the rules).
    pub services: BTreeSet<String>,
    /// The `.local` host name it answers to.
    pub hostname: Option<String>,
    /// Instance names of its services ("Ayşe's iPhone", "Office Printer"), in the order seen.
    pub instance_names: Vec<String>,
    /// Model and manufacturer from TXT records (`_device-info` model=, IPP ty=/usb_MFG=,
    /// Cast md=, AirPlay model=).
    pub device: crate::model::DeviceInfo,
}

/// Instance names kept per host at most.
const MAX_INSTANCE_NAMES: usize = 8;

/// What a service's TXT record says about the device: the model (and manufacturer where a
/// key gives it) by the conventions of each service type.
pub fn device_from_txt(ty: &str, get: impl Fn(&str) -> Option<String>) -> crate::model::DeviceInfo {
    let first = |keys: &[&str]| keys.iter().find_map(|k| get(k)).filter(|v| !v.is_empty());
    let mut d = crate::model::DeviceInfo::default();
    if ty.starts_with("_device-info.") || ty.starts_with("_airplay.") || ty.starts_with("_raop.") {
        d.model = first(&["model", "am"]);
    } else if ty.starts_with("_ipp") || ty.starts_with("_printer.") || ty.starts_with("_pdl-") {
        d.model =
            first(&["ty", "product", "usb_MDL"]).map(|m| m.trim_matches(['(', ')']).to_string());
        d.manufacturer = first(&["usb_MFG"]);
    } else if ty.starts_with("_googlecast.") {
        d.model = first(&["md"]);
    }
    for v in d.fields_mut().into_iter().flatten() {
        *v = v.chars().filter(|c| !c.is_control()).take(200).collect();
    }
    d
}

/// `Ayşe's iPhone._companion-link._tcp.local.` → `Ayşe's iPhone`.
fn instance_of(fullname: &str, ty_domain: &str) -> Option<String> {
    let name = fullname.strip_suffix(ty_domain)?.trim_end_matches('.');
    let name: String = name.chars().filter(|c| !c.is_control()).take(100).collect();
    (!name.trim().is_empty()).then_some(name)
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

/// The least time mDNS listens, even when the rest of the scan is done: responders answer
/// a query within 20–120 ms (RFC 6762 §6). Resolving what those answers name is waited
/// for on its own (`Listening::resolving`), so this only covers the first answers.
pub const MIN_LISTEN: Duration = Duration::from_millis(400);

/// Once the rest of the scan is done, listening ends after this long without an event, and
/// only when every instance seen so far has resolved (its SRV, TXT and address answers take
/// another query and another randomised delay after the PTR answer that named it).
const QUIET: Duration = Duration::from_millis(150);

/// Browses on `interfaces` for `window` and returns what each IP in `wanted` announced.
/// Listening ends early, after `MIN_LISTEN`, once `enough` is set (the other probes are
/// done) and the link has gone quiet. Blocking (the daemon has its own thread): run it on a
/// blocking thread.
pub fn browse(
    interfaces: &[String],
    wanted: &HashSet<IpAddr>,
    window: Duration,
    enough: &AtomicBool,
) -> Result<BTreeMap<IpAddr, Announced>, ProbeError> {
    let daemon = ServiceDaemon::new().map_err(|e| ProbeError::setup("mDNS", e))?;
    let result = browse_with(&daemon, interfaces, wanted, window, enough);
    // Shutting down waits for nothing we need; the status channel is dropped.
    let _ = daemon.shutdown();
    result
}

/// The browse in progress: what was announced so far and which instances still resolve.
struct Listening<'a> {
    wanted: &'a HashSet<IpAddr>,
    out: BTreeMap<IpAddr, Announced>,
    /// Instances named by a PTR answer whose resolution has not arrived yet (bounded by the
    /// number of browsed types times what the link announces; the window bounds the wait).
    resolving: HashSet<String>,
    last_event: Instant,
}

impl Listening<'_> {
    fn take(&mut self, event: ServiceEvent) {
        self.last_event = Instant::now();
        match event {
            ServiceEvent::ServiceFound(_, fullname) if self.resolving.len() < MAX_RESOLVING => {
                self.resolving.insert(fullname);
            }
            ServiceEvent::ServiceResolved(info) => {
                self.resolving.remove(&info.fullname);
                self.record(&info);
            }
            ServiceEvent::ServiceRemoved(_, fullname) => {
                self.resolving.remove(&fullname);
            }
            _ => {}
        }
    }

    fn record(&mut self, info: &mdns_sd::ResolvedService) {
        for scoped in &info.addresses {
            let ip = scoped.to_ip_addr();
            if !self.wanted.contains(&ip) {
                continue;
            }
            let entry = self.out.entry(ip).or_default();
            entry.services.insert(short_name(&info.fullname));
            if entry.hostname.is_none() && !info.host.is_empty() {
                entry.hostname = Some(short_name(&info.host).to_lowercase());
            }
            if let Some(instance) = instance_of(&info.fullname, &info.ty_domain)
                && entry.instance_names.len() < MAX_INSTANCE_NAMES
                && !entry.instance_names.contains(&instance)
            {
                entry.instance_names.push(instance);
            }
            let txt = &info.txt_properties;
            entry.device.absorb(device_from_txt(&info.ty_domain, |k| {
                txt.get_property_val_str(k).map(str::to_string)
            }));
        }
    }

    /// Whether listening longer can still add something the scan does not already know.
    fn may_stop(&self, started: Instant, enough: bool) -> bool {
        enough
            && started.elapsed() >= MIN_LISTEN
            && self.resolving.is_empty()
            && self.last_event.elapsed() >= QUIET
    }
}

/// Instances awaited at once at most (a link announcing more is still browsed; the window
/// then decides when to stop).
const MAX_RESOLVING: usize = 4096;

fn browse_with(
    daemon: &ServiceDaemon,
    interfaces: &[String],
    wanted: &HashSet<IpAddr>,
    window: Duration,
    enough: &AtomicBool,
) -> Result<BTreeMap<IpAddr, Announced>, ProbeError> {
    let fail = |e: mdns_sd::Error| ProbeError::setup("mDNS", e);
    daemon.disable_interface(IfKind::All).map_err(fail)?;
    for name in interfaces {
        daemon
            .enable_interface(IfKind::Name(name.clone()))
            .map_err(fail)?;
    }
    let started = Instant::now();
    let deadline = started + window;
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
    let mut listening = Listening {
        wanted,
        out: BTreeMap::new(),
        resolving: HashSet::new(),
        last_event: started,
    };
    loop {
        let mut idle = true;
        while let Ok(event) = meta.try_recv() {
            idle = false;
            // A type just learned is browsed next; its answers need the quiet time too.
            listening.last_event = Instant::now();
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
                listening.take(event);
            }
        }
        // Checked after draining, so nothing that arrived before the stop is dropped.
        if Instant::now() >= deadline || listening.may_stop(started, enough.load(Ordering::Relaxed))
        {
            break;
        }
        if idle {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    for ty in &types {
        let _ = daemon.stop_browse(ty);
    }
    let _ = daemon.stop_browse(META_QUERY);
    Ok(listening.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_records_give_models_by_service_type() {
        let txt = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let phone = device_from_txt("_device-info._tcp.local.", txt(&[("model", "iPhone14,2")]));
        assert_eq!(phone.model.as_deref(), Some("iPhone14,2"));
        let printer = device_from_txt(
            "_ipp._tcp.local.",
            txt(&[("ty", "Brother HL-L2350DW series"), ("usb_MFG", "Brother")]),
        );
        assert_eq!(
            (printer.manufacturer.as_deref(), printer.model.as_deref()),
            (Some("Brother"), Some("Brother HL-L2350DW series"))
        );
        let cast = device_from_txt(
            "_googlecast._tcp.local.",
            txt(&[("md", "Chromecast Ultra")]),
        );
        assert_eq!(cast.model.as_deref(), Some("Chromecast Ultra"));
        assert!(device_from_txt("_ssh._tcp.local.", txt(&[("model", "x")])).is_empty());
        assert_eq!(
            instance_of(
                "Ayşe's iPhone._companion-link._tcp.local.",
                "_companion-link._tcp.local."
            ),
            Some("Ayşe's iPhone".into())
        );
        assert_eq!(instance_of("._http._tcp.local.", "_http._tcp.local."), None);
    }

    #[test]
    fn listening_outlasts_the_other_probes_until_what_was_seen_resolves() {
        let wanted = HashSet::new();
        let long_ago = Instant::now() - MIN_LISTEN - QUIET;
        let mut l = Listening {
            wanted: &wanted,
            out: BTreeMap::new(),
            resolving: HashSet::new(),
            last_event: long_ago,
        };
        assert!(l.may_stop(long_ago, true));
        assert!(!l.may_stop(long_ago, false), "the other probes still run");
        assert!(!l.may_stop(Instant::now(), true), "not before MIN_LISTEN");
        let phone = "Phone._companion-link._tcp.local.".to_string();
        l.take(ServiceEvent::ServiceFound(
            "_companion-link._tcp.local.".into(),
            phone.clone(),
        ));
        l.last_event = long_ago;
        assert!(
            !l.may_stop(long_ago, true),
            "an instance is still resolving"
        );
        l.take(ServiceEvent::ServiceRemoved(
            "_companion-link._tcp.local.".into(),
            phone,
        ));
        assert!(!l.may_stop(long_ago, true), "an event just arrived");
        l.last_event = long_ago;
        assert!(l.may_stop(long_ago, true));
    }

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
