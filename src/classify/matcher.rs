//! What an observation offers to the rules, gathered once, and whether a rule matches it.
//! Matching allocates nothing; the evidence text is built only for rules that fire.
use super::rules::{MDNS_BIT, Rule, RuleSet, TEXT_FIELDS, TextField, VENDOR_BIT};
use super::vendor;
use crate::model::AssetObservation;

/// Longest text a rule looks at; a device names itself in the first bytes of a banner.
const MAX_TEXT: usize = 4096;
/// Longest observed value kept in an evidence entry.
const MAX_EVIDENCE: usize = 256;

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn clip(text: &str) -> &str {
    truncate(text, MAX_TEXT)
}

/// Every name the host goes by, as its own label only: the domain part ("ad.example.com")
/// names no device. The fused hostname first, then the other names, then SNMP's sysName.
fn host_labels(obs: &AssetObservation) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let names = obs
        .hostname
        .iter()
        .chain(obs.names.iter().map(|n| &n.name))
        .chain(obs.snmp.iter().filter_map(|s| s.sys_name.as_ref()));
    for name in names {
        let label = clip(name.split('.').next().unwrap_or(name));
        if !label.is_empty() && !out.contains(&label) && out.len() < 16 {
            out.push(label);
        }
    }
    out
}

/// One DeviceInfo field as the (zero or one) text a rule matches.
fn dhcp_text(
    obs: &AssetObservation,
    field: impl Fn(&crate::model::DeviceInfo) -> &Option<String>,
) -> Vec<&str> {
    obs.device_info
        .as_ref()
        .and_then(|d| field(d).as_deref())
        .map(clip)
        .into_iter()
        .collect()
}

/// The text and numbers of one observation that rules look at.
pub struct Features<'a> {
    pub vendor: Option<String>,
    /// Normalised vendor padded with spaces, for whole-word matching without allocation.
    vendor_padded: String,
    ports: Vec<u16>,
    banners: Vec<&'a str>,
    titles: Vec<&'a str>,
    servers: Vec<&'a str>,
    tls: Vec<&'a str>,
    snmp_descr: Vec<&'a str>,
    snmp_oid: Option<&'a str>,
    mdns: Vec<String>,
    hostname: Vec<&'a str>,
    device: Vec<&'a str>,
    os_reported: Vec<&'a str>,
    dhcp_vendor: Vec<&'a str>,
    dhcp_fingerprint: Vec<&'a str>,
    mac: Option<String>,
    randomized_mac: bool,
    ttl: Option<u8>,
    /// Per rule, a bit per text field whose pattern matched (one RegexSet pass per field).
    hits: Vec<u16>,
}

impl<'a> Features<'a> {
    pub fn new(
        set: &RuleSet,
        obs: &'a AssetObservation,
        vendor: Option<String>,
        tls: &'a [String],
        ttl: Option<u8>,
    ) -> Self {
        let mut ports = obs.open_ports.clone();
        ports.extend(obs.services.iter().map(|s| s.port));
        ports.sort_unstable();
        ports.dedup();
        // Banners and product strings as probed. Service *names* are left out: a scanner may
        // derive them from the port number, which the port rules already count.
        let banners = obs
            .services
            .iter()
            .flat_map(|s| [&s.banner, &s.product])
            .flatten()
            .map(|t| clip(t))
            .collect();
        let snmp = obs.snmp.as_ref();
        let mut f = Features {
            vendor_padded: format!(
                " {} ",
                vendor.as_deref().map(vendor::normalize).unwrap_or_default()
            ),
            vendor,
            ports,
            banners,
            titles: obs
                .services
                .iter()
                .filter_map(|s| s.http_title.as_deref())
                .map(clip)
                .collect(),
            servers: obs
                .services
                .iter()
                .filter_map(|s| s.http_server.as_deref())
                .map(clip)
                .collect(),
            tls: tls.iter().map(|t| clip(t)).collect(),
            snmp_descr: snmp
                .and_then(|s| s.sys_descr.as_deref())
                .map(clip)
                .into_iter()
                .collect(),
            snmp_oid: snmp.and_then(|s| s.sys_object_id.as_deref()),
            mdns: obs.mdns_services.iter().map(|s| s.to_lowercase()).collect(),
            hostname: host_labels(obs),
            device: obs
                .device_info
                .iter()
                .flat_map(|d| d.texts())
                .map(clip)
                .collect(),
            os_reported: obs
                .device_info
                .as_ref()
                .and_then(|d| d.os.as_deref())
                .map(clip)
                .into_iter()
                .collect(),
            dhcp_vendor: dhcp_text(obs, |d| &d.dhcp_vendor_class),
            dhcp_fingerprint: dhcp_text(obs, |d| &d.dhcp_fingerprint),
            mac: obs.mac.map(|m| m.to_string()),
            randomized_mac: obs.mac.is_some_and(|m| m.is_locally_administered()),
            ttl,
            hits: Vec::new(),
        };
        let mut hits = vec![0u16; set.rules.len()];
        for field in TEXT_FIELDS {
            let Some((regexes, rule_of)) = set.text_index(field) else {
                continue;
            };
            for text in f.texts(field) {
                for pattern in regexes.matches(text).iter() {
                    hits[rule_of[pattern]] |= field.bit();
                }
            }
        }
        if let Some(index) = &set.vendor_index {
            index.each_hit(&f.vendor_padded, |r| hits[r] |= VENDOR_BIT);
        }
        if let Some(index) = &set.mdns_index {
            for service in &f.mdns {
                index.each_hit(service, |r| hits[r] |= MDNS_BIT);
            }
        }
        f.hits = hits;
        f
    }

