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
        "digest" => "Digest: ",
        _ => "",
    };
    format!(
        "[{}] {prefix}{} — site {}",
        a["severity"].as_str().unwrap_or("info").to_uppercase(),
        a["title"].as_str().unwrap_or(""),
        a["site"].as_str().unwrap_or("")
    )
}

/// The messages a digest carries (none for any other message).
pub fn digest_items(payload: &Value) -> &[Value] {
    payload["digest"]["items"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A digest's headline and one line per message it lists; any other message's headline.
fn text(payload: &Value) -> String {
    let mut out = headline(payload);
    for item in digest_items(payload) {
        out.push_str("\n• ");
        out.push_str(&headline(item));
    }
    if let Some(more) = payload["digest"]["more"].as_u64().filter(|n| *n > 0) {
        out.push_str(&format!("\n… and {more} more"));
    }
    out
}

/// Slack incoming webhook body.
pub fn slack(payload: &Value) -> Value {
    json!({ "text": text(payload) })
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
        "text": text(payload).split_once('\n').map_or("", |(_, rest)| rest).replace('\n', "<br>"),
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

/// The syslog lines of a message: one per message a digest carries (a SIEM wants each
/// event on its own), else one.
pub fn syslog_lines(
    payload: &Value,
    hostname: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    match digest_items(payload) {
        [] => vec![syslog(payload, hostname, now)],
        items => items.iter().map(|i| syslog(i, hostname, now)).collect(),
    }
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
    fn digests_list_their_messages_on_every_channel() {
        let mut second = sample();
        second["alert"]["title"] = json!("Yeni cihaz 10.0.0.8");
        let items = vec![sample(), second];
        let t = chrono::Utc::now();
        let d =
            crate::store::alerts::digest::payload(uuid::Uuid::nil(), "d1", "ofis", &items, t, t);
        let slack_text = slack(&d)["text"].as_str().unwrap().to_string();
        assert!(slack_text.starts_with("[HIGH] Digest: 2 alert messages (2 new device)"));
        assert!(
            slack_text.contains("\n• [HIGH] Yeni cihaz 10.0.0.8"),
            "{slack_text}"
        );
        assert!(teams(&d)["text"].as_str().unwrap().contains("<br>"));
        let lines = syslog_lines(&d, "h", t);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("Yeni cihaz 10.0.0.8"));
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
