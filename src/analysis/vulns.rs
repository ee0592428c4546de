//! Known vulnerabilities of the products and versions seen in banners, matched against the
//! CVE snapshot shipped in `assets/cve/` on product *and* version (never "every CVE of this
//! vendor").
use super::ranked::{address_number, page_range};
use super::version;
use crate::model::{AssetFacts, Service};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

const EMBEDDED: &str = include_str!("../../assets/cve/snapshot.json");

/// A version range of one CVE entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to_excluding: Option<String>,
    #[serde(default)]
    pub to_including: Option<String>,
    #[serde(default)]
    pub exact: Option<String>,
}

impl Affected {
    fn contains(&self, v: &str) -> bool {
        if let Some(exact) = &self.exact {
            return version::compare(v, exact) == Ordering::Equal;
        }
        let above = self
            .from
            .as_deref()
            .is_none_or(|f| version::compare(v, f) != Ordering::Less);
        let below = match (&self.to_excluding, &self.to_including) {
            (Some(t), _) => version::compare(v, t) == Ordering::Less,
            (None, Some(t)) => version::compare(v, t) != Ordering::Greater,
            // A range without an upper end would match every future release: refuse it.
            (None, None) => false,
        };
        above && below
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cve {
    pub id: String,
    pub product: String,
    pub affected: Vec<Affected>,
    pub cvss: f64,
    pub kev: bool,
    pub summary: String,
    #[serde(default)]
    pub fixed_in: Option<String>,
    /// FIRST EPSS probability (0–1) on the snapshot date, where recorded.
    #[serde(default)]
    pub epss: Option<f64>,
}

/// The shipped snapshot, indexed by product.
#[derive(Debug, Deserialize)]
pub struct CveSnapshot {
    pub snapshot_date: String,
    pub source: String,
    cves: Vec<Cve>,
    #[serde(skip)]
    by_product: HashMap<String, Vec<usize>>,
}

impl CveSnapshot {
    pub fn parse(text: &str) -> Result<CveSnapshot, String> {
        let mut s: CveSnapshot = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for (i, c) in s.cves.iter().enumerate() {
            if !(0.0..=10.0).contains(&c.cvss)
                || c.affected.is_empty()
                || c.epss.is_some_and(|p| !(0.0..=1.0).contains(&p))
            {
                return Err(format!("{}: cvss out of range or no affected range", c.id));
            }
            s.by_product.entry(c.product.clone()).or_default().push(i);
        }
        Ok(s)
    }

    /// The snapshot compiled into the binary, parsed anew.
    pub fn embedded() -> Result<CveSnapshot, String> {
        CveSnapshot::parse(EMBEDDED)
    }

    /// The snapshot compiled into the binary, parsed once per process: what stored scores are
    /// computed with. It is part of the binary and a unit test parses it, so failing here is
    /// a build defect, not bad input.
    pub fn shared() -> &'static CveSnapshot {
        static SHARED: std::sync::OnceLock<CveSnapshot> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            CveSnapshot::embedded().expect("the embedded CVE snapshot parses (unit-tested)")
        })
    }

    pub fn len(&self) -> usize {
        self.cves.len()
    }

    /// The EPSS probability the snapshot records for `cve`.
    pub fn epss(&self, cve: &str) -> Option<f64> {
        self.cves.iter().find(|c| c.id == cve).and_then(|c| c.epss)
    }

    pub fn is_empty(&self) -> bool {
        self.cves.is_empty()
    }

    /// CVEs of `product` whose ranges contain `version`.
    pub fn affecting<'a>(&'a self, product: &str, version: &str) -> impl Iterator<Item = &'a Cve> {
        self.by_product
            .get(product)
            .into_iter()
            .flatten()
            .map(|&i| &self.cves[i])
            .filter(move |c| c.affected.iter().any(|r| r.contains(version)))
    }

    /// Entries per severity, for the report header.
    pub fn stats(&self) -> HashMap<&'static str, usize> {
        let mut m = HashMap::new();
        for c in &self.cves {
            *m.entry(severity(c.cvss)).or_default() += 1;
        }
        m
    }
}

