//! What `bigr scan` shows: a live progress line on a terminal, then the host table (or JSON,
//! or CSV), the diff against the previous scan and, on request, the evidence per host.
use super::labels::{self, Lang, Noun};
use crate::cli::ScanArgs;
use crate::model::{AssetObservation, ConfidenceLevel, ScanReport};
use crate::scan::progress::Progress;
use comfy_table::{Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The live status line; hidden when stderr is not a terminal.
pub struct Bar {
    bar: ProgressBar,
    ticker: tokio::task::JoinHandle<()>,
}

impl Bar {
    pub fn finish(self) {
        self.ticker.abort();
        self.bar.finish_and_clear();
    }
}

pub fn progress_bar(addresses: usize, progress: Arc<Progress>) -> Bar {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let shown = bar.clone();
    let ticker = tokio::spawn(async move {
        loop {
            let s = progress.snapshot();
            shown.set_message(format!(
                "{addresses} addresses · {} probes · {} hosts found · {} ports open",
                s.probes, s.hosts_found, s.ports_open
            ));
            shown.tick();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    Bar { bar, ticker }
}

/// Writes the chosen rendering to stdout or `--output`; `changes` is the diff against the
/// previous scan, already rendered, when the scan was stored.
pub fn write(
    args: &ScanArgs,
    report: &ScanReport,
    changes: Option<&str>,
    lang: Lang,
) -> anyhow::Result<()> {
    let mut text = if args.json {
        serde_json::to_string_pretty(report)? + "\n"
    } else if args.csv {
        csv(report)
    } else {
        let mut t = table(report, lang);
        t.push_str(&summary(report, lang));
        if let Some(changes) = changes {
            t.push_str(changes);
        }
        t
    };
    let explained: String = args
        .explain
        .iter()
        .filter_map(|ip| ip.parse::<IpAddr>().ok())
        .map(|ip| explain(report, ip, lang))
        .collect();
    let machine = args.json || args.csv;
    if !machine {
        text.push_str(&explained);
    }
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    // Machine output stays parseable: explanations go to stderr.
    if machine && !explained.is_empty() {
        eprint!("{explained}");
    }
    Ok(())
}

fn level(a: &AssetObservation) -> &'static str {
    ConfidenceLevel::from_score(a.confidence).as_str()
}

fn table(report: &ScanReport, lang: Lang) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(vec![
        "IP",
        "MAC",
        "VENDOR",
        "HOSTNAME",
        "GROUP",
        "TYPE",
        "CONFIDENCE",
        "PORTS",
    ]);
    for a in &report.assets {
        t.add_row(vec![
            a.ip.to_string(),
            a.mac.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
            a.vendor.clone().unwrap_or_else(|| "-".into()),
            a.hostname.clone().unwrap_or_else(|| "-".into()),
            labels::group(a.category, lang).to_string(),
            a.device_type.as_str().to_string(),
            format!(
                "{:.2} {}",
                a.confidence,
                labels::confidence(ConfidenceLevel::from_score(a.confidence), lang)
            ),
            super::output::ports(&a.open_ports),
        ]);
    }
    format!("{t}\n")
}

fn summary(report: &ScanReport, lang: Lang) -> String {
    let ports: usize = report.assets.iter().map(|a| a.open_ports.len()).sum();
    let secs = report
        .completed_at
        .map(|end| (end - report.started_at).num_milliseconds() as f64 / 1000.0)
        .unwrap_or_default();
    format!(
        "\n{}, {}, {} in {secs:.1} s (scan {})\n",
        labels::count(report.assets.len(), Noun::Host, lang),
        labels::count(ports, Noun::OpenPort, lang),
        labels::count(report.certificates.len(), Noun::Certificate, lang),
        report.id
    )
}

fn explain(report: &ScanReport, ip: IpAddr, lang: Lang) -> String {
    let Some(a) = report.assets.iter().find(|a| a.ip == ip) else {
        return format!("\n{ip}: not found by this scan\n");
    };
    let mut out = format!(
        "\n{ip}: {} / {}, confidence {:.2} ({}), sensitivity {}{}\n",
        labels::group(a.category, lang),
        a.device_type.as_str(),
        a.confidence,
        level(a),
        a.sensitivity.as_str(),
        a.os_hint
            .as_deref()
            .map(|os| format!(", OS {os}"))
            .unwrap_or_default()
    );
    explain_identity(&mut out, a);
    if a.evidence.is_empty() {
        out.push_str("  no evidence: nothing observed matched a rule\n");
    }
    for e in &a.evidence {
        // Banners and HTTP heads span lines; one evidence entry stays on one.
        let value = e.value.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(
            out,
            "  {:<28} {:<32} {:<16} {:<12} weight {:.2}",
            e.rule,
            value,
            e.category.map(|c| c.as_str()).unwrap_or("-"),
            e.device_type.map(|d| d.as_str()).unwrap_or("-"),
            e.weight
        );
    }
    out
}

/// The names with their sources, what the device says it is, and every service with the
/// way it was named.
fn explain_identity(out: &mut String, a: &crate::model::AssetObservation) {
    if a.names.is_empty() {
        out.push_str("  names: none seen\n");
    }
    for n in &a.names {
        let chosen = if a.hostname.as_deref() == Some(n.name.as_str()) {
            "  (hostname)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  name  {:<40} from {}{chosen}",
            n.name,
            n.source.as_str()
        );
    }
    for v6 in &a.ipv6 {
        let _ = writeln!(out, "  ipv6  {v6}");
    }
    if let Some(d) = &a.device_info {
        for (field, value) in d.fields() {
            if let Some(v) = value {
                let _ = writeln!(out, "  says  {field:<17} {v}");
            }
        }
    }
    for s in &a.services {
        let how = if s.port_only {
            "port table"
        } else if s.name.is_some() {
            "protocol"
        } else {
            "unnamed"
        };
        let software = [s.product.as_deref(), s.version.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "  port  {:<6} {:<14} {:<32} named by {how}",
            s.port,
            s.name.as_deref().unwrap_or("?"),
            software
        );
    }
}

/// One row per host; fields quoted when they hold a comma, quote or line break.
fn csv(report: &ScanReport) -> String {
    let mut out = String::from(
        "ip,mac,vendor,hostname,category,device_type,confidence,confidence_level,os_hint,open_ports\n",
    );
    for a in &report.assets {
        let fields = [
            a.ip.to_string(),
            a.mac.map(|m| m.to_string()).unwrap_or_default(),
            a.vendor.clone().unwrap_or_default(),
            a.hostname.clone().unwrap_or_default(),
            a.category.as_str().to_string(),
            a.device_type.as_str().to_string(),
            format!("{:.2}", a.confidence),
            level(a).to_string(),
            a.os_hint.clone().unwrap_or_default(),
            a.open_ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(f: &str) -> String {
    // A leading =, +, - or @ would run as a formula in a spreadsheet: network-sourced names
    // must not.
    let f = if f.starts_with(['=', '+', '-', '@']) {
        format!("'{f}")
    } else {
        f.to_string()
    };
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
