//! BİGR asset groups, device types, sensitivity and confidence levels.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The asset group of the BİG guide an asset belongs to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    AgVeSistemler,
    Uygulamalar,
    Iot,
    Tasinabilir,
    #[default]
    Unclassified,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::AgVeSistemler,
        Category::Uygulamalar,
        Category::Iot,
        Category::Tasinabilir,
        Category::Unclassified,
    ];

    /// The stable identifier used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::AgVeSistemler => "ag_ve_sistemler",
            Category::Uygulamalar => "uygulamalar",
            Category::Iot => "iot",
            Category::Tasinabilir => "tasinabilir",
            Category::Unclassified => "unclassified",
        }
    }

    pub fn label_tr(self) -> &'static str {
        match self {
            Category::AgVeSistemler => "Ağ ve Sistemler",
            Category::Uygulamalar => "Uygulamalar",
            Category::Iot => "IoT",
            Category::Tasinabilir => "Taşınabilir Cihazlar",
            Category::Unclassified => "Sınıflandırılmamış",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Category::AgVeSistemler => "Network & Systems",
            Category::Uygulamalar => "Applications",
            Category::Iot => "IoT",
            Category::Tasinabilir => "Portable devices",
            Category::Unclassified => "Unclassified",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown category '{s}' (expected one of: {})",
                    known.join(", ")
                )
            })
    }
}

/// A finer kind of device inside a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceType {
    Router,
    Switch,
    Firewall,
    AccessPoint,
    Server,
    Nas,
    Hypervisor,
    Vm,
    Printer,
    Camera,
    Iot,
    Media,
    Voip,
    Phone,
    Tablet,
    Laptop,
    Desktop,
    #[default]
    Unknown,
}

impl DeviceType {
    pub const ALL: [DeviceType; 18] = [
        DeviceType::Router,
        DeviceType::Switch,
        DeviceType::Firewall,
        DeviceType::AccessPoint,
        DeviceType::Server,
        DeviceType::Nas,
        DeviceType::Hypervisor,
        DeviceType::Vm,
        DeviceType::Printer,
        DeviceType::Camera,
        DeviceType::Iot,
        DeviceType::Media,
        DeviceType::Voip,
        DeviceType::Phone,
        DeviceType::Tablet,
        DeviceType::Laptop,
        DeviceType::Desktop,
        DeviceType::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Router => "router",
            DeviceType::Switch => "switch",
            DeviceType::Firewall => "firewall",
            DeviceType::AccessPoint => "access_point",
            DeviceType::Server => "server",
            DeviceType::Nas => "nas",
            DeviceType::Hypervisor => "hypervisor",
            DeviceType::Vm => "vm",
            DeviceType::Printer => "printer",
            DeviceType::Camera => "camera",
            DeviceType::Iot => "iot",
            DeviceType::Media => "media",
            DeviceType::Voip => "voip",
            DeviceType::Phone => "phone",
            DeviceType::Tablet => "tablet",
            DeviceType::Laptop => "laptop",
            DeviceType::Desktop => "desktop",
            DeviceType::Unknown => "unknown",
        }
    }
}

impl fmt::Display for DeviceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeviceType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeviceType::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("unknown device type '{s}'"))
    }
}

/// How gently an asset must be probed: fragile devices get no intrusive checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Fragile,
    Cautious,
    #[default]
    Safe,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Fragile => "fragile",
            Sensitivity::Cautious => "cautious",
            Sensitivity::Safe => "safe",
        }
    }
}

impl FromStr for Sensitivity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fragile" => Ok(Sensitivity::Fragile),
            "cautious" => Ok(Sensitivity::Cautious),
            "safe" => Ok(Sensitivity::Safe),
            _ => Err(format!("unknown sensitivity '{s}'")),
        }
    }
}

/// Confidence bands of DOMAIN.md: high ≥ 0.7, medium ≥ 0.4, low ≥ 0.3, else unclassified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceLevel {
    High,
    Medium,
    Low,
    Unclassified,
}

impl ConfidenceLevel {
    pub fn from_score(score: f64) -> Self {
        if score >= 0.7 {
            ConfidenceLevel::High
        } else if score >= 0.4 {
            ConfidenceLevel::Medium
        } else if score >= 0.3 {
            ConfidenceLevel::Low
        } else {
            ConfidenceLevel::Unclassified
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConfidenceLevel::High => "high",
            ConfidenceLevel::Medium => "medium",
            ConfidenceLevel::Low => "low",
            ConfidenceLevel::Unclassified => "unclassified",
        }
    }
}

impl FromStr for ConfidenceLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "high" => Ok(ConfidenceLevel::High),
            "medium" => Ok(ConfidenceLevel::Medium),
            "low" => Ok(ConfidenceLevel::Low),
            "unclassified" => Ok(ConfidenceLevel::Unclassified),
            other => Err(format!(
                "unknown confidence level '{other}' (high, medium, low, unclassified)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ids_round_trip_and_unknown_is_named() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>().unwrap(), c);
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        let err = "printers".parse::<Category>().unwrap_err();
        assert!(err.contains("printers") && err.contains("ag_ve_sistemler"));
    }

    #[test]
    fn confidence_bands_follow_the_thresholds() {
        assert_eq!(ConfidenceLevel::from_score(0.7), ConfidenceLevel::High);
        assert_eq!(ConfidenceLevel::from_score(0.69), ConfidenceLevel::Medium);
        assert_eq!(ConfidenceLevel::from_score(0.4), ConfidenceLevel::Medium);
        assert_eq!(ConfidenceLevel::from_score(0.3), ConfidenceLevel::Low);
        assert_eq!(
            ConfidenceLevel::from_score(0.29),
            ConfidenceLevel::Unclassified
        );
    }
}