/// CVSS to severity: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low.
pub fn severity(cvss: f64) -> &'static str {
    if cvss >= 9.0 {
        "critical"
    } else if cvss >= 7.0 {
        "high"
    } else if cvss >= 4.0 {
        "medium"
    } else if cvss > 0.0 {
        "low"
    } else {
        "none"
    }
}

/// A product and version read from one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProductSeen {
    pub product: String,
    pub version: String,
    pub port: u16,
}

/// Names as products print them → snapshot keys.
fn product_key(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_lowercase();
    Some(match n.as_str() {
        "openssh" => "openssh",
        "dropbear" | "dropbear_ssh" => "dropbear",
        "nginx" => "nginx",
        "apache" | "apache httpd" | "httpd" => "apache_httpd",
        "lighttpd" => "lighttpd",
        "microsoft-iis" | "iis" => "microsoft_iis",
        "vsftpd" => "vsftpd",
        "proftpd" => "proftpd",
        "pure-ftpd" | "pureftpd" => "pure_ftpd",
        "exim" => "exim",
        "openssl" => "openssl",
        "mysql" => "mysql",
        "mariadb" => "mariadb",
        "postgresql" => "postgresql",
        "redis" => "redis",
        "samba" => "samba",
        "boa" => "boa",
        "goahead-webs" | "goahead" => "goahead",
        "mini_httpd" => "mini_httpd",
        "jetty" => "jetty",
        "apache-coyote" | "tomcat" | "apache tomcat" => "apache_tomcat",
        "squid" => "squid",
        "dnsmasq" => "dnsmasq",
        "mosquitto" => "mosquitto",
        "php" => "php",
        _ => return None,
    })
}

fn banner_patterns() -> &'static [(regex::Regex, &'static str)] {
    static P: OnceLock<Vec<(regex::Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        [
            (r"(?i)\bvsFTPd (\d[\w.]*)", "vsftpd"),
            (r"(?i)\bProFTPD (\d[\w.]*)", "proftpd"),
            (r"(?i)\bPure-FTPd (\d[\w.]*)", "pure_ftpd"),
            (r"(?i)\bExim (\d[\w.]*)", "exim"),
            (r"(?i)\bSSH-[\d.]+-OpenSSH_(\d[\w.]*)", "openssh"),
            (r"(?i)\bSSH-[\d.]+-dropbear_(\d[\w.]*)", "dropbear"),
            (r"(?i)\bdnsmasq-(\d[\w.]*)", "dnsmasq"),
            (r"(?i)\bmosquitto(?: version)? (\d[\w.]*)", "mosquitto"),
        ]
        .iter()
        .filter_map(|(re, key)| regex::Regex::new(re).ok().map(|r| (r, *key)))
        .collect()
    })
}

/// `Server: Apache/2.4.49 (Unix) OpenSSL/1.0.1e PHP/7.4.3` → three products.
fn server_header_products(header: &str, port: u16, out: &mut Vec<ProductSeen>) {
    static TOKEN: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let Some(re) = TOKEN
        .get_or_init(|| regex::Regex::new(r"([A-Za-z][\w.-]*)[/(](\d[\w.]*)").ok())
        .as_ref()
    else {
        return;
    };
    for cap in re.captures_iter(header) {
        if let Some(key) = product_key(&cap[1]) {
            out.push(ProductSeen {
                product: key.into(),
                version: cap[2].trim_end_matches('.').to_string(),
                port,
            });
        }
    }
}

/// Writes a version the way the snapshot does: OpenBSD's sshd prints `9.7` for what
/// portable OpenSSH calls `9.7p1`; Jetty's `.v20210325` build date is not part of it.
fn canonical(product: &str, version: &str) -> String {
    match product {
        "openssh" if !version.contains('p') => format!("{version}p1"),
        "jetty" => version.split(".v").next().unwrap_or(version).to_string(),
        _ => version.to_string(),
    }
}

