//! Checks a `ScanReport` on the way in: every rejection names the offending field.
use super::ScanReport;
use std::fmt;

/// Upper bounds on what one report may carry; anything larger is an error, not a truncation.
pub mod limits {
    pub const ASSETS: usize = 65_536;
    pub const CERTIFICATES: usize = 65_536;
    pub const NETWORKS: usize = 4_096;
    pub const SERVICES_PER_ASSET: usize = 1_024;
    pub const EVIDENCE_PER_ASSET: usize = 256;
    pub const MDNS_PER_ASSET: usize = 256;
    pub const NAMES_PER_ASSET: usize = 64;
    /// The scanner keeps 16 per MAC (`scan::ndp`); a stored asset keeps as many.
    pub const IPV6_PER_ASSET: usize = 16;
    pub const SANS_PER_CERT: usize = 1_024;
    pub const HOSTNAME: usize = 255;
    pub const SHORT_TEXT: usize = 255;
    pub const TARGET: usize = 1_024;
    pub const BANNER: usize = 4_096;
}

/// A report that cannot be accepted, with the path of the field at fault
/// (e.g. `assets[3].mac`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReportError {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() || self.field == "." {
            write!(f, "invalid report: {}", self.reason)
        } else {
            write!(f, "invalid report field '{}': {}", self.field, self.reason)
        }
    }
}

impl ReportError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ReportError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A serde error while parsing JSON, with the path serde_path_to_error found.
    pub fn from_serde(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let field = e.path().to_string();
        let reason = e.into_inner().to_string();
        // serde_json appends " at line X column Y"; the field path already locates it.
        let reason = reason
            .split(" at line ")
            .next()
            .unwrap_or(&reason)
            .to_string();
        ReportError::new(field, reason)
    }
}

fn err(field: impl Into<String>, reason: impl Into<String>) -> ReportError {
    ReportError::new(field, reason)
}

fn check_len(field: &str, value: &Option<String>, max: usize) -> Result<(), ReportError> {
    match value {
        Some(v) if v.chars().count() > max => {
            Err(err(field, format!("longer than {max} characters")))
        }
        _ => Ok(()),
    }
}

fn check_count(field: &str, n: usize, max: usize) -> Result<(), ReportError> {
    if n > max {
        return Err(err(field, format!("{n} entries, at most {max} allowed")));
    }
    Ok(())
}

