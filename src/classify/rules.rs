//! Classification rules as data: `assets/rules/*.toml`, embedded in the binary, extended or
//! replaced by same-named files in `$BIGR_HOME/rules/`. A rule fires when all its matchers
//! match; it then adds its weight for a group, a device type and/or an OS.
use super::error::LoadError;
use super::group_of;
use crate::model::{Category, DeviceType};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The embedded rule files, by name.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("vendor", include_str!("../../assets/rules/vendor.toml")),
    ("ports", include_str!("../../assets/rules/ports.toml")),
    ("services", include_str!("../../assets/rules/services.toml")),
    ("mdns", include_str!("../../assets/rules/mdns.toml")),
    ("hostname", include_str!("../../assets/rules/hostname.toml")),
    ("device", include_str!("../../assets/rules/device.toml")),
    ("dhcp", include_str!("../../assets/rules/dhcp.toml")),
    ("os", include_str!("../../assets/rules/os.toml")),
];

/// Kinds of evidence. Within one kind only the strongest rule counts for a group (ten port
/// rules are still one signal); different kinds are independent and add up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    Snmp,
    /// What the device says it is: a model, a UPnP device type, a reported OS.
    Device,
    /// How its DHCP client asks for an address: vendor class and requested options.
    Dhcp,
    Tls,
    Http,
    Banner,
    Mdns,
    Hostname,
    Vendor,
    Ports,
    Mac,
    Ttl,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// true: this file replaces the embedded one of the same name instead of extending it.
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    category: Option<Category>,
    device_type: Option<DeviceType>,
    os: Option<String>,
    weight: f64,
    #[serde(default)]
    vendor: Vec<String>,
    #[serde(default)]
    ports_all: Vec<u16>,
    #[serde(default)]
    ports_any: Vec<u16>,
    #[serde(default)]
    ports_none: Vec<u16>,
    banner: Option<Spanned<String>>,
    http_title: Option<Spanned<String>>,
    http_server: Option<Spanned<String>>,
    tls_subject: Option<Spanned<String>>,
    snmp_descr: Option<Spanned<String>>,
    #[serde(default)]
    snmp_oid: Vec<String>,
    #[serde(default)]
    mdns: Vec<String>,
    hostname: Option<Spanned<String>>,
    device: Option<Spanned<String>>,
    os_reported: Option<Spanned<String>>,
    dhcp_vendor: Option<Spanned<String>>,
    dhcp_fingerprint: Option<Spanned<String>>,
    #[serde(default)]
    mac_prefix: Vec<String>,
    #[serde(default)]
    mac_prefix_none: Vec<String>,
    randomized_mac: Option<bool>,
    ttl: Option<[u8; 2]>,
}

/// What a rule looks for. Text patterns are case-insensitive regular expressions.
#[derive(Debug, Default)]
pub struct Matchers {
    pub vendor: Vec<String>,
    pub ports_all: Vec<u16>,
    pub ports_any: Vec<u16>,
    pub ports_none: Vec<u16>,
    pub banner: Option<Regex>,
    pub http_title: Option<Regex>,
    pub http_server: Option<Regex>,
    pub tls_subject: Option<Regex>,
    pub snmp_descr: Option<Regex>,
    pub snmp_oid: Vec<String>,
    pub mdns: Vec<String>,
    pub hostname: Option<Regex>,
    /// Manufacturer, model, model number or UPnP device type the device reported.
    pub device: Option<Regex>,
    /// The operating system (with version) the device reported, e.g. over SMB.
    pub os_reported: Option<Regex>,
    /// The DHCP client's vendor class (option 60), e.g. "MSFT 5.0".
    pub dhcp_vendor: Option<Regex>,
    /// The DHCP client's requested options (option 55) as "1,3,6,…".
    pub dhcp_fingerprint: Option<Regex>,
    /// MAC prefixes (`52:54:00`), for blocks outside the IEEE registry such as QEMU's.
    pub mac_prefix: Vec<String>,
    /// ...and prefixes that veto the rule (QEMU's locally administered 52:54:00).
    pub mac_prefix_none: Vec<String>,
    pub randomized_mac: Option<bool>,
    pub ttl: Option<(u8, u8)>,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// The rule file it came from (`vendor`, `ports`, …): what `replace = true` replaces.
    pub file: String,
    pub signal: Signal,
    pub category: Option<Category>,
    pub device_type: Option<DeviceType>,
    pub os: Option<String>,
    pub weight: f64,
    pub m: Matchers,
    /// Hit bits (text fields, vendor, mDNS) that must all be set for the rule to match.
    pub required: u16,
}