/// Every product with a version that one service shows.
pub fn products_of(service: &Service) -> Vec<ProductSeen> {
    let mut out = raw_products_of(service);
    for p in &mut out {
        p.version = canonical(&p.product, &p.version);
    }
    out
}

fn raw_products_of(service: &Service) -> Vec<ProductSeen> {
    let mut out = Vec::new();
    if let (Some(p), Some(v)) = (&service.product, &service.version) {
        // MySQL handshakes of MariaDB read `5.5.5-10.6.12-MariaDB`.
        if let Some(mariadb) = v
            .split('-')
            .find(|s| version::is_version(s) && !s.starts_with("5.5.5"))
            && v.to_ascii_lowercase().contains("mariadb")
        {
            out.push(ProductSeen {
                product: "mariadb".into(),
                version: mariadb.to_string(),
                port: service.port,
            });
        } else if let Some(key) = product_key(p)
            && version::is_version(v)
        {
            let v = v.split(['-', ' ']).next().unwrap_or(v);
            out.push(ProductSeen {
                product: key.into(),
                version: v.to_string(),
                port: service.port,
            });
        }
    }
    if let Some(h) = &service.http_server {
        server_header_products(h, service.port, &mut out);
    }
    if let Some(b) = &service.banner {
        for (re, key) in banner_patterns() {
            if let Some(cap) = re.captures(b) {
                out.push(ProductSeen {
                    product: (*key).into(),
                    version: cap[1].trim_end_matches('.').to_string(),
                    port: service.port,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.product, &a.version).cmp(&(&b.product, &b.version)));
    out.dedup_by(|a, b| a.product == b.product && a.version == b.version);
    out
}

/// One CVE found on one asset.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CveMatch {
    pub cve_id: String,
    pub product: String,
    pub version: String,
    pub port: u16,
    pub cvss: f64,
    pub severity: &'static str,
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    pub kev: bool,
    pub summary: String,
    pub fixed_in: Option<String>,
}

/// The CVEs of one asset, worst first.
pub fn match_asset(snapshot: &CveSnapshot, asset: &AssetFacts) -> Vec<CveMatch> {
    match_services(snapshot, &asset.services)
}

/// The CVEs of a list of services, worst first.
pub fn match_services(snapshot: &CveSnapshot, services: &[Service]) -> Vec<CveMatch> {
    let mut out: Vec<CveMatch> = Vec::new();
    for service in services {
        for seen in products_of(service) {
            for cve in snapshot.affecting(&seen.product, &seen.version) {
                if out.iter().any(|m| m.cve_id == cve.id) {
                    continue;
                }
                out.push(CveMatch {
                    cve_id: cve.id.clone(),
                    product: seen.product.clone(),
                    version: seen.version.clone(),
                    port: seen.port,
                    cvss: cve.cvss,
                    severity: severity(cve.cvss),
                    kev: cve.kev,
                    summary: cve.summary.clone(),
                    fixed_in: cve.fixed_in.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.kev
            .cmp(&a.kev)
            .then(b.cvss.total_cmp(&a.cvss))
            .then(a.cve_id.cmp(&b.cve_id))
    });
    out
}

/// Distinct service lists remembered at once; past it the memory starts afresh, so a
/// network of unique banners costs rounds of matching, not unbounded memory.
const MATCHER_MEMORY: usize = 4096;

/// Matches assets, remembering the answer per distinct service list: a fleet runs few
/// distinct banners, and 100 000 assets must not mean 100 000 rounds of regexes. It owns what
/// it remembers, so assets can stream past it one at a time.
pub struct Matcher<'a> {
    snapshot: &'a CveSnapshot,
    seen: HashMap<Vec<Service>, Vec<CveMatch>>,
}

impl<'a> Matcher<'a> {
    pub fn new(snapshot: &'a CveSnapshot) -> Self {
        Matcher {
            snapshot,
            seen: HashMap::new(),
        }
    }

    pub fn matches(&mut self, asset: &AssetFacts) -> &[CveMatch] {
        let key = asset.services.as_slice();
        if !self.seen.contains_key(key) {
            if self.seen.len() >= MATCHER_MEMORY {
                self.seen.clear();
            }
            let found = match_asset(self.snapshot, asset);
            self.seen.insert(key.to_vec(), found);
        }
        &self.seen[key]
    }
}

/// One vulnerable asset in the report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssetVulns {
    pub asset_id: uuid::Uuid,
    pub site: String,
    pub ip: String,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub max_cvss: f64,
    pub kev_count: usize,
    pub critical_count: usize,
    pub high_count: usize,
    pub medium_count: usize,
    pub low_count: usize,
    pub matches: Vec<CveMatch>,
}

/// `/api/vulnerabilities` and `bigr vulns`: totals over the whole inventory plus one page of
/// vulnerable assets, worst first (actively exploited first, then highest CVSS).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VulnReport {
    pub assets_scanned: usize,
    pub vulnerable_assets: usize,
    /// Matches per severity over every vulnerable asset.
    pub by_severity: std::collections::BTreeMap<String, usize>,
    pub kev_assets: usize,
    pub snapshot_date: String,
    pub snapshot_entries: usize,
    /// One page of the listed assets (all vulnerable ones, or only those with KEV entries).
    pub assets: Vec<AssetVulns>,
    /// How many assets the listing has in all.
    pub total: usize,
    pub page: u64,
    pub per_page: u64,
}

/// The totals of a CVE report over every asset of the scope, as the store sums them
/// (`store::scores`) or as `add` counts them in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VulnTotals {
    pub assets_scanned: usize,
    pub vulnerable_assets: usize,
    /// Matches per severity; a severity with none is left out.
    pub by_severity: std::collections::BTreeMap<String, usize>,
    pub kev_assets: usize,
}

impl VulnTotals {
    pub fn add(&mut self, matches: &[CveMatch]) {
        self.assets_scanned += 1;
        if matches.is_empty() {
            return;
        }
        self.vulnerable_assets += 1;
        for m in matches {
            *self.by_severity.entry(m.severity.to_string()).or_insert(0) += 1;
        }
        self.kev_assets += usize::from(matches.iter().any(|m| m.kev));
    }

    /// How many assets a listing has in all.
    pub fn listed_len(&self, kev_only: bool) -> usize {
        if kev_only {
            self.kev_assets
        } else {
            self.vulnerable_assets
        }
    }
}

/// Which vulnerable assets a report lists, and which page of them.
#[derive(Clone, Copy, Debug)]
pub struct VulnListing {
    /// Only assets with an actively exploited (KEV) CVE.
    pub kev_only: bool,
    pub page: u64,
    pub per_page: u64,
}

/// The worst CVEs of an asset in brief, as the store keeps them: what orders the report
/// (exploited first, then the highest CVSS).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worst {
    pub count: usize,
    pub max_cvss: f64,
    pub kev: bool,
    /// Matches rated critical, high, medium and low (the rest are rated none).
    pub by_severity: [usize; 4],
}

