//! One Shield run: find each host's open ports (or take them from the inventory), run the
//! chosen modules on them concurrently, and return a scored report that says what was assessed
//! and what was not.
use super::net::{Budget, Unreached};
use super::target::ShieldTarget;
use super::{Module, headers, ports, score, tls};
use crate::model::shield::{AssessedHost, Finding, NotAssessed, Preset, ShieldReport};
use chrono::Utc;
use futures_util::StreamExt;
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Hosts worked on at once (their connections still share the one budget).
const HOSTS_IN_FLIGHT: usize = 32;

#[derive(Debug, Clone)]
pub struct ShieldRequest {
    pub targets: Vec<ShieldTarget>,
    pub preset: Preset,
    /// Chosen modules (the preset's unless given).
    pub modules: Vec<Module>,
    /// Allows `creds` and `owasp` (never on fragile hosts).
    pub intrusive: bool,
    /// Connections in flight at most, over the whole run.
    pub connections: usize,
    pub connect_timeout: Duration,
    pub exchange_timeout: Duration,
    /// What the report says was asked (the command line's targets).
    pub label: String,
    /// The resolver the domain checks ask (the system's when None).
    pub resolver: Option<SocketAddr>,
    /// DKIM selectors to look for (common defaults when empty).
    pub dkim_selectors: Vec<String>,
}

impl ShieldRequest {
    pub fn new(targets: Vec<ShieldTarget>, preset: Preset, label: String) -> Self {
        ShieldRequest {
            targets,
            preset,
            modules: super::preset_modules(preset),
            intrusive: false,
            connections: 64,
            connect_timeout: Duration::from_millis(1500),
            exchange_timeout: Duration::from_secs(5),
            label,
            resolver: None,
            dkim_selectors: Vec::new(),
        }
    }
}

struct HostResult {
    ip: IpAddr,
    assessed: BTreeSet<Module>,
    findings: Vec<Finding>,
    not_assessed: Vec<NotAssessed>,
}

fn missed(target: String, module: Option<Module>, reason: impl ToString) -> NotAssessed {
    NotAssessed {
        target,
        module: module.map(|m| m.as_str().to_string()),
        reason: reason.to_string(),
    }
}

/// The open ports among `candidates` (connect probes under the budget).
async fn open_ports(budget: &Budget, ip: IpAddr, candidates: &[u16]) -> Vec<u16> {
    let probes = candidates.iter().map(|p| async move {
        budget
            .connect(SocketAddr::new(ip, *p))
            .await
            .ok()
            .map(|_| *p)
    });
    let mut open: Vec<u16> = futures_util::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect();
    open.sort_unstable();
    open
}

/// The TCP ports the modules look at: a host without one of them open has nothing to check.
pub fn candidates(modules: &[Module]) -> Vec<u16> {
    let mut ports = BTreeSet::new();
    for m in modules {
        match m {
            Module::Tls => ports.extend(tls::PORTS),
            Module::Creds => ports.extend(
                [21, 22, 23]
                    .iter()
                    .chain(&tls::PORTS)
                    .chain(&headers::PORTS),
            ),
            Module::Headers | Module::Owasp => {
                ports.extend(tls::PORTS.iter().chain(&headers::PORTS))
            }
            Module::Ports => ports.extend(ports::candidate_ports()),
            Module::Cve => ports.extend(super::cve::PORTS.iter().chain(&tls::PORTS)),
            Module::Dns => {
                ports.insert(53);
            }
        }
    }
    ports.into_iter().collect()
}

/// What the dns module needs besides the host: where to ask, what to look for.
struct DnsContext<'a> {
    resolver: Option<SocketAddr>,
    selectors: &'a [String],
    /// Zones to try a transfer of on every DNS server found: the names given.
    zones: Vec<String>,
}

