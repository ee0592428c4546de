//! Admin pages behind HTTP Basic or Digest (RFC 7616) authentication, tried with defaults.
use super::{DEFAULTS, MAX_ATTEMPTS, locked_out};
use crate::shield::http::{self, Answer, Request};
use crate::shield::net::Budget;
use base64::Engine;
use md5::Digest as _;
use std::net::IpAddr;
use std::sync::Arc;

/// Pages that ask for a password on common devices.
const LOGIN_PATHS: [&str; 3] = ["/", "/admin/", "/manager/html"];

/// A default that opened a page: where, how, and with which user.
pub struct WebLogin {
    pub path: &'static str,
    pub scheme: &'static str,
    pub user: &'static str,
}

/// A Digest challenge, as the server sent it.
#[derive(Debug, Default, PartialEq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    /// "auth" when the server offers it (the only protection quality tried).
    qop_auth: bool,
    sha256: bool,
    session: bool,
}

/// The parameters of a `WWW-Authenticate: Digest …` header; None for another scheme or an
/// algorithm this module does not speak.
fn parse_digest(header: &str) -> Option<Challenge> {
    let rest = header
        .trim_start()
        .strip_prefix("Digest ")
        .or_else(|| header.trim_start().strip_prefix("digest "))?;
    let mut c = Challenge::default();
    let mut algorithm = String::from("MD5");
    for (key, value) in params(rest) {
        match key.to_ascii_lowercase().as_str() {
            "realm" => c.realm = value,
            "nonce" => c.nonce = value,
            "opaque" => c.opaque = Some(value),
            "qop" => c.qop_auth = value.split(',').any(|q| q.trim() == "auth"),
            "algorithm" => algorithm = value,
            _ => {}
        }
    }
    let algorithm = algorithm.to_ascii_uppercase();
    c.session = algorithm.ends_with("-SESS");
    c.sha256 = match algorithm.trim_end_matches("-SESS") {
        "MD5" => false,
        "SHA-256" => true,
        _ => return None,
    };
    (!c.nonce.is_empty()).then_some(c)
}

/// `key=value, key="quoted, value"` pairs.
fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ',' || c.is_whitespace()).is_some() {}
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if chars.next().is_none() {
            return out;
        }
        let value = if chars.next_if_eq(&'"').is_some() {
            let mut v = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => v.extend(chars.next()),
                    '"' => break,
                    c => v.push(c),
                }
            }
            v
        } else {
            std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect::<String>()
        };
        out.push((key.trim().to_string(), value.trim().to_string()));
    }
}

fn hex_hash(sha256: bool, text: &str) -> String {
    let bytes: Vec<u8> = if sha256 {
        ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
            .as_ref()
            .to_vec()
    } else {
        md5::Md5::digest(text.as_bytes()).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Authorization header answering `c` for GET `uri` (RFC 7616 §3.4.1).
fn digest_authorization(c: &Challenge, uri: &str, user: &str, pass: &str, cnonce: &str) -> String {
    let h = |t: &str| hex_hash(c.sha256, t);
    let mut ha1 = h(&format!("{user}:{}:{pass}", c.realm));
    if c.session {
        ha1 = h(&format!("{ha1}:{}:{cnonce}", c.nonce));
    }
    let ha2 = h(&format!("GET:{uri}"));
    let nc = "00000001";
    let response = if c.qop_auth {
        h(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", c.nonce))
    } else {
        h(&format!("{ha1}:{}:{ha2}", c.nonce))
    };
    let algorithm = match (c.sha256, c.session) {
        (false, false) => "MD5",
        (false, true) => "MD5-sess",
        (true, false) => "SHA-256",
        (true, true) => "SHA-256-sess",
    };
    let mut out = format!(
        "Digest username=\"{user}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm={algorithm}, response=\"{response}\"",
        c.realm, c.nonce
    );
    if c.qop_auth {
        out.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(opaque) = &c.opaque {
        out.push_str(&format!(", opaque=\"{opaque}\""));
    }
    out
}

/// The first Digest challenge of an answer this module can answer (servers may offer
/// SHA-256 and MD5 side by side).
fn digest_of(answer: &Answer) -> Option<Challenge> {
    answer.all("www-authenticate").find_map(parse_digest)
}

fn basic_offered(answer: &Answer) -> bool {
    answer
        .all("www-authenticate")
        .any(|h| h.trim_start().to_ascii_lowercase().starts_with("basic"))
}

/// The first default that opens a Basic or Digest prompt on ip:port.
pub async fn default_login(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    tls: bool,
    host: &str,
) -> Option<WebLogin> {
    let ask = |path: &'static str, auth: Option<String>| {
        let host = host.to_string();
        async move {
            let req = Request {
                method: "GET",
                path,
                host: &host,
                tls,
                authorization: auth.as_deref(),
            };
            http::fetch(budget, recording, ip, port, &req, false)
                .await
                .ok()
                .flatten()
        }
    };
    for path in LOGIN_PATHS {
        let Some(mut prompt) = ask(path, None).await else {
            continue;
        };
        if prompt.status != 401 {
            continue;
        }
        let scheme = if digest_of(&prompt).is_some() {
            "digest"
        } else if basic_offered(&prompt) {
            "basic"
        } else {
            continue;
        };
        for (user, pass) in DEFAULTS.iter().take(MAX_ATTEMPTS) {
            let auth = if scheme == "digest" {
                // Each refusal carries a fresh nonce: answer the latest one.
                let challenge = digest_of(&prompt)?;
                let cnonce = crate::model::token::random_hex(8).ok()?;
                digest_authorization(&challenge, path, user, pass, &cnonce)
            } else {
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                format!("Basic {token}")
            };
            let a = ask(path, Some(auth)).await?;
            if a.status == 429 || a.status == 403 || locked_out(&String::from_utf8_lossy(&a.body)) {
                return None;
            }
            if (200..400).contains(&a.status) {
                return Some(WebLogin { path, scheme, user });
            }
            prompt = a;
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7616_example_answers_match() {
        // RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html.
        let header = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let c = parse_digest(header).unwrap();
        assert!(c.sha256 && c.qop_auth && !c.session);
        assert_eq!(c.realm, "http-auth@example.org");
        let auth = digest_authorization(
            &c,
            "/dir/index.html",
            "Mufasa",
            "Circle of Life",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        );
        assert!(
            auth.contains(
                "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""
            ),
            "{auth}"
        );
        let md5 = parse_digest(&header.replace("SHA-256", "MD5")).unwrap();
        let auth = digest_authorization(
            &md5,
            "/dir/index.html",
            "Mufasa",
            "Circle of Life",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        );
        assert!(
            auth.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""),
            "{auth}"
        );
    }

    #[test]
    fn unknown_algorithms_and_other_schemes_are_not_answered() {
        assert!(parse_digest("Basic realm=\"x\"").is_none());
        assert!(parse_digest("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256").is_none());
        assert!(parse_digest("Digest realm=\"x\"").is_none(), "no nonce");
        let c = parse_digest("Digest realm=\"a, b\", nonce=n1, algorithm=MD5-sess").unwrap();
        assert_eq!((c.realm.as_str(), c.nonce.as_str()), ("a, b", "n1"));
        assert!(c.session && !c.sha256 && !c.qop_auth);
    }
}
