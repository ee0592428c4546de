//! Alert e-mail: a plain-text message in Turkish or English, sent over SMTP with STARTTLS or
//! TLS and authentication (lettre). A relay with an internal CA is trusted through the
//! channel's own CA certificate; nothing else is accepted unverified.
use crate::store::alerts::channels::{MailSecurity, SmtpSettings};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde_json::Value;
use std::time::Duration;

fn kind_label(kind: &str, tr: bool) -> &str {
    match (kind, tr) {
        ("new_device", true) => "Yeni cihaz",
        ("device_missing", true) => "Cihaz kayıp",
        ("risky_port", true) => "Riskli port açıldı",
        ("cert_expiring", true) => "Sertifikanın süresi doluyor",
        ("agent_down", true) => "Ajan yanıt vermiyor",
        ("shield_finding", true) => "Shield bulgusu",
        ("scan_partial", true) => "Tarama eksik tamamlandı",
        ("address_conflict", true) => "Adres çakışması",
        ("scan_failed", true) => "Tarama başarısız",
        ("grade_drop", true) => "Uyum notu düştü",
        ("digest", true) => "Özet",
        ("test", true) => "Deneme iletisi",
        ("new_device", false) => "New device",
        ("device_missing", false) => "Device missing",
        ("risky_port", false) => "Risky port opened",
        ("cert_expiring", false) => "Certificate expiring",
        ("agent_down", false) => "Agent down",
        ("shield_finding", false) => "Shield finding",
        ("scan_partial", false) => "Partial scan",
        ("address_conflict", false) => "Address conflict",
        ("scan_failed", false) => "Scan failed",
        ("grade_drop", false) => "Compliance grade dropped",
        ("digest", false) => "Digest",
        ("test", false) => "Test message",
        (other, _) => other,
    }
}

fn severity_label(s: &str, tr: bool) -> String {
    let t = match (s, tr) {
        ("critical", true) => "kritik",
        ("high", true) => "yüksek",
        ("medium", true) => "orta",
        ("low", true) => "düşük",
        ("info", true) => "bilgi",
        (other, _) => other,
    };
    t.to_string()
}

fn event_label(e: &str, tr: bool) -> &str {
    match (e, tr) {
        ("opened", true) => "Açıldı",
        ("resolved", true) => "Çözüldü",
        ("reopened", true) => "Yeniden açıldı (dalgalanıyor)",
        ("test", true) => "Deneme",
        ("digest", true) => "Özet",
        ("opened", false) => "Opened",
        ("resolved", false) => "Resolved",
        ("reopened", false) => "Back again (flapping)",
        ("test", false) => "Test",
        (other, _) => other,
    }
}

