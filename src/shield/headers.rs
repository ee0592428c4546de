//! The `headers` module: the security headers of a web answer, version leaks, cookie flags.
use super::catalog::finding;
use super::http::{self, Answer, Request};
use super::net::{Budget, Unreached};
use crate::model::shield::Finding;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;

/// Plain-HTTP ports the module asks (TLS ports come from the `tls` list).
pub const PORTS: [u16; 8] = [80, 8080, 8000, 8008, 8081, 8888, 5000, 9000];

pub enum Outcome {
    Assessed(Vec<Finding>),
    NotHttp,
    Unreached(Unreached),
}

/// A version in a product token: `nginx/1.18.0`, `Apache/2.4.57 (Debian)`, `IIS 10.0`.
fn has_version(value: &str) -> bool {
    let b = value.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
        || value
            .split('/')
            .skip(1)
            .any(|v| v.starts_with(|c: char| c.is_ascii_digit()))
}

/// Findings on one answer; `tls` says whether it came over HTTPS.
pub fn judge(ip: IpAddr, port: u16, tls: bool, a: &Answer) -> Vec<Finding> {
    let mut out = Vec::new();
    let scheme = if tls { "https" } else { "http" };
    let mut push = |id: &str, description: String, evidence: serde_json::Value| {
        out.push(finding(id, ip, Some(port), description, evidence))
    };
    let redirect = (300..400).contains(&a.status);
    let csp = a.header("content-security-policy");
    if !redirect {
        if tls && a.header("strict-transport-security").is_none() {
            push(
                "headers.hsts_missing",
                "The HTTPS answer has no Strict-Transport-Security header.".into(),
                json!({"scheme": scheme, "status": a.status}),
            );
        }
        let missing = |name: &str| a.header(name).is_none();
        if csp.is_none() {
            push(
                "headers.csp_missing",
                format!("The {scheme} answer has no Content-Security-Policy."),
                json!({"scheme": scheme, "status": a.status}),
            );
        }
        let frame_ancestors =
            csp.is_some_and(|c| c.to_ascii_lowercase().contains("frame-ancestors"));
        if missing("x-frame-options") && !frame_ancestors {
            push(
                "headers.frame_options_missing",
                "Neither X-Frame-Options nor a CSP frame-ancestors directive: pages can be framed."
                    .into(),
                json!({"scheme": scheme}),
            );
        }
        if !a
            .header("x-content-type-options")
            .is_some_and(|v| v.eq_ignore_ascii_case("nosniff"))
        {
            push(
                "headers.content_type_options_missing",
                "X-Content-Type-Options: nosniff is not sent.".into(),
                json!({"value": a.header("x-content-type-options")}),
            );
        }
        if missing("referrer-policy") {
            push(
                "headers.referrer_policy_missing",
                "No Referrer-Policy header.".into(),
                json!({"scheme": scheme}),
            );
        }
        if missing("permissions-policy") && missing("feature-policy") {
            push(
                "headers.permissions_policy_missing",
                "No Permissions-Policy header.".into(),
                json!({"scheme": scheme}),
            );
        }
    }
    if let Some(server) = a.header("server").filter(|s| has_version(s)) {
        push(
            "headers.server_version",
            format!("Server: {server}"),
            json!({"server": server}),
        );
    }
    if let Some(p) = a.header("x-powered-by") {
        push(
            "headers.powered_by",
            format!("X-Powered-By: {p}"),
            json!({"x_powered_by": p}),
        );
    }
    let mut weak_cookies = Vec::new();
    for cookie in a.all("set-cookie") {
        let name = cookie.split('=').next().unwrap_or("").trim().to_string();
        let attrs: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|p| p.trim().to_ascii_lowercase())
            .collect();
        let has = |flag: &str| {
            attrs
                .iter()
                .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
        };
        let mut lacks = Vec::new();
        if tls && !has("secure") {
            lacks.push("Secure");
        }
        if !has("httponly") {
            lacks.push("HttpOnly");
        }
        if !has("samesite") {
            lacks.push("SameSite");
        }
        if !lacks.is_empty() {
            weak_cookies.push(json!({"cookie": name, "lacks": lacks}));
        }
    }
    if !weak_cookies.is_empty() {
        push(
            "headers.cookie_flags",
            format!(
                "{} cookie(s) set without protective flags.",
                weak_cookies.len()
            ),
            json!({"cookies": weak_cookies}),
        );
    }
    out
}

/// GETs / on ip:port and judges the answer.
pub async fn assess(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    tls: bool,
    name: Option<&str>,
) -> Outcome {
    let host = name.map(str::to_string).unwrap_or_else(|| match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    });
    let req = Request {
        method: "GET",
        path: "/",
        host: &host,
        tls,
        authorization: None,
    };
    match http::fetch(budget, recording, ip, port, &req, false).await {
        Err(e) => Outcome::Unreached(e),
        Ok(None) => Outcome::NotHttp,
        Ok(Some(answer)) => Outcome::Assessed(judge(ip, port, tls, &answer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Answer {
        Answer {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    fn ids(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.check_id.as_deref().unwrap()).collect()
    }

    #[test]
    fn versions_are_told_from_product_names() {
        assert!(has_version("nginx/1.18.0"));
        assert!(has_version("Apache/2.4.57 (Debian)"));
        assert!(has_version("Microsoft-IIS/10.0"));
        assert!(!has_version("nginx"));
        assert!(!has_version("Apache"));
        assert!(!has_version("cloudflare"));
    }

    #[test]
    fn redirects_are_judged_only_on_leaks_and_cookies() {
        let ip = "10.0.0.1".parse().unwrap();
        let f = judge(
            ip,
            80,
            false,
            &answer(
                301,
                &[("server", "nginx/1.2.3"), ("location", "https://x/")],
            ),
        );
        assert_eq!(ids(&f), ["headers.server_version"]);
    }

    #[test]
    fn frame_ancestors_in_csp_counts_as_clickjacking_protection() {
        let ip = "10.0.0.1".parse().unwrap();
        let f = judge(
            ip,
            443,
            true,
            &answer(
                200,
                &[
                    (
                        "content-security-policy",
                        "default-src 'self'; frame-ancestors 'none'",
                    ),
                    ("strict-transport-security", "max-age=63072000"),
                    ("x-content-type-options", "nosniff"),
                    ("referrer-policy", "no-referrer"),
                    ("permissions-policy", "camera=()"),
                    ("set-cookie", "sid=1; Secure; HttpOnly; SameSite=Lax"),
                ],
            ),
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