async fn host(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    modules: &[Module],
    dns: &DnsContext<'_>,
    t: &ShieldTarget,
) -> HostResult {
    let ip = t.ip;
    let name = t.name.as_deref();
    let mut r = HostResult {
        ip,
        assessed: BTreeSet::new(),
        findings: Vec::new(),
        not_assessed: Vec::new(),
    };
    let open = match &t.ports {
        Some(known) => known.clone(),
        None => open_ports(budget, ip, &candidates(modules)).await,
    };
    let has = |m: Module| modules.contains(&m);
    // Ports the user named are tried by every module; otherwise each module its own.
    let tls_ports: Vec<u16> = open
        .iter()
        .copied()
        .filter(|p| t.pinned || tls::PORTS.contains(p))
        .collect();
    let web = async {
        let tls_done = if has(Module::Tls) {
            futures_util::future::join_all(tls_ports.iter().map(|p| async move {
                (
                    *p,
                    tls::assess(budget, recording.clone(), ip, *p, name).await,
                )
            }))
            .await
        } else {
            Vec::new()
        };
        if !has(Module::Headers) && !has(Module::Owasp) && !has(Module::Creds) {
            return (tls_done, Vec::new(), Vec::new(), None);
        }
        // HTTPS where TLS was found (or is expected, without the tls module); HTTP on the
        // web ports, and on every named port that is not TLS.
        let speaks_tls = |p: u16| match tls_done.iter().find(|(q, _)| *q == p) {
            Some((_, outcome)) => matches!(outcome, tls::Outcome::Assessed(_)),
            None => !has(Module::Tls) && tls::PORTS.contains(&p),
        };
        let asks: Vec<(u16, bool)> = open
            .iter()
            .filter_map(|p| {
                if speaks_tls(*p) {
                    Some((*p, true))
                } else if t.pinned || headers::PORTS.contains(p) {
                    Some((*p, false))
                } else {
                    None
                }
            })
            .collect();
        let headers_run = async {
            if !has(Module::Headers) {
                return Vec::new();
            }
            futures_util::future::join_all(asks.iter().map(|(p, over_tls)| async move {
                (
                    *p,
                    headers::assess(budget, recording, ip, *p, *over_tls, name).await,
                )
            }))
            .await
        };
        // Attack-like requests: never to a fragile device.
        let owasp_run = async {
            if !has(Module::Owasp) || t.fragile {
                return Vec::new();
            }
            futures_util::future::join_all(asks.iter().map(|(p, over_tls)| async move {
                (
                    *p,
                    super::owasp::assess(budget, recording, ip, *p, *over_tls, name).await,
                )
            }))
            .await
        };
        // Login attempts: never to a fragile device either.
        let creds_run = async {
            if !has(Module::Creds) || t.fragile {
                return None;
            }
            super::creds::assess(budget, recording, ip, &open, &asks, name).await
        };
        let (headers_done, owasp_done, creds_done) =
            tokio::join!(headers_run, owasp_run, creds_run);
        (tls_done, headers_done, owasp_done, creds_done)
    };
    let ports_run = async {
        if has(Module::Ports) {
            Some(ports::assess(budget, ip, &open).await)
        } else {
            None
        }
    };
    let cve_run = async {
        if has(Module::Cve) && !open.is_empty() {
            Some(super::cve::assess(budget, recording, ip, &open, t.fragile).await)
        } else {
            None
        }
    };
    let dns_run = async {
        if !has(Module::Dns) {
            return None;
        }
        let mut found = Vec::new();
        let mut assessed = false;
        if let (Some(name), Some(resolver)) = (name, dns.resolver)
            && super::dns::is_domain(budget, resolver, name).await
        {
            assessed = true;
            found
                .extend(super::dns::assess_domain(budget, resolver, name, ip, dns.selectors).await);
        }
        if open.contains(&53) {
            let mut zones = dns.zones.clone();
            // The server's own domain, from its name (ns1.corp.lan → corp.lan).
            if let Some((_, parent)) = name.and_then(|n| n.split_once('.'))
                && parent.contains('.')
                && !zones.iter().any(|z| z == parent)
            {
                zones.push(parent.to_string());
            }
            if let Some(f) = super::dns::assess_server(budget, ip, &zones).await {
                assessed = true;
                found.extend(f);
            }
        }
        Some((assessed, found))
    };
    let ((tls_done, headers_done, owasp_done, creds_done), ports_done, cve_done, dns_done) =
        tokio::join!(web, ports_run, cve_run, dns_run);

    let at = |p: u16| format!("{}", SocketAddr::new(ip, p));
    for (p, outcome) in tls_done {
        match outcome {
            tls::Outcome::Assessed(summary) => {
                r.assessed.insert(Module::Tls);
                r.findings.extend(summary.findings);
            }
            // A named port that is not TLS is for the other modules.
            tls::Outcome::NotTls(_) if t.pinned && !tls::PORTS.contains(&p) => {}
            tls::Outcome::NotTls(why) => r.not_assessed.push(missed(at(p), Some(Module::Tls), why)),
            tls::Outcome::Unreached(e) => r.not_assessed.push(missed(at(p), Some(Module::Tls), e)),
        }
    }
    for (p, outcome) in headers_done {
        match outcome {
            headers::Outcome::Assessed(f) => {
                r.assessed.insert(Module::Headers);
                r.findings.extend(f);
            }
            headers::Outcome::NotHttp if t.pinned && !headers::PORTS.contains(&p) => {}
            headers::Outcome::NotHttp => {
                r.not_assessed
                    .push(missed(at(p), Some(Module::Headers), "did not answer HTTP"))
            }
            headers::Outcome::Unreached(e) => {
                r.not_assessed.push(missed(at(p), Some(Module::Headers), e))
            }
        }
    }
    if let Some(f) = ports_done {
        // Assessed when something answered: an open TCP port, or SNMP/UPnP over UDP.
        if !open.is_empty() || !f.is_empty() {
            r.assessed.insert(Module::Ports);
            r.findings.extend(f);
        }
    }
    for (p, outcome) in owasp_done {
        match outcome {
            Some(f) => {
                r.assessed.insert(Module::Owasp);
                r.findings.extend(f);
            }
            None => r
                .not_assessed
                .push(missed(at(p), Some(Module::Owasp), "no web answer")),
        }
    }
    if let Some(f) = creds_done {
        r.assessed.insert(Module::Creds);
        r.findings.extend(f);
    }
    for m in [Module::Owasp, Module::Creds] {
        if has(m) && t.fragile {
            r.not_assessed.push(missed(
                ip.to_string(),
                Some(m),
                "fragile device: intrusive checks skipped",
            ));
        }
    }
    if let Some((true, f)) = dns_done {
        r.assessed.insert(Module::Dns);
        r.findings.extend(f);
    }
    match cve_done {
        Some((true, f)) => {
            r.assessed.insert(Module::Cve);
            r.findings.extend(f);
        }
        Some((false, _)) => r.not_assessed.push(missed(
            ip.to_string(),
            Some(Module::Cve),
            "no open port named its product and version",
        )),
        None => {}
    }
    for m in modules {
        if !r.assessed.contains(m)
            && !r
                .not_assessed
                .iter()
                .any(|n| n.module.as_deref() == Some(m.as_str()))
        {
            let why = if open.is_empty() {
                Unreached::Other("no open port answered".into()).to_string()
            } else {
                format!("no port for this module among the open ones ({open:?})")
            };
            r.not_assessed.push(missed(ip.to_string(), Some(*m), why));
        }
    }
    r
}

