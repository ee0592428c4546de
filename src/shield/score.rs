//! Shield's scores, as DOMAIN.md defines them: each module starts at 100 and loses 25 / 15 / 8
//! / 3 per critical / high / medium / low finding (floor 0); the overall score is the mean of
//! the modules that ran, weighted tls 20, ports 20, cve 25, headers 10, dns 10, creds 10,
//! owasp 5. The server recomputes both from the findings: a sender's score is never trusted.
use crate::model::shield::{Finding, Severity};
use std::collections::BTreeMap;

pub fn weight(module: &str) -> f64 {
    match module {
        "tls" | "ports" => 20.0,
        "cve" => 25.0,
        "headers" | "dns" | "creds" => 10.0,
        "owasp" => 5.0,
        _ => 0.0,
    }
}

fn penalty(s: Severity) -> f64 {
    match s {
        Severity::Critical => 25.0,
        Severity::High => 15.0,
        Severity::Medium => 8.0,
        Severity::Low => 3.0,
        Severity::Info => 0.0,
    }
}

/// Score of each module that ran (a module that ran and found nothing scores 100).
pub fn module_scores(ran: &[String], findings: &[Finding]) -> BTreeMap<String, f64> {
    let mut scores: BTreeMap<String, f64> = ran
        .iter()
        .filter(|m| weight(m) > 0.0)
        .map(|m| (m.clone(), 100.0))
        .collect();
    for f in findings {
        if let Some(s) = scores.get_mut(&f.module) {
            *s = (*s - penalty(f.severity)).max(0.0);
        }
    }
    scores
}

/// The weighted mean over the modules that ran, rounded to one decimal; None when no scored
/// module ran (nothing was assessed, which is not a score of 0).
pub fn overall(modules: &BTreeMap<String, f64>) -> Option<f64> {
    let total: f64 = modules.keys().map(|m| weight(m)).sum();
    if total == 0.0 {
        return None;
    }
    let sum: f64 = modules.iter().map(|(m, s)| weight(m) * s).sum();
    Some((sum / total * 10.0).round() / 10.0)
}

pub fn grade(score: f64) -> &'static str {
    match score {
        s if s >= 95.0 => "A+",
        s if s >= 90.0 => "A",
        s if s >= 85.0 => "B+",
        s if s >= 75.0 => "B",
        s if s >= 70.0 => "C+",
        s if s >= 60.0 => "C",
        s if s >= 40.0 => "D",
        _ => "F",
    }
}

/// Score and grade of a report's findings over the modules that ran.
pub fn of(ran: &[String], findings: &[Finding]) -> (Option<f64>, Option<&'static str>) {
    let score = overall(&module_scores(ran, findings));
    (score, score.map(grade))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shield::catalog::finding;
    use serde_json::Value;

    fn f(id: &str) -> Finding {
        finding(
            id,
            "10.0.0.1".parse().unwrap(),
            Some(443),
            String::new(),
            Value::Null,
        )
    }

    #[test]
    fn module_scores_lose_points_per_severity_and_stop_at_zero() {
        let ran = vec!["tls".to_string(), "headers".to_string()];
        // tls: critical 25 + high 15 + medium 8 = 48 off; headers: 5 × medium = 40 off.
        let mut findings = vec![
            f("tls.cert.expired"),
            f("tls.protocol.tls10"),
            f("tls.protocol.tls11"),
        ];
        findings.extend((0..5).map(|_| f("headers.csp_missing")));
        let scores = module_scores(&ran, &findings);
        assert_eq!(scores["tls"], 52.0);
        assert_eq!(scores["headers"], 60.0);
        // Weighted 20 : 10.
        assert_eq!(
            overall(&scores),
            Some(((52.0 * 20.0 + 60.0 * 10.0) / 30.0 * 10.0_f64).round() / 10.0)
        );
        let many: Vec<_> = (0..9).map(|_| f("tls.cert.expired")).collect();
        assert_eq!(module_scores(&ran, &many)["tls"], 0.0);
    }

    #[test]
    fn findings_of_modules_that_did_not_run_do_not_count_and_nothing_run_is_no_score() {
        let ran = vec!["tls".to_string()];
        assert_eq!(of(&ran, &[f("ports.telnet")]), (Some(100.0), Some("A+")));
        assert_eq!(of(&[], &[f("ports.telnet")]), (None, None));
    }

    #[test]
    fn grades_have_the_documented_edges() {
        let edges = [
            (95.0, "A+"),
            (94.9, "A"),
            (90.0, "A"),
            (85.0, "B+"),
            (75.0, "B"),
            (70.0, "C+"),
            (60.0, "C"),
            (40.0, "D"),
            (39.9, "F"),
        ];
        for (s, g) in edges {
            assert_eq!(grade(s), g, "{s}");
        }
    }
}
