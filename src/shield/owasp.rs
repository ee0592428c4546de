//! The `owasp` module (intrusive, opt-in, never on fragile devices): what a web server gives
//! away to anyone who asks the right path — a `.git/` directory, a `.env` file, backup copies,
//! directory listings, TRACE, default admin pages — and whether it redirects to or reflects
//! what a visitor sends. Every request is a GET (TRACE once) with a harmless marker; nothing
//! exploits, writes or logs in.
use super::catalog::finding;
use super::http::{self, Answer, Request};
use super::net::Budget;
use crate::model::shield::Finding;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;

/// A host no one owns (RFC 2606): where an open redirect would send a visitor.
const CANARY_HOST: &str = "bigr-canary.invalid";
/// Query parameters redirect endpoints commonly take.
const REDIRECT_PARAMS: [&str; 4] = ["url", "next", "redirect", "return"];
/// Admin pages of common products; a 200 or an authentication prompt means one is there.
const ADMIN_PATHS: [&str; 5] = [
    "/admin/",
    "/phpmyadmin/",
    "/manager/html",
    "/wp-admin/",
    "/administrator/",
];
const BACKUP_PATHS: [&str; 4] = ["/backup.zip", "/backup.sql", "/index.php.bak", "/db.sql"];

struct Web<'a> {
    budget: &'a Budget,
    recording: &'a Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    tls: bool,
    host: String,
}

impl Web<'_> {
    async fn send(&self, method: &str, path: &str) -> Option<Answer> {
        let req = Request {
            method,
            path,
            host: &self.host,
            tls: self.tls,
            authorization: None,
        };
        http::fetch(self.budget, self.recording, self.ip, self.port, &req, true)
            .await
            .ok()
            .flatten()
    }

    async fn get(&self, path: &str) -> Option<Answer> {
        self.send("GET", path).await
    }
}

fn body_text(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).to_string()
}

/// A page that is really there: 200 and not the same page the server gives for anything
/// (soft 404s answer 200 to every path).
fn found(a: &Option<Answer>, soft404: &Option<Answer>) -> bool {
    let Some(a) = a else { return false };
    a.status == 200
        && !a.body.is_empty()
        && soft404
            .as_ref()
            .is_none_or(|s| s.status != 200 || s.body != a.body)
}

/// Findings on the web server at ip:port.
pub async fn assess(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    tls: bool,
    name: Option<&str>,
) -> Option<Vec<Finding>> {
    let web = Web {
        budget,
        recording,
        ip,
        port,
        tls,
        host: name.map(str::to_string).unwrap_or_else(|| ip.to_string()),
    };
    let marker = format!("bigr{:08x}", uuid::Uuid::new_v4().as_u128() as u32);
    // A path that cannot exist: what this server answers for a missing page.
    let soft404 = web.get(&format!("/{marker}-missing")).await;
    soft404.as_ref()?;
    let mut out = Vec::new();
    let mut push = |id: &str, description: String, evidence: serde_json::Value| {
        out.push(finding(id, ip, Some(port), description, evidence))
    };
    let trace_path = format!("/{marker}");
    let (git, env, root, trace) = tokio::join!(
        web.get("/.git/HEAD"),
        web.get("/.env"),
        web.get("/"),
        web.send("TRACE", &trace_path),
    );
    if found(&git, &soft404)
        && git
            .as_ref()
            .is_some_and(|a| body_text(a).starts_with("ref: "))
    {
        push(
            "owasp.git_exposed",
            "/.git/HEAD is served: the repository (and its history) can be downloaded.".into(),
            json!({"path": "/.git/HEAD"}),
        );
    }
    if found(&env, &soft404)
        && env.as_ref().is_some_and(|a| {
            body_text(a)
                .lines()
                .any(|l| l.contains('=') && !l.contains('<'))
        })
    {
        push(
            "owasp.env_exposed",
            "/.env is served: it usually holds passwords and keys.".into(),
            json!({"path": "/.env"}),
        );
    }
    for path in BACKUP_PATHS {
        if found(&web.get(path).await, &soft404) {
            push(
                "owasp.backup_exposed",
                format!("{path} is served."),
                json!({"path": path}),
            );
            break;
        }
    }
    if let Some(r) = &root
        && r.status == 200
        && (body_text(r).contains("Index of /") || body_text(r).contains("Directory listing for /"))
    {
        push(
            "owasp.directory_listing",
            "The server lists the files of a directory.".into(),
            json!({"path": "/"}),
        );
    }
    if let Some(t) = &trace
        && t.status == 200
        && body_text(t).contains(&format!("TRACE /{marker}"))
    {
        push(
            "owasp.trace_enabled",
            "TRACE is answered with the request echoed back.".into(),
            json!({"method": "TRACE"}),
        );
    }
    for path in ADMIN_PATHS {
        let a = web.get(path).await;
        let prompt = a
            .as_ref()
            .is_some_and(|a| a.status == 401 && a.header("www-authenticate").is_some());
        if found(&a, &soft404) || prompt {
            push(
                "owasp.admin_page",
                format!("An administration page answers at {path}."),
                json!({"path": path, "status": a.map(|a| a.status)}),
            );
            break;
        }
    }
    for param in REDIRECT_PARAMS {
        let path = format!("/?{param}=https://{CANARY_HOST}/{marker}");
        if let Some(a) = web.get(&path).await
            && (300..400).contains(&a.status)
            && a.header("location")
                .is_some_and(|l| l.contains(CANARY_HOST))
        {
            push(
                "owasp.open_redirect",
                format!("/?{param}= redirects visitors to any site."),
                json!({"parameter": param, "location": a.header("location")}),
            );
            break;
        }
    }
    // A marker with markup characters: reflected as sent, it would run as markup.
    let probe = format!("<{marker}>");
    if let Some(a) = web.get(&format!("/?q=%3C{marker}%3E")).await
        && body_text(&a).contains(&probe)
    {
        push(
            "owasp.reflected_input",
            "A query parameter comes back in the page unescaped.".into(),
            json!({"parameter": "q", "marker": probe}),
        );
    }
    Some(out)
}
