//! Agents registered before the typed `scan:` section kept `bigr scan` flags as strings
//! (`scan_options: ["--top-ports", "100", "--no-mdns"]`). They are read once, here, into
//! `ScanSettings`, and the file is rewritten in the typed form; nothing parses flags per
//! cycle any more.
use crate::scan::request::ScanSettings;

/// The flags an agent's scan could take; output and storage flags never applied to agents.
pub fn settings_from_flags(flags: &[String]) -> Result<ScanSettings, String> {
    let mut s = ScanSettings::default();
    let mut words = flags.iter().map(String::as_str);
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => words
                    .next()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        let number = |name: &str, text: String| -> Result<u64, String> {
            text.trim()
                .parse()
                .map_err(|_| format!("{name} wants a number, not '{text}'"))
        };
        match flag {
            "--ports" | "-p" => s.ports = Some(value(flag)?),
            "--top-ports" => s.top_ports = Some(number(flag, value(flag)?)? as usize),
            "--exclude" => s.exclude.extend(
                value(flag)?
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            "--force" => s.force = true,
            "--rate" => {
                s.rate = u32::try_from(number(flag, value(flag)?)?)
                    .map_err(|_| "--rate is too large".to_string())?
            }
            "--max-concurrency" => s.max_concurrency = number(flag, value(flag)?)?,
            "--timeout-ms" => s.timeout_ms = number(flag, value(flag)?)?,
            "--no-dns" | "-n" => s.reverse_dns = false,
            "--no-mdns" => s.mdns = false,
            "--no-snmp" => s.snmp = false,
            "--no-netbios" => s.netbios = false,
            "--no-ssdp" => s.ssdp = false,
            "--no-dhcp" => s.dhcp = false,
            "--no-llmnr" => s.llmnr = false,
            "--no-ipv6" => s.ipv6 = false,
            // What an agent never did anyway: it never stores locally and never prints.
            "--no-save" => {}
            other => return Err(format!("'{other}' is not a scan setting an agent can use")),
        }
    }
    s.check().map_err(|e| e.to_string())?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn every_scan_flag_maps_onto_its_setting() {
        let s = settings_from_flags(&flags(&[
            "--top-ports",
            "10",
            "--no-mdns",
            "-n",
            "--no-snmp",
            "--timeout-ms=300",
            "--exclude",
            "10.0.0.1,10.0.0.2",
            "--rate",
            "50",
            "--max-concurrency",
            "64",
            "--force",
        ]))
        .unwrap();
        assert_eq!(s.top_ports, Some(10));
        assert!(!s.mdns && !s.reverse_dns && !s.snmp && s.force);
        assert_eq!((s.timeout_ms, s.rate, s.max_concurrency), (300, 50, 64));
        assert_eq!(s.exclude, ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(
            settings_from_flags(&flags(&["-p", "22,80"])).unwrap().ports,
            Some("22,80".into())
        );
        assert_eq!(settings_from_flags(&[]).unwrap(), ScanSettings::default());
    }

    #[test]
    fn unknown_flags_missing_values_and_bad_numbers_are_named() {
        for (words, names) in [
            (vec!["--bogus"], "--bogus"),
            (vec!["--json"], "--json"),
            (vec!["--rate"], "--rate needs a value"),
            (vec!["--rate", "fast"], "'fast'"),
            (vec!["--rate", "0"], "rate"),
            (vec!["--ports", "22", "--top-ports", "5"], "ports"),
        ] {
            let e = settings_from_flags(&flags(&words)).unwrap_err();
            assert!(e.contains(names), "{words:?}: {e}");
        }
    }
}