pub fn worst(matches: &[CveMatch]) -> Worst {
    let count = |s: &str| matches.iter().filter(|m| m.severity == s).count();
    Worst {
        count: matches.len(),
        max_cvss: matches.iter().map(|m| m.cvss).fold(0.0, f64::max),
        kev: matches.iter().any(|m| m.kev),
        by_severity: [
            count("critical"),
            count("high"),
            count("medium"),
            count("low"),
        ],
    }
}

/// One vulnerable asset as the report shows it.
fn asset_vulns(a: &AssetFacts, matches: &[CveMatch]) -> AssetVulns {
    let count = |s: &str| matches.iter().filter(|m| m.severity == s).count();
    AssetVulns {
        asset_id: a.id,
        site: a.site.clone(),
        ip: a.ip.clone(),
        hostname: a.hostname.clone(),
        vendor: a.vendor.clone(),
        max_cvss: matches.iter().map(|m| m.cvss).fold(0.0, f64::max),
        kev_count: matches.iter().filter(|m| m.kev).count(),
        critical_count: count("critical"),
        high_count: count("high"),
        medium_count: count("medium"),
        low_count: count("low"),
        matches: matches.to_vec(),
    }
}

/// One report page: the totals with the vulnerable assets listed, in order. An asset fixed
/// since it was listed is left out.
pub fn page_of(
    totals: VulnTotals,
    listed: &[AssetFacts],
    snapshot: &CveSnapshot,
    l: VulnListing,
) -> VulnReport {
    let mut matcher = Matcher::new(snapshot);
    let assets = listed
        .iter()
        .filter_map(|a| {
            let matches = matcher.matches(a);
            (!matches.is_empty()).then(|| asset_vulns(a, matches))
        })
        .collect();
    VulnReport {
        total: totals.listed_len(l.kev_only),
        assets_scanned: totals.assets_scanned,
        vulnerable_assets: totals.vulnerable_assets,
        by_severity: totals.by_severity,
        kev_assets: totals.kev_assets,
        snapshot_date: snapshot.snapshot_date.clone(),
        snapshot_entries: snapshot.len(),
        assets,
        page: l.page,
        per_page: l.per_page,
    }
}

