//! What analysis needs to know about an asset, as the store loads it for compliance, risk,
//! vulnerabilities and topology.
use super::Service;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Clone, Debug, Default)]
pub struct AssetFacts {
    pub id: Uuid,
    pub site: String,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    /// Effective group: the manual tag when there is one.
    pub category: String,
    pub device_type: String,
    pub confidence: f64,
    pub manual: bool,
    pub open_ports: Vec<u16>,
    /// Empty unless the caller asked for services (banners cost memory).
    pub services: Vec<Service>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub missing: bool,
    pub change_count: i32,
    pub switch_host: Option<String>,
    pub switch_port: Option<String>,
    /// The most severe open Shield finding: 0 none, 1 low … 4 critical.
    pub shield_worst: i16,
}

/// Raw per-day rows; `analysis::analytics` turns them into series.
#[derive(Debug, Default, Clone)]
pub struct DailyRows {
    /// (day, category, distinct assets seen)
    pub seen: Vec<(String, String, i64)>,
    /// (day, distinct assets seen) — not the sum of the groups when an asset changed group.
    pub seen_total: Vec<(String, i64)>,
    /// (day, change type, count)
    pub changes: Vec<(String, String, i64)>,
    /// (day, scans, assets reported)
    pub scans: Vec<(String, i64, i64)>,
    /// (asset id, ip, hostname, site, changes in the window, last change)
    pub most_changed: Vec<MostChanged>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MostChanged {
    pub asset_id: Uuid,
    pub ip: String,
    pub hostname: Option<String>,
    pub site: String,
    pub change_count: i64,
    pub last_change: DateTime<Utc>,
}

/// How many assets share one classification state, for compliance counting in the database.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassCount {
    pub site: String,
    /// Effective group (the manual tag when there is one).
    pub category: String,
    pub manual: bool,
    /// 2 = confidence ≥ 0.7, 1 = ≥ 0.3, 0 = below.
    pub band: u8,
    pub n: u64,
}
