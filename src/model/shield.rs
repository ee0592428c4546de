//! `ShieldReport`: what an agent's security checks found, as it travels to the server. Every
//! field the agent sends has a column (the earlier system dropped `description`).
use super::ReportError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use uuid::Uuid;

/// Upper bounds on one shield report.
pub mod limits {
    pub const FINDINGS: usize = 10_000;
    pub const MODULES: usize = 64;
    pub const TITLE: usize = 512;
    pub const TEXT: usize = 16_384;
    pub const EVIDENCE_BYTES: usize = 16_384;
    /// Hosts a report may say it assessed (a /16 of hosts, as scan reports allow).
    pub const HOSTS: usize = 65_536;
    pub const NOT_ASSESSED: usize = 10_000;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    /// The name stored, sent and shown (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Quick,
    Standard,
    Deep,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Quick => "quick",
            Preset::Standard => "standard",
            Preset::Deep => "deep",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShieldReport {
    /// Chosen by the agent: a re-sent report is stored once.
    pub id: Uuid,
    pub target: String,
    pub preset: Preset,
    /// The modules that ran.
    #[serde(default)]
    pub modules: Vec<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// 0–100 over the modules that ran.
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub grade: Option<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The hosts checked and which modules reached them: a finding of such a module on such a
    /// host that this report does not repeat is resolved.
    #[serde(default)]
    pub hosts: Vec<AssessedHost>,
    /// What could not be assessed and why (unreachable, refused, timed out): never a finding.
    #[serde(default)]
    pub not_assessed: Vec<NotAssessed>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessedHost {
    #[schema(value_type = String)]
    pub ip: IpAddr,
    pub modules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotAssessed {
    /// `ip`, `ip:port` or a name.
    pub target: String,
    #[serde(default)]
    pub module: Option<String>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Stable id of the check (`tls.protocol.tls10`); the remediation text is looked up by it.
    #[serde(default)]
    pub check_id: Option<String>,
    pub module: String,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub remediation: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub target_ip: Option<IpAddr>,
    #[serde(default)]
    pub port: Option<u16>,
    /// Free-form details of what was seen: a JSON object, or absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub evidence: serde_json::Value,
    #[serde(default)]
    pub cve_id: Option<String>,
    #[serde(default)]
    pub cvss_score: Option<f64>,
    /// MITRE ATT&CK technique, e.g. T1190.
    #[serde(default)]
    pub attack_technique: Option<String>,
    /// FIRST EPSS probability of exploitation in the next 30 days (0–1).
    #[serde(default)]
    pub epss: Option<f64>,
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    #[serde(default)]
    pub kev: Option<bool>,
}

/// A check id: lower-case words joined by dots (`tls.cert.expired`).
pub fn valid_check_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

fn too_long(field: String, value: &str, max: usize) -> Result<(), ReportError> {
    if value.chars().count() > max {
        return Err(ReportError::new(
            field,
            format!("longer than {max} characters"),
        ));
    }
    Ok(())
}

impl ShieldReport {
    /// Parses and validates; errors name the field (`findings[3].severity`).
    pub fn from_json(bytes: &[u8]) -> Result<ShieldReport, ReportError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let report: ShieldReport =
            serde_path_to_error::deserialize(&mut *de).map_err(ReportError::from_serde)?;
        de.end()
            .map_err(|_| ReportError::new(".", "data after the JSON value"))?;
        if let Some(field) = super::nul::nul_field(bytes) {
            return Err(ReportError::new(field, "contains a NUL character"));
        }
        report.validate()?;
        Ok(report)
    }

    pub fn validate(&self) -> Result<(), ReportError> {
        use limits::*;
        if self.target.trim().is_empty() {
            return Err(ReportError::new("target", "must not be empty"));
        }
        too_long("target".into(), &self.target, 1024)?;
        if self.modules.len() > MODULES {
            return Err(ReportError::new(
                "modules",
                format!("at most {MODULES} entries"),
            ));
        }
        for (i, m) in self.modules.iter().enumerate() {
            too_long(format!("modules[{i}]"), m, 32)?;
        }
        if self.findings.len() > FINDINGS {
            return Err(ReportError::new(
                "findings",
                format!("at most {FINDINGS} entries"),
            ));
        }
        if let Some(done) = self.completed_at
            && done < self.started_at
        {
            return Err(ReportError::new(
                "completed_at",
                "is earlier than started_at",
            ));
        }
        if let Some(s) = self.score
            && !(s.is_finite() && (0.0..=100.0).contains(&s))
        {
            return Err(ReportError::new("score", "must be between 0 and 100"));
        }
        if let Some(g) = &self.grade {
            too_long("grade".into(), g, 4)?;
        }
        if self.hosts.len() > HOSTS {
            return Err(ReportError::new(
                "hosts",
                format!("at most {HOSTS} entries"),
            ));
        }
        for (i, h) in self.hosts.iter().enumerate() {
            if h.modules.len() > MODULES {
                return Err(ReportError::new(
                    format!("hosts[{i}].modules"),
                    format!("at most {MODULES} entries"),
                ));
            }
            for (j, m) in h.modules.iter().enumerate() {
                too_long(format!("hosts[{i}].modules[{j}]"), m, 32)?;
            }
        }
        if self.not_assessed.len() > NOT_ASSESSED {
            return Err(ReportError::new(
                "not_assessed",
                format!("at most {NOT_ASSESSED} entries"),
            ));
        }
        for (i, n) in self.not_assessed.iter().enumerate() {
            too_long(format!("not_assessed[{i}].target"), &n.target, 1024)?;
            too_long(format!("not_assessed[{i}].reason"), &n.reason, TITLE)?;
            if let Some(m) = &n.module {
                too_long(format!("not_assessed[{i}].module"), m, 32)?;
            }
        }
        for (i, f) in self.findings.iter().enumerate() {
            let at = |name: &str| format!("findings[{i}].{name}");
            if f.module.trim().is_empty() {
                return Err(ReportError::new(at("module"), "must not be empty"));
            }
            too_long(at("module"), &f.module, 32)?;
            too_long(at("title"), &f.title, TITLE)?;
            too_long(at("description"), &f.description, TEXT)?;
            too_long(at("remediation"), &f.remediation, TEXT)?;
            if let Some(c) = &f.cve_id {
                too_long(at("cve_id"), c, 32)?;
            }
            if let Some(t) = &f.attack_technique {
                too_long(at("attack_technique"), t, 32)?;
            }
            if let Some(s) = f.cvss_score
                && !(s.is_finite() && (0.0..=10.0).contains(&s))
            {
                return Err(ReportError::new(
                    at("cvss_score"),
                    "must be between 0 and 10",
                ));
            }
            if let Some(id) = &f.check_id
                && !valid_check_id(id)
            {
                return Err(ReportError::new(
                    at("check_id"),
                    "must be lower-case words joined by dots, at most 64 characters",
                ));
            }
            if let Some(p) = f.epss
                && !(p.is_finite() && (0.0..=1.0).contains(&p))
            {
                return Err(ReportError::new(at("epss"), "must be between 0 and 1"));
            }
            if f.port == Some(0) {
                return Err(ReportError::new(at("port"), "port 0 is not a port"));
            }
            if !(f.evidence.is_object() || f.evidence.is_null()) {
                return Err(ReportError::new(at("evidence"), "must be a JSON object"));
            }
            if serde_json::to_vec(&f.evidence).map_or(0, |v| v.len()) > EVIDENCE_BYTES {
                return Err(ReportError::new(
                    at("evidence"),
                    format!("larger than {EVIDENCE_BYTES} bytes"),
                ));
            }
            // PostgreSQL text cannot hold NUL; refuse rather than fail at the database.
            if [&f.title, &f.description, &f.remediation, &f.module]
                .iter()
                .any(|s| s.contains('\0'))
            {
                return Err(ReportError::new(at("title"), "contains a NUL character"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> serde_json::Value {
        serde_json::json!({
            "id": "0193a1b2-0000-7000-8000-000000000001",
            "target": "10.0.0.0/24",
            "preset": "quick",
            "modules": ["tls", "headers"],
            "started_at": "2026-11-20T10:00:00Z",
            "completed_at": "2026-11-20T10:01:00Z",
            "score": 72.5,
            "grade": "C",
            "findings": [{
                "module": "headers", "severity": "medium", "title": "CSP missing",
                "description": "no Content-Security-Policy", "remediation": "add one",
                "target_ip": "10.0.0.5", "port": 443, "evidence": {"header": null},
                "attack_technique": "T1190", "cvss_score": 5.3
            }]
        })
    }

    #[test]
    fn a_full_report_parses_with_every_field() {
        let r = ShieldReport::from_json(sample().to_string().as_bytes()).unwrap();
        assert_eq!(r.findings[0].description, "no Content-Security-Policy");
        assert_eq!(r.findings[0].port, Some(443));
        assert_eq!(r.findings[0].attack_technique.as_deref(), Some("T1190"));
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                "/findings/0/severity",
                serde_json::json!("urgent"),
                "findings[0].severity",
            ),
            (
                "/findings/0/target_ip",
                serde_json::json!("10.0.0"),
                "findings[0].target_ip",
            ),
            ("/findings/0/port", serde_json::json!(0), "findings[0].port"),
            (
                "/findings/0/cvss_score",
                serde_json::json!(11.0),
                "findings[0].cvss_score",
            ),
            ("/score", serde_json::json!(-1), "score"),
            ("/target", serde_json::json!(" "), "target"),
        ];
        for (pointer, value, field) in cases {
            let mut doc = sample();
            *doc.pointer_mut(pointer).unwrap() = value;
            let e = ShieldReport::from_json(doc.to_string().as_bytes()).unwrap_err();
            assert_eq!(e.field, field, "{pointer}: {e}");
        }
    }
}