    fn texts(&self, field: TextField) -> &[&'a str] {
        match field {
            TextField::Banner => &self.banners,
            TextField::HttpTitle => &self.titles,
            TextField::HttpServer => &self.servers,
            TextField::TlsSubject => &self.tls,
            TextField::SnmpDescr => &self.snmp_descr,
            TextField::Hostname => &self.hostname,
            TextField::Device => &self.device,
            TextField::OsReported => &self.os_reported,
            TextField::DhcpVendor => &self.dhcp_vendor,
            TextField::DhcpFingerprint => &self.dhcp_fingerprint,
        }
    }

    fn has_port(&self, p: u16) -> bool {
        self.ports.binary_search(&p).is_ok()
    }

    /// Whether rule number `idx` matches; if so, the observed values that made it.
    pub fn check(&self, idx: usize, rule: &Rule) -> Option<String> {
        self.matches(idx, rule).then(|| self.evidence(rule))
    }

    fn matches(&self, idx: usize, rule: &Rule) -> bool {
        let m = &rule.m;
        // Text, vendor and mDNS matchers were decided in one pass for all rules.
        if self.hits[idx] & rule.required != rule.required {
            return false;
        }
        if !m.ports_all.iter().all(|p| self.has_port(*p))
            || (!m.ports_any.is_empty() && !m.ports_any.iter().any(|p| self.has_port(*p)))
            || m.ports_none.iter().any(|p| self.has_port(*p))
        {
            return false;
        }
        if !m.snmp_oid.is_empty()
            && !self.snmp_oid.is_some_and(|oid| {
                m.snmp_oid.iter().any(|p| {
                    oid.strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                })
            })
        {
            return false;
        }
        let mac = self.mac.as_deref().unwrap_or("");
        if (!m.mac_prefix.is_empty() && !m.mac_prefix.iter().any(|p| mac.starts_with(p.as_str())))
            || (!mac.is_empty()
                && m.mac_prefix_none
                    .iter()
                    .any(|p| mac.starts_with(p.as_str())))
        {
            return false;
        }
        if m.randomized_mac
            .is_some_and(|want| want != self.randomized_mac)
        {
            return false;
        }
        m.ttl
            .is_none_or(|(lo, hi)| self.ttl.is_some_and(|t| (lo..=hi).contains(&t)))
    }

    /// The observed values behind a rule that fired, for `--explain` and the dashboard.
    fn evidence(&self, rule: &Rule) -> String {
        let m = &rule.m;
        let mut seen: Vec<String> = Vec::new();
        if !m.vendor.is_empty() {
            seen.push(self.vendor.clone().unwrap_or_default());
        }
        if !m.ports_all.is_empty() || !m.ports_any.is_empty() {
            let hit: Vec<String> = m
                .ports_all
                .iter()
                .chain(m.ports_any.iter().filter(|p| self.has_port(**p)))
                .map(u16::to_string)
                .collect();
            seen.push(format!("ports {}", hit.join(",")));
        }
        for field in TEXT_FIELDS {
            if let Some(re) = rule.regex(field)
                && let Some(text) = self.texts(field).iter().find(|t| re.is_match(t))
            {
                seen.push(text.to_string());
            }
        }
        if !m.snmp_oid.is_empty() {
            seen.push(self.snmp_oid.unwrap_or_default().to_string());
        }
        if let Some(s) = self
            .mdns
            .iter()
            .find(|s| m.mdns.iter().any(|w| s.contains(w.as_str())))
        {
            seen.push(s.clone());
        }
        if !m.mac_prefix.is_empty() {
            seen.push(self.mac.clone().unwrap_or_default());
        }
        if let Some(want) = m.randomized_mac {
            seen.push(if want {
                "randomized MAC".into()
            } else {
                "global MAC".into()
            });
        }
        if let (Some(_), Some(t)) = (m.ttl, self.ttl) {
            seen.push(format!("ttl {t}"));
        }
        let joined = seen.join("; ");
        match truncate(&joined, MAX_EVIDENCE) {
            short if short.len() < joined.len() => format!("{short}…"),
            _ => joined,
        }
    }
}