/// The free-text fields rules match with regular expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Banner,
    HttpTitle,
    HttpServer,
    TlsSubject,
    SnmpDescr,
    Hostname,
    Device,
    OsReported,
    DhcpVendor,
    DhcpFingerprint,
}

/// Hit bits beyond the text fields' (see `TextField::bit`).
pub const VENDOR_BIT: u16 = 1 << 10;
pub const MDNS_BIT: u16 = 1 << 11;

pub const TEXT_FIELDS: [TextField; 10] = [
    TextField::Banner,
    TextField::HttpTitle,
    TextField::HttpServer,
    TextField::TlsSubject,
    TextField::SnmpDescr,
    TextField::Hostname,
    TextField::Device,
    TextField::OsReported,
    TextField::DhcpVendor,
    TextField::DhcpFingerprint,
];

impl TextField {
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl Rule {
    /// The rule's pattern for a text field, if it has one.
    pub fn regex(&self, field: TextField) -> Option<&Regex> {
        match field {
            TextField::Banner => self.m.banner.as_ref(),
            TextField::HttpTitle => self.m.http_title.as_ref(),
            TextField::HttpServer => self.m.http_server.as_ref(),
            TextField::TlsSubject => self.m.tls_subject.as_ref(),
            TextField::SnmpDescr => self.m.snmp_descr.as_ref(),
            TextField::Hostname => self.m.hostname.as_ref(),
            TextField::Device => self.m.device.as_ref(),
            TextField::OsReported => self.m.os_reported.as_ref(),
            TextField::DhcpVendor => self.m.dhcp_vendor.as_ref(),
            TextField::DhcpFingerprint => self.m.dhcp_fingerprint.as_ref(),
        }
    }
}

/// Every rule in force, in load order, and per text field all patterns as one RegexSet so an
/// observation's text is scanned once per field rather than once per rule.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    index: Vec<Option<(RegexSet, Vec<usize>)>>,
    /// Vendor words and mDNS service types of all rules, each as one automaton.
    pub vendor_index: Option<LiteralIndex>,
    pub mdns_index: Option<LiteralIndex>,
}

/// Many literal needles searched in one pass; each needle names the rule it belongs to.
#[derive(Debug)]
pub struct LiteralIndex {
    pub automaton: aho_corasick::AhoCorasick,
    pub rule_of: Vec<usize>,
}

impl LiteralIndex {
    fn build(
        rules: &[Rule],
        needles: impl Fn(&Rule) -> &[String],
    ) -> Result<Option<LiteralIndex>, LoadError> {
        let (rule_of, words): (Vec<usize>, Vec<&str>) = rules
            .iter()
            .enumerate()
            .flat_map(|(i, r)| needles(r).iter().map(move |w| (i, w.as_str())))
            .unzip();
        if words.is_empty() {
            return Ok(None);
        }
        aho_corasick::AhoCorasick::new(words)
            .map(|automaton| Some(LiteralIndex { automaton, rule_of }))
            .map_err(|e| LoadError::Index(format!("rule literals: {e}")))
    }

