//! Vendor names from the IEEE registries (MA-L, MA-M, MA-S, CID, IAB), embedded as
//! `assets/oui/registry.txt` (each organisation stored once, ~1.6 MB) and parsed on first
//! use, plus a user override file.
use super::error::LoadError;
use crate::model::MacAddr;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

static REGISTRY_TEXT: &str = include_str!("../../assets/oui/registry.txt");

/// Organisation names, and (prefix value, prefix length in hex digits) → name index.
struct Registry {
    names: Vec<&'static str>,
    prefixes: HashMap<(u64, u8), u32>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| parse_registry(REGISTRY_TEXT));

fn parse_registry(text: &'static str) -> Registry {
    let mut lines = text.lines().skip(1);
    let names: Vec<&str> = lines.by_ref().take_while(|l| *l != "%%").collect();
    let mut prefixes = HashMap::with_capacity(60_000);
    for line in lines {
        let Some((hex, idx)) = line.split_once('\t') else {
            continue;
        };
        if let (Ok(value), Ok(idx)) = (u64::from_str_radix(hex, 16), idx.parse::<u32>()) {
            prefixes.insert((value, hex.len() as u8), idx);
        }
    }
    Registry { names, prefixes }
}

/// The registered organisation for a MAC, longest (most specific) block first.
fn registry_lookup(mac: &MacAddr) -> Option<&'static str> {
    let value = mac.0.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let reg = &*REGISTRY;
    [9u8, 7, 6].iter().find_map(|len| {
        let prefix = value >> (4 * (12 - u32::from(*len)));
        reg.prefixes
            .get(&(prefix, *len))
            .and_then(|i| reg.names.get(*i as usize).copied())
    })
}

/// Words that say nothing about who made a device.
const NOISE: &[&str] = &[
    "co",
    "ltd",
    "inc",
    "corp",
    "corporation",
    "company",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "bv",
    "kg",
    "plc",
    "srl",
    "spa",
    "pty",
    "oy",
    "ab",
    "as",
    "technology",
    "technologies",
    "tech",
    "electronics",
    "electronic",
    "international",
    "intl",
    "group",
    "holding",
    "holdings",
    "the",
    "and",
    "of",
    "de",
    "hangzhou",
    "shenzhen",
    "beijing",
    "shanghai",
    "zhejiang",
    "guangdong",
    "guangzhou",
    "xiamen",
    "suzhou",
    "dongguan",
    "nanjing",
    "chengdu",
    "wuhan",
    "taiwan",
];

/// Lower-case words without punctuation or corporate and place noise:
/// "Hangzhou Hikvision Digital Technology Co.,Ltd." → "hikvision";
/// "TP-LINK TECHNOLOGIES CO.,LTD." → "tp link".
pub fn normalize(vendor: &str) -> String {
    let lower = vendor.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .collect();
    words.join(" ")
}

/// True when `wanted` (already normalised) appears in `vendor` as whole words.
pub fn matches(normalized_vendor: &str, wanted: &str) -> bool {
    let padded = format!(" {normalized_vendor} ");
    padded.contains(&format!(" {wanted} "))
}

/// MAC → organisation, honouring the user's own prefixes first.
#[derive(Default, Clone, Debug)]
pub struct VendorLookup {
    /// Upper-case hex prefix (6, 7 or 9 digits) → organisation.
    overrides: HashMap<String, String>,
}

impl VendorLookup {
    /// Reads `$BIGR_HOME/oui-overrides.csv` (`PREFIX,Organisation` per line; `#` comments)
    /// when it exists. A malformed line is an error naming the line.
    pub fn load(home: Option<&Path>) -> Result<Self, LoadError> {
        let mut lookup = VendorLookup::default();
        let Some(path) = home.map(|h| h.join("oui-overrides.csv")) else {
            return Ok(lookup);
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(lookup),
            Err(e) => {
                return Err(LoadError::Unreadable {
                    reason: e.to_string(),
                    path,
                });
            }
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || LoadError::Vendors {
                path: path.clone(),
                line: n + 1,
                reason: "expected PREFIX,Organisation (PREFIX = 6, 7 or 9 hex digits)".into(),
            };
            let (prefix, org) = line.split_once(',').ok_or_else(bad)?;
            let prefix: String = prefix
                .trim()
                .chars()
                .filter(|c| !matches!(c, ':' | '-' | '.'))
                .collect::<String>()
                .to_uppercase();
            if ![6, 7, 9].contains(&prefix.len())
                || !prefix.chars().all(|c| c.is_ascii_hexdigit())
                || org.trim().is_empty()
            {
                return Err(bad());
            }
            lookup.overrides.insert(prefix, org.trim().to_string());
        }
        Ok(lookup)
    }

    /// The organisation behind a MAC; None for randomized (locally administered) MACs,
    /// which belong to no vendor.
    pub fn lookup(&self, mac: &MacAddr) -> Option<String> {
        if mac.is_locally_administered() {
            return None;
        }
        let hex: String = mac.0.iter().map(|b| format!("{b:02X}")).collect();
        for len in [9, 7, 6] {
            if let Some(org) = self.overrides.get(&hex[..len]) {
                return Some(org.clone());
            }
        }
        registry_lookup(mac).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_corporate_names() {
        // City and corporate words go; "digital" stays, or "Western Digital" would be "western".
        let hik = normalize("Hangzhou Hikvision Digital Technology Co.,Ltd.");
        assert_eq!(hik, "hikvision digital");
        assert!(matches(&hik, "hikvision"));
        assert!(matches(&normalize("Western Digital"), "western digital"));
        assert!(!matches(
            &normalize("Western Reserve Controls"),
            "western digital"
        ));
        assert_eq!(normalize("TP-LINK TECHNOLOGIES CO.,LTD."), "tp link");
        assert_eq!(normalize("Cisco Systems, Inc"), "cisco systems");
        assert!(matches(&normalize("Cisco Systems, Inc"), "cisco"));
        assert!(!matches(&normalize("Ciscom Ltd"), "cisco"));
    }

    #[test]
    fn looks_up_every_registry_size_and_skips_randomized_macs() {
        let l = VendorLookup::default();
        let hik: MacAddr = "54:8c:81:12:34:56".parse().unwrap();
        assert!(l.lookup(&hik).unwrap().contains("Hikvision"));
        // MA-M (28-bit) block.
        let mam: MacAddr = "b8:4c:87:40:00:01".parse().unwrap();
        assert_eq!(l.lookup(&mam).as_deref(), Some("Blum Novotest GmbH"));
        let random: MacAddr = "da:a1:19:00:00:01".parse().unwrap();
        assert_eq!(l.lookup(&random), None);
    }

    #[test]
    fn user_overrides_win_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("oui-overrides.csv"),
            "# ours\n548C81,Lobby Cameras Inc\n",
        )
        .unwrap();
        let l = VendorLookup::load(Some(dir.path())).unwrap();
        assert_eq!(
            l.lookup(&"54:8c:81:00:00:01".parse().unwrap()).as_deref(),
            Some("Lobby Cameras Inc")
        );
        std::fs::write(dir.path().join("oui-overrides.csv"), "548C81 Lobby\n").unwrap();
        assert!(
            VendorLookup::load(Some(dir.path()))
                .unwrap_err()
                .to_string()
                .contains("line 1")
        );
    }
}
