//! The `tls` module: which protocol versions an endpoint speaks (each asked on its own),
//! which weak suites it accepts (enumerated group by group, as sslscan does), and what is wrong
//! with its certificate.
pub mod cert;
pub mod hello;
pub mod reply;
pub mod suites;

use super::catalog::finding;
use super::net::{Budget, Unreached};
use crate::model::shield::Finding;
use hello::{SSL3, TLS10, TLS11, TLS12, TLS13, TLS13_SUITES, client_hello, version_name};
use reply::Reply;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use suites::Weakness;

/// Most suites one version may be asked to give up one by one (a bound on connections).
const MAX_ENUMERATION_ROUNDS: usize = 48;
/// Largest first flight read (a long chain fits; more is not a TLS server we can describe).
const MAX_FLIGHT: usize = 96 * 1024;

/// What was learnt of one TLS endpoint.
#[derive(Debug, Clone, Default)]
pub struct TlsSummary {
    /// Versions spoken and the suite the server chose when offered everything.
    pub versions: BTreeMap<&'static str, String>,
    /// Weak suites accepted, per version.
    pub weak_suites: BTreeMap<&'static str, Vec<String>>,
    pub findings: Vec<Finding>,
}

pub enum Outcome {
    Assessed(TlsSummary),
    /// Something answered that is not TLS (or refused every hello): not assessed.
    NotTls(String),
    Unreached(Unreached),
}

async fn ask(
    budget: &Budget,
    addr: SocketAddr,
    version: u16,
    suites: &[u16],
    name: Option<&str>,
) -> Result<Reply, Unreached> {
    let hello = client_hello(version, suites, name);
    let buf = budget
        .exchange(addr, &hello, MAX_FLIGHT, reply::complete)
        .await?;
    Ok(reply::read(&buf, true))
}

/// Asks with `suites` again and again, each time without the suite just chosen, until the
/// server refuses: every suite of the list it accepts at `version`.
async fn enumerate(
    budget: &Budget,
    addr: SocketAddr,
    version: u16,
    mut suites: Vec<u16>,
    name: Option<&str>,
) -> Vec<u16> {
    let mut accepted = Vec::new();
    for _ in 0..MAX_ENUMERATION_ROUNDS {
        if suites.is_empty() {
            break;
        }
        match ask(budget, addr, version, &suites, name).await {
            Ok(Reply::Accepted {
                version: v, cipher, ..
            }) if v == version && suites.contains(&cipher) => {
                accepted.push(cipher);
                suites.retain(|s| *s != cipher);
            }
            _ => break,
        }
    }
    accepted
}

/// Assesses ip:port. `name` is the host name clients use (SNI and the name check), if known.
pub async fn assess(
    budget: &Budget,
    recording: std::sync::Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    name: Option<&str>,
) -> Outcome {
    let addr = SocketAddr::new(ip, port);
    let legacy = suites::all_legacy();
    let asks = [SSL3, TLS10, TLS11, TLS12, TLS13].map(|v| {
        let list: &[u16] = if v == TLS13 { &TLS13_SUITES } else { &legacy };
        ask(budget, addr, v, list, name)
    });
    let replies = futures_util::future::join_all(asks).await;
    let mut summary = TlsSummary::default();
    let mut offered = Vec::new();
    let mut chain: Vec<Vec<u8>> = Vec::new();
    for (v, r) in [SSL3, TLS10, TLS11, TLS12, TLS13].iter().zip(&replies) {
        if let Ok(Reply::Accepted {
            version,
            cipher,
            chain: c,
        }) = r
            && version == v
        {
            offered.push(*v);
            summary
                .versions
                .insert(version_name(*v), suites::name(*cipher));
            if chain.is_empty() {
                chain = c.clone();
            }
        }
    }
    if offered.is_empty() {
        if let Some(Err(e)) = replies.iter().find(|r| r.is_err())
            && replies.iter().all(|r| r.is_err())
        {
            return Outcome::Unreached(e.clone());
        }
        return Outcome::NotTls(
            if replies
                .iter()
                .any(|r| matches!(r, Ok(Reply::Refused { .. })))
            {
                "refused every TLS version we offered".into()
            } else {
                "did not answer as a TLS server".into()
            },
        );
    }
    let f = &mut summary.findings;
    for (v, id) in [
        (SSL3, "tls.protocol.sslv3"),
        (TLS10, "tls.protocol.tls10"),
        (TLS11, "tls.protocol.tls11"),
    ] {
        if offered.contains(&v) {
            f.push(finding(
                id,
                ip,
                Some(port),
                format!("The server completes a {} handshake.", version_name(v)),
                json!({"version": version_name(v), "cipher": summary.versions[version_name(v)]}),
            ));
        }
    }
    let legacy_offered: Vec<u16> = offered.iter().copied().filter(|v| *v != TLS13).collect();
    let weak_lists = futures_util::future::join_all(
        legacy_offered
            .iter()
            .map(|v| enumerate(budget, addr, *v, suites::weak(), name)),
    )
    .await;
    let mut by_class: BTreeMap<Weakness, Vec<(String, &'static str)>> = BTreeMap::new();
    for (v, accepted) in legacy_offered.iter().zip(weak_lists) {
        for id in &accepted {
            if let Some(w) = suites::weakness_of(*id) {
                by_class
                    .entry(w)
                    .or_default()
                    .push((suites::name(*id), version_name(*v)));
            }
        }
        if !accepted.is_empty() {
            summary.weak_suites.insert(
                version_name(*v),
                accepted.iter().map(|id| suites::name(*id)).collect(),
            );
        }
    }
    for (class, seen) in by_class {
        let mut names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let versions: std::collections::BTreeSet<&str> = seen.iter().map(|(_, v)| *v).collect();
        f.push(finding(
            class.check_id(),
            ip,
            Some(port),
            format!("Accepted: {}.", names.join(", ")),
            json!({"suites": names, "versions": versions}),
        ));
    }
    if offered.contains(&TLS10)
        && !matches!(
            ask(budget, addr, TLS10, &suites::tls10_non_cbc(), name).await,
            Ok(Reply::Accepted { version: TLS10, .. })
        )
    {
        f.push(finding(
            "tls.cipher.cbc_only_tls10",
            ip,
            Some(port),
            "On TLS 1.0 the server accepts only CBC suites.".into(),
            json!({"version": "TLS 1.0"}),
        ));
    }
    if chain.is_empty() {
        // Only TLS 1.3 was agreed, where the certificate travels encrypted: a real handshake.
        let _permit = budget.permit().await;
        chain = crate::scan::tls::fetch_chain(recording, ip, port, name, budget.exchange_timeout)
            .await
            .unwrap_or_default();
    }
    summary
        .findings
        .extend(cert::assess(ip, port, name, &chain, chrono::Utc::now()));
    Outcome::Assessed(summary)
}

/// Ports where TLS is expected first (others are tried when the inventory says TLS).
pub const PORTS: [u16; 16] = [
    443, 8443, 9443, 4443, 10443, 993, 995, 465, 636, 990, 5986, 8883, 6443, 7443, 5061, 8006,
];