impl ScanReport {
    /// Parses JSON and validates it; errors name the field (`assets[2].ip`).
    pub fn from_json(bytes: &[u8]) -> Result<ScanReport, ReportError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let mut report: ScanReport =
            serde_path_to_error::deserialize(&mut *de).map_err(ReportError::from_serde)?;
        de.end()
            .map_err(|_| ReportError::new(".", "data after the JSON value"))?;
        report.sanitize();
        if super::nul::has_nul_escape(bytes) {
            // Network-sourced text had its NULs replaced above; any left is in a field the
            // sender wrote itself, and is refused by name.
            let value = serde_json::to_value(&report)
                .map_err(|e| err(".", format!("cannot re-read the report: {e}")))?;
            if let Some(field) = super::nul::nul_path(&value) {
                return Err(err(field, "contains a NUL character"));
            }
        }
        report.validate()?;
        Ok(report)
    }

    /// Makes network-sourced text storable: NUL characters (PostgreSQL cannot store them)
    /// are replaced, and text longer than its field allows is cut to the limit. A device
    /// that sends a 300-character `<title>` or a 9 KB key must not cost the whole report;
    /// what the sender wrote itself (target, version, ids) is still checked, not cut.
    pub fn sanitize(&mut self) {
        use limits::*;
        fn clean(s: &mut String, max: usize) {
            if s.contains('\0') {
                *s = s.replace('\0', "\u{FFFD}");
            }
            if s.len() > max
                && let Some((cut, _)) = s.char_indices().nth(max)
            {
                s.truncate(cut);
            }
        }
        fn clean_opt(s: &mut Option<String>, max: usize) {
            if let Some(s) = s {
                clean(s, max)
            }
        }
        for a in &mut self.assets {
            clean_opt(&mut a.hostname, HOSTNAME);
            clean_opt(&mut a.vendor, SHORT_TEXT);
            clean_opt(&mut a.os_hint, 128);
            a.names
                .iter_mut()
                .for_each(|n| clean(&mut n.name, HOSTNAME));
            if let Some(d) = &mut a.device_info {
                for v in d.fields_mut() {
                    clean_opt(v, SHORT_TEXT);
                }
            }
            a.mdns_services
                .iter_mut()
                .for_each(|m| clean(m, SHORT_TEXT));
            for s in &mut a.services {
                for f in [
                    &mut s.name,
                    &mut s.product,
                    &mut s.version,
                    &mut s.http_title,
                    &mut s.http_server,
                ] {
                    clean_opt(f, SHORT_TEXT);
                }
                clean_opt(&mut s.banner, BANNER);
            }
            for e in &mut a.evidence {
                clean(&mut e.value, BANNER);
            }
            if let Some(snmp) = &mut a.snmp {
                clean_opt(&mut snmp.sys_name, SHORT_TEXT);
                clean_opt(&mut snmp.sys_descr, BANNER);
                clean_opt(&mut snmp.sys_object_id, SHORT_TEXT);
            }
        }
        for c in &mut self.certificates {
            clean_opt(&mut c.subject_cn, SHORT_TEXT);
            clean_opt(&mut c.issuer, TARGET);
            clean_opt(&mut c.serial, 128);
            clean_opt(&mut c.key_type, 32);
            clean_opt(&mut c.signature_algorithm, 64);
            c.sans.iter_mut().for_each(|s| clean(s, HOSTNAME));
            if c.key_bits.is_some_and(|b| b > 65_536) {
                c.key_bits = None;
            }
        }
    }

    /// Checks sizes, ranges and consistency of an already parsed report.
    pub fn validate(&self) -> Result<(), ReportError> {
        use limits::*;
        if self.target.trim().is_empty() {
            return Err(err("target", "must not be empty"));
        }
        check_len("target", &Some(self.target.clone()), TARGET)?;
        check_len("scanner_version", &Some(self.scanner_version.clone()), 64)?;
        check_count("networks", self.networks.len(), NETWORKS)?;
        check_count("assets", self.assets.len(), ASSETS)?;
        check_count("certificates", self.certificates.len(), CERTIFICATES)?;
        if let Some(done) = self.completed_at
            && done < self.started_at
        {
            return Err(err("completed_at", "is earlier than started_at"));
        }
        for (i, a) in self.assets.iter().enumerate() {
            let f = |name: &str| format!("assets[{i}].{name}");
            if a.ip.is_unspecified() || a.ip.is_multicast() {
                return Err(err(f("ip"), format!("{} is not a host address", a.ip)));
            }
            check_len(&f("hostname"), &a.hostname, HOSTNAME)?;
            check_len(&f("vendor"), &a.vendor, SHORT_TEXT)?;
            check_len(&f("os_hint"), &a.os_hint, 128)?;
            if !a.confidence.is_finite() || !(0.0..=1.0).contains(&a.confidence) {
                return Err(err(f("confidence"), "must be between 0 and 1"));
            }
            if let Some(p) = a.open_ports.iter().position(|p| *p == 0) {
                return Err(err(
                    format!("assets[{i}].open_ports[{p}]"),
                    "port 0 is not a port",
                ));
            }
            check_count(&f("services"), a.services.len(), SERVICES_PER_ASSET)?;
            check_count(&f("evidence"), a.evidence.len(), EVIDENCE_PER_ASSET)?;
            check_count(&f("mdns_services"), a.mdns_services.len(), MDNS_PER_ASSET)?;
            check_count(&f("names"), a.names.len(), NAMES_PER_ASSET)?;
            check_count(&f("ipv6"), a.ipv6.len(), IPV6_PER_ASSET)?;
            if let Some(j) = a
                .ipv6
                .iter()
                .position(|v6| v6.is_multicast() || v6.is_unspecified())
            {
                return Err(err(
                    format!("assets[{i}].ipv6[{j}]"),
                    "must be a unicast address",
                ));
            }
            for (j, n) in a.names.iter().enumerate() {
                let field = format!("assets[{i}].names[{j}].name");
                if n.name.trim().is_empty() {
                    return Err(err(field, "must not be empty"));
                }
                check_len(&field, &Some(n.name.clone()), HOSTNAME)?;
            }
            if let Some(d) = &a.device_info {
                for (name, v) in d.fields() {
                    check_len(&f(&format!("device_info.{name}")), v, SHORT_TEXT)?;
                }
            }
            for (j, s) in a.services.iter().enumerate() {
                let sf = |name: &str| format!("assets[{i}].services[{j}].{name}");
                if s.port == 0 {
                    return Err(err(sf("port"), "port 0 is not a port"));
                }
                check_len(&sf("protocol"), &Some(s.protocol.clone()), 8)?;
                for (name, v) in [
                    ("name", &s.name),
                    ("product", &s.product),
                    ("version", &s.version),
                    ("http_title", &s.http_title),
                    ("http_server", &s.http_server),
                ] {
                    check_len(&sf(name), v, SHORT_TEXT)?;
                }
                check_len(&sf("banner"), &s.banner, BANNER)?;
            }
            for (j, e) in a.evidence.iter().enumerate() {
                check_len(
                    &format!("assets[{i}].evidence[{j}].rule"),
                    &Some(e.rule.clone()),
                    SHORT_TEXT,
                )?;
                check_len(
                    &format!("assets[{i}].evidence[{j}].value"),
                    &Some(e.value.clone()),
                    BANNER,
                )?;
                if !e.weight.is_finite() {
                    return Err(err(
                        format!("assets[{i}].evidence[{j}].weight"),
                        "must be a finite number",
                    ));
                }
            }
            for (j, m) in a.mdns_services.iter().enumerate() {
                check_len(
                    &format!("assets[{i}].mdns_services[{j}]"),
                    &Some(m.clone()),
                    SHORT_TEXT,
                )?;
            }
            if let Some(snmp) = &a.snmp {
                check_len(&f("snmp.sys_name"), &snmp.sys_name, SHORT_TEXT)?;
                check_len(&f("snmp.sys_descr"), &snmp.sys_descr, BANNER)?;
                check_len(&f("snmp.sys_object_id"), &snmp.sys_object_id, SHORT_TEXT)?;
            }
            if let Some(sw) = &a.switch_port {
                check_len(&f("switch_port.host"), &Some(sw.host.clone()), SHORT_TEXT)?;
                check_len(&f("switch_port.port"), &Some(sw.port.clone()), 128)?;
            }
        }
        for (i, c) in self.certificates.iter().enumerate() {
            let f = |name: &str| format!("certificates[{i}].{name}");
            if c.port == 0 {
                return Err(err(f("port"), "port 0 is not a port"));
            }
            let fp = &c.fingerprint_sha256;
            if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err(f("fingerprint_sha256"), "must be 64 hex digits"));
            }
            check_len(&f("subject_cn"), &c.subject_cn, SHORT_TEXT)?;
            check_len(&f("issuer"), &c.issuer, TARGET)?;
            check_len(&f("serial"), &c.serial, 128)?;
            check_len(&f("key_type"), &c.key_type, 32)?;
            check_len(&f("signature_algorithm"), &c.signature_algorithm, 64)?;
            check_count(&f("sans"), c.sans.len(), SANS_PER_CERT)?;
            if c.key_bits.is_some_and(|b| b > 65_536) {
                return Err(err(f("key_bits"), "absurd key size"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> serde_json::Value {
        serde_json::json!({
            "id": "0192f0c1-0000-7000-8000-000000000001",
            "target": "10.0.0.0/24",
            "method": "hybrid",
            "started_at": "2026-11-23T08:00:00Z",
            "scanner_version": "test",
            "assets": [{"ip": "10.0.0.5", "mac": "00:1b:21:3a:4f:10", "open_ports": [22]}]
        })
    }

    fn parse(v: serde_json::Value) -> Result<ScanReport, ReportError> {
        ScanReport::from_json(v.to_string().as_bytes())
    }

    /// Found by the fuzz harness: a device's long `<title>` or product string, or a huge
    /// key, used to cost the whole report (422); they are cut to their field's limit instead.
    #[test]
    fn long_network_text_is_cut_not_refused() {
        let mut v = minimal();
        v["assets"][0]["services"] = serde_json::json!([{
            "port": 80, "protocol": "tcp",
            "http_title": "é".repeat(300), "product": "x".repeat(1024),
            "version": "v".repeat(8000), "banner": "b".repeat(5000)
        }]);
        v["assets"][0]["hostname"] = serde_json::json!("h".repeat(400));
        let r = parse(v).expect("accepted");
        let s = &r.assets[0].services[0];
        assert_eq!(
            s.http_title.as_ref().unwrap().chars().count(),
            limits::SHORT_TEXT
        );
        assert_eq!(s.product.as_ref().unwrap().len(), limits::SHORT_TEXT);
        assert_eq!(s.version.as_ref().unwrap().len(), limits::SHORT_TEXT);
        assert_eq!(s.banner.as_ref().unwrap().len(), limits::BANNER);
        assert_eq!(
            r.assets[0].hostname.as_ref().unwrap().len(),
            limits::HOSTNAME
        );
        // What the sender wrote itself is still refused by name.
        let mut v = minimal();
        v["scanner_version"] = serde_json::json!("s".repeat(100));
        assert_eq!(parse(v).unwrap_err().field, "scanner_version");
    }

    #[test]
    fn accepts_a_minimal_report() {
        let r = parse(minimal()).unwrap();
        assert_eq!(r.assets[0].mac.unwrap().to_string(), "00:1b:21:3a:4f:10");
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (
                "/assets/0/ip",
                serde_json::json!("10.0.0.300"),
                "assets[0].ip",
            ),
            (
                "/assets/0/mac",
                serde_json::json!("not-a-mac"),
                "assets[0].mac",
            ),
            (
                "/assets/0/open_ports",
                serde_json::json!([22, 70000]),
                "assets[0].open_ports[1]",
            ),
            (
                "/assets/0/confidence",
                serde_json::json!(1.5),
                "assets[0].confidence",
            ),
            (
                "/assets/0/switch_port",
                serde_json::json!({"host": "x".repeat(300), "port": "1"}),
                "assets[0].switch_port.host",
            ),
            (
                "/assets/0/category",
                serde_json::json!("printers"),
                "assets[0].category",
            ),
        ];
        for (pointer, value, field) in cases {
            let mut v = minimal();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            v.pointer_mut(parent).unwrap()[key] = value;
            let e = parse(v).unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
    }

    #[test]
    fn unknown_fields_and_time_travel_are_refused() {
        let mut v = minimal();
        v["surprise"] = serde_json::json!(1);
        assert!(parse(v).unwrap_err().reason.contains("surprise"));
        let mut v = minimal();
        v["completed_at"] = serde_json::json!("2026-11-23T07:00:00Z");
        assert_eq!(parse(v).unwrap_err().field, "completed_at");
    }

    #[test]
    fn nul_bytes_in_banners_are_replaced_not_fatal() {
        let mut v = minimal();
        v["assets"][0]["services"] = serde_json::json!([{"port": 22, "banner": "SSH-2.0\u{0}x"}]);
        let r = parse(v).unwrap();
        assert_eq!(
            r.assets[0].services[0].banner.as_deref(),
            Some("SSH-2.0\u{FFFD}x")
        );
    }
}