    /// Calls `hit` with the rule of every needle found in `haystack`.
    pub fn each_hit(&self, haystack: &str, mut hit: impl FnMut(usize)) {
        for m in self.automaton.find_overlapping_iter(haystack) {
            hit(self.rule_of[m.pattern().as_usize()]);
        }
    }
}

impl RuleSet {
    /// The embedded rules, extended or replaced by `$home/rules/*.toml`.
    /// The combined patterns of one field and, for each pattern, the rule it belongs to.
    pub fn text_index(&self, field: TextField) -> Option<(&RegexSet, &[usize])> {
        self.index
            .get(field as usize)?
            .as_ref()
            .map(|(set, rules)| (set, rules.as_slice()))
    }

    fn build_index(&mut self) -> Result<(), LoadError> {
        self.index = TEXT_FIELDS
            .iter()
            .map(|field| {
                let (rules, patterns): (Vec<usize>, Vec<&str>) = self
                    .rules
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| r.regex(*field).map(|re| (i, re.as_str())))
                    .unzip();
                if rules.is_empty() {
                    return Ok(None);
                }
                RegexSetBuilder::new(patterns)
                    .case_insensitive(true)
                    .size_limit(64 << 20)
                    .build()
                    .map(|set| Some((set, rules)))
                    .map_err(|e| LoadError::Index(format!("the {field:?} patterns: {e}")))
            })
            .collect::<Result<_, _>>()?;
        self.vendor_index = LiteralIndex::build(&self.rules, |r| &r.m.vendor)?;
        self.mdns_index = LiteralIndex::build(&self.rules, |r| &r.m.mdns)?;
        Ok(())
    }

    pub fn load(home: Option<&Path>) -> Result<RuleSet, LoadError> {
        let mut files: Vec<(String, String, String)> = EMBEDDED
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    format!("assets/rules/{name}.toml"),
                    text.to_string(),
                )
            })
            .collect();
        if let Some(dir) = home.map(|h| h.join("rules")).filter(|d| d.is_dir()) {
            let mut user: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|e| unreadable(&dir, e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            user.sort();
            for path in user {
                let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default();
                files.push((name, path.display().to_string(), text));
            }
        }
        let mut set = RuleSet::default();
        for (name, label, text) in files {
            let parsed = parse_file(&label, &text)?;
            if parsed.replace {
                set.rules.retain(|r| r.file != name);
            }
            for mut rule in parsed.rules {
                rule.file = name.clone();
                // A user rule with the id of an existing one overrides it.
                set.rules.retain(|r| r.id != rule.id);
                set.rules.push(rule);
            }
        }
        set.build_index()?;
        Ok(set)
    }
}

fn unreadable(path: &Path, e: std::io::Error) -> LoadError {
    LoadError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// One rules file, compiled.
#[doc(hidden)]
pub struct Parsed {
    replace: bool,
    rules: Vec<Rule>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses and compiles one rules file's text; errors name `label` and the line at fault.
#[doc(hidden)]
pub fn parse_file(label: &str, text: &str) -> Result<Parsed, LoadError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| LoadError::Rules {
        file: label.to_string(),
        line: e.span().map(|s| line_of(text, s.start)),
        reason: e.message().trim().to_string(),
    })?;
    let mut rules = Vec::with_capacity(raw.rule.len());
    for spanned in raw.rule {
        let line = line_of(text, spanned.span().start);
        let rule =
            compile(spanned.into_inner(), text).map_err(|(at, reason)| LoadError::Rules {
                file: label.to_string(),
                line: Some(at.unwrap_or(line)),
                reason,
            })?;
        rules.push(rule);
    }
    Ok(Parsed {
        replace: raw.replace,
        rules,
    })
}

type CompileError = (Option<usize>, String);

/// `\b` in rule patterns means an ASCII word boundary: rules are written for ASCII text, and
/// a Unicode boundary would send every non-ASCII banner to the regex crate's slowest engine.
fn ascii_word_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

