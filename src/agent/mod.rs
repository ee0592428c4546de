//! The site agent: `bigr agent register|start|stop|status`. It scans like `bigr scan`, keeps
//! every report in a durable offline queue until the server has it, and heartbeats on its
//! own timer. It shares the scan library (`scan::request`) and the wire types
//! (`model::agent_api`) with the rest, and never imports the command line. The server side
//! (enrollment, ingest) lives in `server` and `store`.
pub mod backoff;
pub mod beat;
pub mod client;
pub mod commands;
pub mod config;
pub mod cycle;
pub mod daemon;
pub mod error;
pub mod launcher;
mod legacy;
pub mod orders;
pub mod pidfile;
pub mod private;
pub mod queue;
pub mod register;
pub mod site_copy;
pub mod status;
pub mod update;

use std::time::Duration;

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
}