/// What an alert is about, in either language: its address or agent when it has one.
fn about(a: &Value) -> String {
    a["detail"]["ip"]
        .as_str()
        .or_else(|| a["detail"]["agent"].as_str())
        .or_else(|| a["title"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Turkish capitals keep the dot: bilgi → BİLGİ, not BILGI.
fn upper(s: &str, turkish: bool) -> String {
    if turkish {
        s.replace('i', "İ").to_uppercase()
    } else {
        s.to_uppercase()
    }
}

/// A digest: one line per message it carries.
fn compose_digest(payload: &Value, turkish: bool) -> (String, String) {
    let a = &payload["alert"];
    let d = &payload["digest"];
    let count = d["count"].as_u64().unwrap_or(0);
    let severity = severity_label(a["severity"].as_str().unwrap_or("info"), turkish);
    let site = a["site"].as_str().unwrap_or("");
    let (what, since, more) = if turkish {
        ("uyarı iletisi", "Dönem", "ileti daha")
    } else {
        ("alert messages", "Period", "more")
    };
    let subject = format!(
        "[bigr] [{}] {}: {count} {what} — site {site}",
        upper(&severity, turkish),
        kind_label("digest", turkish)
    );
    let mut body = format!(
        "{since}: {} → {}\n\n",
        d["since"].as_str().unwrap_or(""),
        d["until"].as_str().unwrap_or("")
    );
    for item in super::format::digest_items(payload) {
        let i = &item["alert"];
        body.push_str(&format!(
            "- [{}] {}: {}: {} — {} (site {})\n",
            upper(
                &severity_label(i["severity"].as_str().unwrap_or("info"), turkish),
                turkish
            ),
            event_label(item["event"].as_str().unwrap_or(""), turkish),
            kind_label(i["kind"].as_str().unwrap_or(""), turkish),
            about(i),
            i["title"].as_str().unwrap_or(""),
            i["site"].as_str().unwrap_or("")
        ));
    }
    if let Some(n) = d["more"].as_u64().filter(|n| *n > 0) {
        body.push_str(&format!("… +{n} {more}\n"));
    }
    (subject, body)
}

/// Subject and body of the message for one outbox payload.
pub fn compose(payload: &Value, turkish: bool) -> (String, String) {
    if payload["event"] == "digest" {
        return compose_digest(payload, turkish);
    }
    let a = &payload["alert"];
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let kind = s(&a["kind"]);
    let event = s(&payload["event"]);
    let severity = severity_label(a["severity"].as_str().unwrap_or("info"), turkish);
    let about = about(a);
    let prefix = if event == "resolved" {
        if turkish {
            "Çözüldü: "
        } else {
            "Resolved: "
        }
    } else {
        ""
    };
    let upper = upper(&severity, turkish);
    let subject = format!(
        "[bigr] [{upper}] {prefix}{}: {about} — site {}",
        kind_label(&kind, turkish),
        s(&a["site"])
    );
    let (l_event, l_kind, l_sev, l_title, l_opened, l_times, l_detail, l_key, l_footer) = if turkish
    {
        (
            "Olay",
            "Tür",
            "Önem",
            "Başlık",
            "Açılış",
            "Kaç kez",
            "Ayrıntılar",
            "Tekrar anahtarı",
            "Bu ileti bigr tarafından gönderildi; aynı tekrar anahtarıyla gelen ikinci bir ileti aynı olaydır.",
        )
    } else {
        (
            "Event",
            "Kind",
            "Severity",
            "Title",
            "Opened",
            "Occurrences",
            "Detail",
            "Idempotency key",
            "Sent by bigr; a second message with the same idempotency key is the same event.",
        )
    };
    let mut body = format!(
        "{l_event}: {}\n{l_kind}: {}\n{l_sev}: {severity}\nSite: {}\n{l_title}: {}\n{l_opened}: {}\n{l_times}: {}\n",
        event_label(&event, turkish),
        kind_label(&kind, turkish),
        s(&a["site"]),
        s(&a["title"]),
        s(&a["opened_at"]),
        a["occurrences"]
    );
    if let Some(detail) = a["detail"].as_object().filter(|d| !d.is_empty()) {
        body.push_str(&format!("{l_detail}:\n"));
        for (k, v) in detail {
            if !v.is_null() {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                body.push_str(&format!("  {k}: {v}\n"));
            }
        }
    }
    body.push_str(&format!(
        "\n{l_key}: {}\n{l_footer}\n",
        s(&payload["idempotency_key"])
    ));
    (subject, body)
}

/// Sends one alert message; blocking, bounded by `timeout`. Errors name the relay, never the
/// password.
pub fn send(smtp: &SmtpSettings, payload: &Value, timeout: Duration) -> Result<(), String> {
    let relay = format!("{}:{}", smtp.host, smtp.port());
    let (subject, body) = compose(payload, smtp.lang.as_deref() != Some("en"));
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| format!("sender {}: {e}", smtp.from))?;
    let mut msg = Message::builder().from(from).subject(subject);
    for to in &smtp.to {
        msg = msg.to(to.parse().map_err(|e| format!("recipient {to}: {e}"))?);
    }
    let msg = msg
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("message: {e}"))?;
    let tls = || -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(smtp.host.clone());
        if let Some(pem) = &smtp.ca_pem {
            let cert = Certificate::from_pem(pem.as_bytes()).map_err(|e| format!("CA: {e}"))?;
            b = b.add_root_certificate(cert);
        }
        b.build().map_err(|e| format!("{relay}: TLS: {e}"))
    };
    let mut t = SmtpTransport::builder_dangerous(smtp.host.as_str())
        .port(smtp.port())
        .timeout(Some(timeout));
    t = match smtp.security {
        MailSecurity::Starttls => t.tls(Tls::Required(tls()?)),
        MailSecurity::Tls => t.tls(Tls::Wrapper(tls()?)),
        MailSecurity::None => t.tls(Tls::None),
    };
    if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
        t = t.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    t.build().send(&msg).map(|_| ()).map_err(|e| {
        // lettre's errors carry the server's answer, never our credentials.
        let text = e.to_string();
        let text = match &smtp.password {
            Some(p) if !p.is_empty() => text.replace(p.as_str(), "…"),
            _ => text,
        };
        format!("{relay}: {text}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn turkish_and_english_messages_name_the_alert() {
        let p = json!({"event": "opened", "idempotency_key": "k-1", "alert": {
            "kind": "new_device", "severity": "high", "site": "İzmir şube",
            "title": "New device 10.0.0.7 (Apple)", "opened_at": "2026-12-04T10:00:00Z",
            "occurrences": 1, "detail": {"ip": "10.0.0.7", "vendor": "Apple", "mac": null}}});
        let (subject, body) = compose(&p, true);
        assert_eq!(
            subject,
            "[bigr] [YÜKSEK] Yeni cihaz: 10.0.0.7 — site İzmir şube"
        );
        assert!(
            body.contains("Önem: yüksek") && body.contains("  vendor: Apple"),
            "{body}"
        );
        assert!(!body.contains("mac:"), "null details are left out: {body}");
        assert!(body.contains("Tekrar anahtarı: k-1"));
        let (subject, _) = compose(&p, false);
        assert_eq!(
            subject,
            "[bigr] [HIGH] New device: 10.0.0.7 — site İzmir şube"
        );
    }

    #[test]
    fn a_digest_mail_lists_each_message_in_turkish() {
        let item = json!({"event": "opened", "alert": {"kind": "device_missing",
            "severity": "medium", "site": "İzmir şube", "title": "Device missing",
            "detail": {"ip": "10.0.0.9"}}});
        let t = chrono::Utc::now();
        let d = crate::store::alerts::digest::payload(
            uuid::Uuid::nil(),
            "d",
            "İzmir şube",
            &[item.clone(), item],
            t,
            t,
        );
        let (subject, body) = compose(&d, true);
        assert_eq!(
            subject,
            "[bigr] [ORTA] Özet: 2 uyarı iletisi — site İzmir şube"
        );
        assert_eq!(
            body.matches(
                "- [ORTA] Açıldı: Cihaz kayıp: 10.0.0.9 — Device missing (site İzmir şube)"
            )
            .count(),
            2,
            "{body}"
        );
    }
}