fn regex(field: &Option<Spanned<String>>, text: &str) -> Result<Option<Regex>, CompileError> {
    let Some(pattern) = field else {
        return Ok(None);
    };
    RegexBuilder::new(&ascii_word_boundaries(pattern.get_ref()))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map(Some)
        .map_err(|e| {
            (
                Some(line_of(text, pattern.span().start)),
                format!(
                    "bad pattern: {}",
                    e.to_string().lines().last().unwrap_or("")
                ),
            )
        })
}

fn compile(r: RawRule, text: &str) -> Result<Rule, CompileError> {
    let invalid = |why: String| (None, format!("rule '{}': {why}", r.id));
    if !(r.weight > 0.0 && r.weight <= 1.0) {
        return Err(invalid("weight must be in (0, 1]".into()));
    }
    if let Some(v) = r
        .vendor
        .iter()
        .find(|v| super::vendor::normalize(v).is_empty())
    {
        return Err(invalid(format!(
            "vendor entry '{v}' has no distinctive word"
        )));
    }
    if r.category.is_none() && r.device_type.is_none() && r.os.is_none() {
        return Err(invalid("names no category, device_type or os".into()));
    }
    if let (Some(c), Some(d)) = (r.category, r.device_type)
        && !group_of(d).contains(&c)
    {
        return Err(invalid(format!(
            "device type {d} does not belong to group {c}"
        )));
    }
    let m = Matchers {
        // Padded for whole-word matching against a padded vendor name.
        vendor: r
            .vendor
            .iter()
            .map(|v| format!(" {} ", super::vendor::normalize(v)))
            .collect(),
        ports_all: r.ports_all.clone(),
        ports_any: r.ports_any.clone(),
        ports_none: r.ports_none.clone(),
        banner: regex(&r.banner, text)?,
        http_title: regex(&r.http_title, text)?,
        http_server: regex(&r.http_server, text)?,
        tls_subject: regex(&r.tls_subject, text)?,
        snmp_descr: regex(&r.snmp_descr, text)?,
        snmp_oid: r.snmp_oid.clone(),
        mdns: r.mdns.iter().map(|s| s.to_lowercase()).collect(),
        hostname: regex(&r.hostname, text)?,
        device: regex(&r.device, text)?,
        os_reported: regex(&r.os_reported, text)?,
        dhcp_vendor: regex(&r.dhcp_vendor, text)?,
        dhcp_fingerprint: regex(&r.dhcp_fingerprint, text)?,
        mac_prefix: r
            .mac_prefix
            .iter()
            .map(|p| p.to_lowercase().replace('-', ":"))
            .collect(),
        mac_prefix_none: r
            .mac_prefix_none
            .iter()
            .map(|p| p.to_lowercase().replace('-', ":"))
            .collect(),
        randomized_mac: r.randomized_mac,
        ttl: r.ttl.map(|[lo, hi]| (lo, hi)),
    };
    let signal = if m.snmp_descr.is_some() || !m.snmp_oid.is_empty() {
        Signal::Snmp
    } else if m.device.is_some() || m.os_reported.is_some() {
        Signal::Device
    } else if m.dhcp_vendor.is_some() || m.dhcp_fingerprint.is_some() {
        Signal::Dhcp
    } else if m.tls_subject.is_some() {
        Signal::Tls
    } else if m.http_title.is_some() || m.http_server.is_some() {
        Signal::Http
    } else if m.banner.is_some() {
        Signal::Banner
    } else if !m.mdns.is_empty() {
        Signal::Mdns
    } else if m.hostname.is_some() {
        Signal::Hostname
    } else if !m.vendor.is_empty() || !m.mac_prefix.is_empty() {
        Signal::Vendor
    } else if !m.ports_all.is_empty() || !m.ports_any.is_empty() {
        Signal::Ports
    } else if m.randomized_mac.is_some() {
        Signal::Mac
    } else if m.ttl.is_some() {
        Signal::Ttl
    } else {
        return Err(invalid("has no matcher (vendor, mac_prefix, ports_*, banner, http_*, tls_subject, snmp_*, mdns, hostname, device, os_reported, dhcp_*, randomized_mac, ttl)".into()));
    };
    let mut rule = Rule {
        id: r.id,
        file: String::new(),
        signal,
        category: r.category,
        device_type: r.device_type,
        os: r.os,
        weight: r.weight,
        m,
        required: 0,
    };
    rule.required = TEXT_FIELDS
        .iter()
        .filter(|f| rule.regex(**f).is_some())
        .fold(0, |acc, f| acc | f.bit())
        | if rule.m.vendor.is_empty() {
            0
        } else {
            VENDOR_BIT
        }
        | if rule.m.mdns.is_empty() { 0 } else { MDNS_BIT };
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_load() {
        let set = RuleSet::load(None).unwrap();
        assert!(set.rules.len() > 100, "{}", set.rules.len());
    }

    #[test]
    fn broken_files_name_the_file_and_line() {
        let bad_regex =
            "[[rule]]\nid = \"x.a\"\ncategory = \"iot\"\nweight = 0.5\nbanner = \"(unclosed\"\n";
        let e = parse_file("mine.toml", bad_regex).err().unwrap();
        assert!(matches!(&e, LoadError::Rules { file, line: Some(5), .. } if file == "mine.toml"));
        let e = e.to_string();
        assert!(
            e.contains("mine.toml, line 5") && e.contains("bad pattern"),
            "{e}"
        );
        let bad_category =
            "[[rule]]\nid = \"x.a\"\ncategory = \"toasters\"\nweight = 0.5\nports_any = [1]\n";
        let e = parse_file("mine.toml", bad_category)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("line 3") && e.contains("toasters"), "{e}");
        let mismatch = "[[rule]]\nid = \"x.a\"\ncategory = \"iot\"\ndevice_type = \"router\"\nweight = 0.5\nports_any = [1]\n";
        assert!(
            parse_file("m.toml", mismatch)
                .err()
                .unwrap()
                .to_string()
                .contains("does not belong")
        );
        let empty_vendor = "[[rule]]\nid = \"x.a\"\ncategory = \"iot\"\nweight = 0.5\nvendor = [\"Tech Co Ltd\"]\n";
        assert!(
            parse_file("m.toml", empty_vendor)
                .err()
                .unwrap()
                .to_string()
                .contains("no distinctive word")
        );
        let no_matcher = "[[rule]]\nid = \"x.a\"\ncategory = \"iot\"\nweight = 0.5\n";
        assert!(
            parse_file("m.toml", no_matcher)
                .err()
                .unwrap()
                .to_string()
                .contains("no matcher")
        );
    }

    #[test]
    fn user_files_extend_override_or_replace() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        let embedded = RuleSet::load(None).unwrap().rules.len();
        std::fs::write(
            dir.path().join("rules/vendor.toml"),
            "[[rule]]\nid = \"vendor.acme\"\ncategory = \"iot\"\ndevice_type = \"camera\"\nweight = 0.6\nvendor = [\"Acme Cams\"]\n",
        )
        .unwrap();
        let extended = RuleSet::load(Some(dir.path())).unwrap();
        assert_eq!(extended.rules.len(), embedded + 1);
        assert_eq!(extended.rules.last().unwrap().m.vendor, [" acme cams "]);
        std::fs::write(
            dir.path().join("rules/vendor.toml"),
            "replace = true\n[[rule]]\nid = \"vendor.acme\"\ncategory = \"iot\"\nweight = 0.6\nvendor = [\"acme\"]\n",
        )
        .unwrap();
        let replaced = RuleSet::load(Some(dir.path())).unwrap();
        assert_eq!(
            replaced.rules.iter().filter(|r| r.file == "vendor").count(),
            1
        );
        // The other files are untouched.
        assert!(replaced.rules.iter().any(|r| r.file == "services"));
    }
}
