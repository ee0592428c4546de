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

/// The name `assets/ports.txt` gives a port (`PORT # name: description`), for open ports
/// no protocol probe named.
pub fn table_name(port: u16) -> Option<&'static str> {
    static NAMES: std::sync::LazyLock<std::collections::HashMap<u16, &'static str>> =
        std::sync::LazyLock::new(|| {
            DEFAULT_LIST
                .lines()
                .filter_map(|line| {
                    let (value, comment) = line.split_once('#')?;
                    let port = value.trim().parse::<u16>().ok()?;
                    let name = comment.split(':').next()?.trim();
                    let name = name.split_whitespace().next()?;
                    Some((port, name))
                })
                .collect()
        });
    NAMES.get(&port).copied()
}

/// Gives every unnamed service the port table's name, marked `port_only` (a guess from the
/// number, weaker than a protocol that answered).
pub fn name_from_table(services: &mut [crate::model::Service]) {
    for s in services.iter_mut().filter(|s| s.name.is_none()) {
        if let Some(name) = table_name(s.port) {
            s.name = Some(name.to_string());
            s.port_only = true;
        }
    }
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
    fn every_default_port_has_a_table_name() {
        for p in default_ports() {
            let name = table_name(p).unwrap_or_else(|| panic!("{p} has no name"));
            assert!(!name.is_empty() && !name.contains(' '), "{p}: {name}");
        }
        assert_eq!(table_name(445), Some("smb"));
        assert_eq!(table_name(9100), Some("jetdirect"));
        assert_eq!(table_name(554), Some("rtsp"));
        assert_eq!(table_name(8000), Some("http-alt"));
        assert_eq!(table_name(1), None);
    }

    #[test]
    fn only_unnamed_services_get_a_port_only_name() {
        let svc = |port, name: Option<&str>| crate::model::Service {
            port,
            protocol: "tcp".into(),
            name: name.map(str::to_string),
            product: None,
            version: None,
            banner: None,
            http_title: None,
            http_server: None,
            tls: false,
            port_only: false,
        };
        let mut list = vec![svc(3389, None), svc(22, Some("ssh")), svc(40000, None)];
        name_from_table(&mut list);
        assert_eq!(
            (list[0].name.as_deref(), list[0].port_only),
            (Some("rdp"), true)
        );
        assert_eq!(
            (list[1].name.as_deref(), list[1].port_only),
            (Some("ssh"), false)
        );
        assert_eq!((list[2].name.as_deref(), list[2].port_only), (None, false));
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