/// Runs `req` to the end and returns the report, scored over the modules that assessed
/// something.
pub async fn run(req: ShieldRequest) -> ShieldReport {
    let started_at = Utc::now();
    let budget = Budget::new(req.connections, req.connect_timeout, req.exchange_timeout);
    let mut modules: Vec<Module> = req.modules.clone();
    modules.sort();
    modules.dedup();
    let mut not_assessed = Vec::new();
    // Modules that cannot run here are named once, not per host.
    modules.retain(|m| {
        if m.intrusive() && !req.intrusive {
            not_assessed.push(missed(
                req.label.clone(),
                Some(*m),
                "intrusive: needs --intrusive",
            ));
            return false;
        }
        true
    });
    let recording = match crate::scan::tls::recording_config() {
        Ok(c) => c,
        Err(e) => {
            not_assessed.push(missed(req.label.clone(), None, e));
            return finish(req, started_at, Vec::new(), not_assessed);
        }
    };
    // By index: a closure over `&ShieldTarget` arguments makes this future not `Send`
    // (rust-lang/rust#102211), and the agent runs it on the multi-threaded runtime.
    let targets = &req.targets;
    let dns = DnsContext {
        resolver: req.resolver.or_else(super::dns::system_resolver),
        selectors: &req.dkim_selectors,
        zones: targets.iter().filter_map(|t| t.name.clone()).collect(),
    };
    let (budget, recording, modules, dns) = (&budget, &recording, &modules, &dns);
    let results: Vec<HostResult> = futures_util::stream::iter(0..targets.len())
        .map(|i| host(budget, recording, modules, dns, &targets[i]))
        .buffer_unordered(HOSTS_IN_FLIGHT)
        .collect()
        .await;
    finish(req, started_at, results, not_assessed)
}

fn finish(
    req: ShieldRequest,
    started_at: chrono::DateTime<Utc>,
    mut results: Vec<HostResult>,
    mut not_assessed: Vec<NotAssessed>,
) -> ShieldReport {
    results.sort_by_key(|r| r.ip);
    let mut ran: BTreeSet<Module> = BTreeSet::new();
    let mut findings = Vec::new();
    let mut hosts = Vec::new();
    for r in results {
        ran.extend(r.assessed.iter().copied());
        if !r.assessed.is_empty() {
            hosts.push(AssessedHost {
                ip: r.ip,
                modules: r.assessed.iter().map(|m| m.as_str().to_string()).collect(),
            });
        }
        findings.extend(r.findings);
        not_assessed.extend(r.not_assessed);
    }
    let modules: Vec<String> = ran.iter().map(|m| m.as_str().to_string()).collect();
    let (score, grade) = score::of(&modules, &findings);
    not_assessed.truncate(crate::model::shield::limits::NOT_ASSESSED);
    findings.truncate(crate::model::shield::limits::FINDINGS);
    ShieldReport {
        id: Uuid::now_v7(),
        target: req.label.chars().take(1024).collect(),
        preset: req.preset,
        modules,
        started_at,
        completed_at: Some(Utc::now()),
        score,
        grade: grade.map(str::to_string),
        findings,
        hosts,
        not_assessed,
    }
}
