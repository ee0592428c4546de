//! Certificate problems of one TLS endpoint, from the chain the server sent.
use crate::model::shield::Finding;
use crate::shield::catalog::finding;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::net::IpAddr;
use x509_parser::prelude::*;

const EXPIRY_WARNING_DAYS: i64 = 30;

/// Signature algorithms no longer accepted for certificates (SHA-1 and MD5 families).
const WEAK_SIGNATURES: [(&str, &str); 5] = [
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10040.4.3", "dsa-with-sha1"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.3.14.3.2.29", "sha1WithRSA (OIW)"),
];

/// Whether `name` is covered by the certificate pattern `pattern` (one `*` as the whole
/// left-most label, matching exactly one label, as RFC 6125 allows).
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.to_ascii_lowercase(), name.to_ascii_lowercase());
    let name = name.trim_end_matches('.');
    let pattern = pattern.trim_end_matches('.');
    match pattern.strip_prefix("*.") {
        Some(rest) => name
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest && rest.contains('.')),
        None => pattern == name,
    }
}

/// Findings on the chain served at ip:port (leaf first). `name` is the host name clients use,
/// when known: without one there is no name to mismatch.
pub fn assess(
    ip: IpAddr,
    port: u16,
    name: Option<&str>,
    chain: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(Ok((_, leaf))) = chain.first().map(|der| parse_x509_certificate(der)) else {
        return out;
    };
    let subject = leaf.subject().to_string();
    let not_after = DateTime::<Utc>::from_timestamp(leaf.validity().not_after.timestamp(), 0);
    let base = json!({"subject": subject, "issuer": leaf.issuer().to_string()});
    let with = |extra: serde_json::Value| {
        let mut e = base.clone();
        if let (Some(e), Some(x)) = (e.as_object_mut(), extra.as_object()) {
            e.extend(x.clone());
        }
        e
    };
    if let Some(end) = not_after {
        let days = (end - now).num_days();
        if end < now {
            out.push(finding(
                "tls.cert.expired",
                ip,
                Some(port),
                format!(
                    "The certificate of {subject} expired on {}.",
                    end.date_naive()
                ),
                with(json!({"not_after": end})),
            ));
        } else if days <= EXPIRY_WARNING_DAYS {
            out.push(finding(
                "tls.cert.expiring",
                ip,
                Some(port),
                format!(
                    "The certificate of {subject} expires in {days} days ({}).",
                    end.date_naive()
                ),
                with(json!({"not_after": end, "days_left": days})),
            ));
        }
    }
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();
    if self_signed {
        out.push(finding(
            "tls.cert.self_signed",
            ip,
            Some(port),
            format!("The certificate of {subject} is signed by itself; clients cannot verify it."),
            with(json!({})),
        ));
    }
    match leaf.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) if k.key_size() < 2048 => out.push(finding(
            "tls.cert.weak_key",
            ip,
            Some(port),
            format!("RSA key of {} bits (2048 is the minimum).", k.key_size()),
            with(json!({"key_type": "RSA", "key_bits": k.key_size()})),
        )),
        Ok(x509_parser::public_key::PublicKey::EC(k)) if k.key_size() < 256 => out.push(finding(
            "tls.cert.weak_key",
            ip,
            Some(port),
            format!("EC key of {} bits (256 is the minimum).", k.key_size()),
            with(json!({"key_type": "EC", "key_bits": k.key_size()})),
        )),
        _ => {}
    }
    let sig_oid = leaf.signature_algorithm.algorithm.to_id_string();
    if let Some((_, sig_name)) = WEAK_SIGNATURES.iter().find(|(oid, _)| *oid == sig_oid) {
        out.push(finding(
            "tls.cert.sha1_signature",
            ip,
            Some(port),
            format!("The certificate is signed with {sig_name}."),
            with(json!({"signature_algorithm": sig_name})),
        ));
    }
    if let Some(name) = name {
        let mut names: Vec<String> = Vec::new();
        if let Ok(Some(san)) = leaf.subject_alternative_name() {
            for n in &san.value.general_names {
                if let GeneralName::DNSName(d) = n {
                    names.push(d.to_string());
                }
            }
        }
        if names.is_empty() {
            names.extend(
                leaf.subject()
                    .iter_common_name()
                    .filter_map(|cn| cn.as_str().ok().map(str::to_string)),
            );
        }
        if !names.iter().any(|p| name_matches(p, name)) {
            out.push(finding(
                "tls.cert.name_mismatch",
                ip,
                Some(port),
                format!(
                    "Clients ask for {name}; the certificate names {}.",
                    names.join(", ")
                ),
                with(json!({"asked": name, "certificate_names": names})),
            ));
        }
    }
    if !self_signed {
        let issuer = leaf.issuer().as_raw();
        let has_issuer = chain[1..].iter().any(|der| {
            parse_x509_certificate(der).is_ok_and(|(_, c)| c.subject().as_raw() == issuer)
        });
        if !has_issuer {
            out.push(finding(
                "tls.cert.incomplete_chain",
                ip,
                Some(port),
                format!(
                    "The server sent {} certificate(s) without the one that issued the leaf.",
                    chain.len()
                ),
                with(json!({"chain_length": chain.len()})),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(name_matches("*.example.com", "www.example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(!name_matches("*.com", "example.com"));
        assert!(name_matches("NAS.lan", "nas.LAN."));
        assert!(!name_matches("nas.lan", "nas2.lan"));
    }
}
