//! Which TCP ports a scan probes: the curated default list (`assets/ports.txt`, most telling
//! first), the top N of it, an explicit `--ports` set, or none (discovery only).
use crate::model::PortSet;

static DEFAULT_LIST: &str = include_str!("../../assets/ports.txt");

/// The default ports in order of usefulness, without duplicates.
pub fn default_ports() -> Vec<u16> {
    let mut out: Vec<u16> = Vec::new();
    for line in DEFAULT_LIST.lines() {
        let value = line.split('#').next().unwrap_or("").trim();
        if let Ok(p) = value.parse::<u16>()
            && p != 0
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

/// Resolves `--ports` / `--top-ports` to the set to probe. `--ports none` means discovery only.
pub fn select(ports: Option<&str>, top: Option<usize>) -> Result<PortSet, String> {
    match (ports.map(str::trim), top) {
        (Some(_), Some(_)) => Err("give either --ports or --top-ports, not both".into()),
        (Some("none"), None) => Ok(PortSet::default()),
        (Some("default") | None, None) => Ok(PortSet::from_ports(default_ports())),
        (Some(list), None) => {
            let set: PortSet = list.parse()?;
            if set.is_empty() {
                return Err("--ports names no port (use --ports none for discovery only)".into());
            }
            Ok(set)
        }
        (None, Some(0)) => Err("--top-ports must be at least 1".into()),
        (None, Some(n)) => Ok(PortSet::from_ports(default_ports().into_iter().take(n))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_is_about_a_hundred_distinct_lan_ports() {
        let ports = default_ports();
        assert!((90..=120).contains(&ports.len()), "{}", ports.len());
        assert_eq!(&ports[..3], [80, 443, 22]);
        for p in [9100, 554, 62078, 8291, 3306, 5000] {
            assert!(ports.contains(&p), "{p}");
        }
    }

    #[test]
    fn selection_forms() {
        assert_eq!(select(Some("none"), None).unwrap().len(), 0);
        assert_eq!(select(None, Some(3)).unwrap().to_string(), "22,80,443");
        assert_eq!(select(Some("22,1000-1002"), None).unwrap().len(), 4);
        assert_eq!(select(None, None).unwrap().len(), default_ports().len());
        assert!(select(Some("22"), Some(5)).is_err());
        assert!(select(None, Some(0)).is_err());
        assert!(
            select(Some("http"), None)
                .unwrap_err()
                .contains("not a port")
        );
        assert!(select(Some(" , "), None).is_err());
    }
}
