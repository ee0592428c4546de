//! The `creds` module (intrusive, opt-in, never on fragile devices): whether a service lets
//! anyone in with a well-known default. Anonymous FTP, HTTP Basic and Digest admin pages,
//! Telnet and SSH logins from short curated lists, and SNMP communities that accept a write. At most
//! `MAX_ATTEMPTS` tries per service and host, one at a time, stopped at the first sign of a
//! lockout. The SNMP write sets sysContact to the value it already has: nothing changes.
use super::catalog::finding;
use super::net::Budget;
use crate::model::shield::Finding;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;

mod login;
mod snmp;
mod ssh;
mod web;

/// Tries per service and host, at most.
pub const MAX_ATTEMPTS: usize = 5;
/// The defaults tried, most common first (each service takes the first `MAX_ATTEMPTS`).
const DEFAULTS: [(&str, &str); 5] = [
    ("admin", "admin"),
    ("admin", "password"),
    ("root", "root"),
    ("admin", "1234"),
    ("admin", ""),
];
/// Words a service uses when it starts refusing everyone.
const LOCKOUT: [&str; 4] = ["locked", "too many", "try again later", "temporarily"];

fn locked_out(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    LOCKOUT.iter().any(|w| t.contains(w))
}

/// Findings on one host; `web` are its (port, over TLS) web ports. None when no service the
/// module knows was there to try.
pub async fn assess(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    open: &[u16],
    web: &[(u16, bool)],
    name: Option<&str>,
) -> Option<Vec<Finding>> {
    let host = name.map(str::to_string).unwrap_or_else(|| ip.to_string());
    let ftp = async {
        if open.contains(&21) {
            login::ftp_anonymous(budget, ip).await
        } else {
            None
        }
    };
    let tel = async {
        if open.contains(&23) {
            login::telnet(budget, ip).await
        } else {
            None
        }
    };
    let http = futures_util::future::join_all(web.iter().map(|(p, tls)| {
        let host = host.clone();
        async move {
            (
                *p,
                web::default_login(budget, recording, ip, *p, *tls, &host).await,
            )
        }
    }));
    let ssh = async {
        if open.contains(&22) {
            ssh::default_login(budget, ip, 22).await
        } else {
            None
        }
    };
    let (ftp, tel, http, ssh, snmp) =
        tokio::join!(ftp, tel, http, ssh, snmp::snmp_write(budget, ip));
    let tried =
        [21, 22, 23].iter().any(|p| open.contains(p)) || !web.is_empty() || !snmp.is_empty();
    if !tried {
        return None;
    }
    let mut out = Vec::new();
    if let Some(greeting) = ftp {
        out.push(finding(
            "creds.ftp_anonymous",
            ip,
            Some(21),
            "The FTP server accepts an anonymous login.".into(),
            json!({"greeting": greeting}),
        ));
    }
    if let Some((user, _)) = tel {
        out.push(finding(
            "creds.telnet_default",
            ip,
            Some(23),
            format!("Telnet accepts the default login of user {user}."),
            json!({"user": user}),
        ));
    }
    if let Some(user) = ssh {
        out.push(finding(
            "creds.ssh_default",
            ip,
            Some(22),
            format!("SSH accepts the default password of user {user}."),
            json!({"user": user}),
        ));
    }
    for (port, hit) in http {
        if let Some(login) = hit {
            out.push(finding(
                "creds.http_default",
                ip,
                Some(port),
                format!(
                    "{} accepts the default login of user {} (HTTP {}).",
                    login.path, login.user, login.scheme
                ),
                json!({"path": login.path, "user": login.user, "scheme": login.scheme}),
            ));
        }
    }
    if !snmp.is_empty() {
        out.push(finding(
            "creds.snmp_write",
            ip,
            Some(161),
            format!(
                "SNMP accepts writes with the community {}.",
                snmp.join(" and ")
            ),
            json!({"communities": snmp}),
        ));
    }
    Some(out)
}