/// The whole report computed from a slice of assets in memory: what the stored figures must
/// equal (tests compare them). Ties are ordered by site name and address; the store orders
/// them by site id and address.
pub fn report(snapshot: &CveSnapshot, assets: &[AssetFacts], l: VulnListing) -> VulnReport {
    let mut matcher = Matcher::new(snapshot);
    let mut totals = VulnTotals::default();
    let mut listed: Vec<(Worst, &AssetFacts)> = Vec::new();
    for a in assets {
        let matches = matcher.matches(a);
        totals.add(matches);
        let w = worst(matches);
        if w.count > 0 && (w.kev || !l.kev_only) {
            listed.push((w, a));
        }
    }
    listed.sort_by(|(x, a), (y, b)| {
        y.kev
            .cmp(&x.kev)
            .then_with(|| y.max_cvss.total_cmp(&x.max_cvss))
            .then_with(|| a.site.cmp(&b.site))
            .then_with(|| address_number(&a.ip).cmp(&address_number(&b.ip)))
            .then_with(|| a.id.cmp(&b.id))
    });
    let page: Vec<AssetFacts> = listed[page_range(listed.len(), l.page, l.per_page)]
        .iter()
        .map(|(_, a)| (*a).clone())
        .collect();
    page_of(totals, &page, snapshot, l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(port: u16) -> Service {
        serde_json::from_value(serde_json::json!({ "port": port })).unwrap()
    }

    #[test]
    fn reads_products_from_headers_banners_and_fields() {
        let mut http = svc(80);
        http.http_server = Some("Apache/2.4.49 (Unix) OpenSSL/1.0.1e PHP/7.4.3".into());
        let got: Vec<(String, String)> = products_of(&http)
            .into_iter()
            .map(|p| (p.product, p.version))
            .collect();
        assert_eq!(
            got,
            vec![
                ("apache_httpd".into(), "2.4.49".into()),
                ("openssl".into(), "1.0.1e".into()),
                ("php".into(), "7.4.3".into())
            ]
        );
        let mut ftp = svc(21);
        ftp.banner = Some("220 (vsFTPd 2.3.4)".into());
        assert_eq!(products_of(&ftp)[0].version, "2.3.4");
        let mut ssh = svc(22);
        ssh.product = Some("OpenSSH".into());
        ssh.version = Some("9.2p1".into());
        assert_eq!(products_of(&ssh)[0].product, "openssh");
        let mut db = svc(3306);
        db.product = Some("MySQL".into());
        db.version = Some("5.5.5-10.6.12-MariaDB".into());
        assert_eq!(
            (
                products_of(&db)[0].product.as_str(),
                products_of(&db)[0].version.as_str()
            ),
            ("mariadb", "10.6.12")
        );
        let mut vendor_only = svc(80);
        vendor_only.http_server = Some("Hikvision-Webs".into());
        assert!(products_of(&vendor_only).is_empty());
        let mut openbsd = svc(22);
        openbsd.banner = Some("SSH-2.0-OpenSSH_9.7".into());
        assert_eq!(products_of(&openbsd)[0].version, "9.7p1");
        let mut jetty = svc(8080);
        jetty.http_server = Some("Jetty(9.4.39.v20210325)".into());
        assert_eq!(products_of(&jetty)[0].version, "9.4.39");
    }

    /// OpenSSH 8.5p1–9.8p1 (8.1), vsftpd 2.3.4 (9.8, KEV), nginx ≤ 1.20.0 (7.7).
    fn three_cves() -> CveSnapshot {
        CveSnapshot::parse(
            r#"{"snapshot_date":"2026-11-01","source":"t","cves":[
              {"id":"CVE-A","product":"openssh","affected":[{"from":"8.5p1","to_excluding":"9.8p1"}],"cvss":8.1,"kev":false,"summary":"s"},
              {"id":"CVE-B","product":"vsftpd","affected":[{"exact":"2.3.4"}],"cvss":9.8,"kev":true,"summary":"s"},
              {"id":"CVE-C","product":"nginx","affected":[{"to_including":"1.20.0"}],"cvss":7.7,"kev":false,"summary":"s"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn matches_on_product_and_version_only() {
        let snap = three_cves();
        let hit = |p: &str, v: &str| {
            snap.affecting(p, v)
                .map(|c| c.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(hit("openssh", "9.2p1"), vec!["CVE-A"]);
        assert!(hit("openssh", "9.8p1").is_empty());
        assert!(hit("openssh", "8.4p1").is_empty());
        assert_eq!(hit("vsftpd", "2.3.4"), vec!["CVE-B"]);
        assert!(hit("vsftpd", "3.0.3").is_empty());
        assert_eq!(hit("nginx", "1.20.0"), vec!["CVE-C"]);
        assert!(hit("nginx", "1.20.1").is_empty());
        assert!(hit("dropbear", "2016.74").is_empty());
    }

    #[test]
    fn the_report_lists_exploited_assets_first_and_pages_from_the_listed_ones() {
        let snap = three_cves();
        let asset = |n: u128, ip: &str, product: &str, version: &str| {
            let mut s = svc(21);
            s.product = Some(product.into());
            s.version = Some(version.into());
            AssetFacts {
                id: uuid::Uuid::from_u128(n),
                site: "hq".into(),
                ip: ip.into(),
                services: vec![s],
                ..Default::default()
            }
        };
        let assets = vec![
            asset(1, "10.0.0.2", "OpenSSH", "9.2p1"),
            asset(2, "10.0.0.10", "vsftpd", "2.3.4"),
            asset(3, "10.0.0.3", "OpenSSH", "9.8p1"),
            asset(4, "10.0.0.9", "nginx", "1.20.0"),
        ];
        let all = |kev_only, page, per_page| VulnListing {
            kev_only,
            page,
            per_page,
        };
        let r = report(&snap, &assets, all(false, 1, 10));
        let ips: Vec<&str> = r.assets.iter().map(|a| a.ip.as_str()).collect();
        assert_eq!(ips, ["10.0.0.10", "10.0.0.2", "10.0.0.9"]);
        assert_eq!(
            (r.assets_scanned, r.vulnerable_assets, r.kev_assets),
            (4, 3, 1)
        );
        assert_eq!(r.by_severity.get("critical"), Some(&1));
        assert_eq!(r.by_severity.get("high"), Some(&2));
        let kev = report(&snap, &assets, all(true, 1, 10));
        assert_eq!((kev.total, kev.assets.len()), (1, 1));
        assert_eq!(kev.assets[0].kev_count, 1);
        let second = report(&snap, &assets, all(false, 2, 2));
        assert_eq!((second.total, second.assets.len()), (3, 1));
        assert_eq!(second.assets[0].ip, "10.0.0.9");
        assert_eq!(
            worst(&match_asset(&snap, &assets[1])).by_severity,
            [1, 0, 0, 0]
        );
    }

    #[test]
    fn the_shipped_snapshot_parses() {
        let s = CveSnapshot::embedded().expect("snapshot");
        assert!(s.len() >= 10, "only {} entries", s.len());
    }
}
