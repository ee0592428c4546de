//! What each channel receives for one outbox message.
use serde_json::{Value, json};

/// The headline: "[HIGH] New device 10.0.0.7 (Apple) — site office".
pub fn headline(payload: &Value) -> String {
    let a = &payload["alert"];
    let event = payload["event"].as_str().unwrap_or("");
    let prefix = match event {
        "resolved" => "Resolved: ",
        "reopened" => "Back again (flapping): ",
        "test" => "Test: ",
        _ => "",
    };
    format!(
        "[{}] {prefix}{} — site {}",
        a["severity"].as_str().unwrap_or("info").to_uppercase(),
        a["title"].as_str().unwrap_or(""),
        a["site"].as_str().unwrap_or("")
    )
}

/// Slack incoming webhook body.
pub fn slack(payload: &Value) -> Value {
    json!({ "text": headline(payload) })
}

/// Microsoft Teams incoming webhook body (a message card; Workflows webhooks accept it too).
pub fn teams(payload: &Value) -> Value {
    let a = &payload["alert"];
    let color = match a["severity"].as_str() {
        Some("critical") => "B00020",
        Some("high") => "E65100",
        Some("medium") => "F9A825",
        _ => "607D8B",
    };
    json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": a["title"],
        "themeColor": color,
        "title": headline(payload),
        "sections": [{
            "facts": [
                {"name": "Kind", "value": a["kind"]},
                {"name": "Site", "value": a["site"]},
                {"name": "Opened", "value": a["opened_at"]},
                {"name": "Occurrences", "value": a["occurrences"]},
            ]
        }]
    })
}

/// RFC 5424 severity of an alert severity.
fn syslog_severity(s: &str) -> u8 {
    match s {
        "critical" => 2,
        "high" => 3,
        "medium" => 4,
        "low" => 5,
        _ => 6,
    }
}

/// A structured-data parameter value, escaped as RFC 5424 §6.3.3 asks.
fn sd_escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(']', "\\]")
}

/// One RFC 5424 message (facility local0), e.g.
/// `<163>1 2026-12-04T10:00:00Z host bigr - alert [bigr@32473 kind="…" …] [HIGH] …`.
pub fn syslog(payload: &Value, hostname: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let a = &payload["alert"];
    let pri = 16 * 8 + syslog_severity(a["severity"].as_str().unwrap_or("info"));
    let field = |v: &Value| sd_escape(v.as_str().unwrap_or(""));
    let host: String = hostname
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    format!(
        "<{pri}>1 {} {} bigr - alert [bigr@32473 event=\"{}\" kind=\"{}\" severity=\"{}\" site=\"{}\" id=\"{}\" key=\"{}\"] {}",
        now.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
        if host.is_empty() { "-".into() } else { host },
        field(&payload["event"]),
        field(&a["kind"]),
        field(&a["severity"]),
        field(&a["site"]),
        field(&a["id"]),
        field(&payload["idempotency_key"]),
        headline(payload).replace(['\r', '\n'], " ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({"event": "opened", "idempotency_key": "k1", "alert": {
            "id": "a1", "kind": "new_device", "severity": "high", "site": "ofis \"1\"]",
            "title": "Yeni cihaz 10.0.0.7 (Çağrı'nın telefonu)", "occurrences": 1}})
    }

    #[test]
    fn syslog_lines_follow_rfc_5424() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .to_utc();
        let line = syslog(&sample(), "bigr-1", now);
        // local0 (16) × 8 + error (3).
        assert!(
            line.starts_with("<131>1 2026-12-04T10:00:00.000Z bigr-1 bigr - alert [bigr@32473 "),
            "{line}"
        );
        assert!(line.contains(r#"site="ofis \"1\"\]""#), "{line}");
        assert!(
            line.ends_with("[HIGH] Yeni cihaz 10.0.0.7 (Çağrı'nın telefonu) — site ofis \"1\"]"),
            "{line}"
        );
    }

    #[test]
    fn resolved_and_flapping_messages_say_so() {
        let mut p = sample();
        p["event"] = json!("resolved");
        assert!(headline(&p).starts_with("[HIGH] Resolved: "));
        p["event"] = json!("reopened");
        assert!(slack(&p)["text"].as_str().unwrap().contains("flapping"));
        assert_eq!(teams(&p)["themeColor"], "E65100");
    }
}
