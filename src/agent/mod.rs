//! The site agent: `bigr agent register|start|stop|status`. It scans like `bigr scan`, keeps
//! every report in a durable offline queue until the server has it, and heartbeats on its
//! own timer. The server side (enrollment, ingest) lives in `server` and `store`.
pub mod backoff;
pub mod client;
pub mod config;
pub mod daemon;
pub mod pidfile;
pub mod private;
pub mod queue;
pub mod status;

use crate::cli::ScanArgs;
use clap::Parser;
use std::time::Duration;

#[derive(Parser)]
#[command(no_binary_name = true)]
struct ScanLine {
    #[command(flatten)]
    scan: ScanArgs,
}

/// The `bigr scan` arguments of an agent cycle: its targets and extra flags, never stored
/// locally (the server stores).
pub fn scan_args(targets: &[String], options: &[String]) -> Result<ScanArgs, String> {
    let mut line: Vec<String> = options.to_vec();
    line.push("--no-save".into());
    line.push("--".into());
    line.extend(targets.iter().cloned());
    ScanLine::try_parse_from(&line)
        .map(|l| l.scan)
        .map_err(|e| format!("invalid scan options {options:?}: {}", e.kind()))
}

/// Parses `90s`, `5m`, `1h`, `7d` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid duration '{text}' (e.g. 90s, 5m, 1h, 7d)"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("invalid duration '{text}' (e.g. 90s, 5m, 1h, 7d)")),
    };
    if secs == 0 {
        return Err(format!("duration '{text}' must be above zero"));
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_duration("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse_duration("15").unwrap(), Duration::from_secs(15));
        for bad in ["", "0s", "5x", "m", "-5m", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scan_args_take_targets_and_options_but_never_save() {
        let a = scan_args(
            &["127.0.0.1".into()],
            &["--top-ports".into(), "20".into(), "--no-mdns".into()],
        )
        .unwrap();
        assert_eq!(a.targets, vec!["127.0.0.1"]);
        assert_eq!(a.top_ports, Some(20));
        assert!(a.no_mdns && a.no_save);
        // A target that looks like a flag stays a target.
        assert!(scan_args(&["--json".into()], &[]).unwrap().targets == vec!["--json"]);
        assert!(scan_args(&[], &["--bogus".into()]).is_err());
    }
}
