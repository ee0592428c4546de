//! Row of `assets`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    /// `mac:<mac>` for a globally administered MAC, else `ip:<ip>` (identity inside a site).
    pub identity_key: String,
    pub ip: String,
    /// Fixed-width hex of the IPv6(-mapped) address: sorts and range-filters like the number.
    pub ip_sort: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub os_hint: Option<String>,
    pub device_type: String,
    /// Effective category: the manual tag when set, else the computed one.
    pub category: String,
    pub computed_category: String,
    pub confidence: f64,
    pub sensitivity: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub open_ports: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub services: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub evidence: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub mdns_services: Json,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub snmp: Option<Json>,
    /// Every name seen, with its source (`[{name, source}]`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub names: Option<Json>,
    /// What the device says it is (`model::DeviceInfo`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub device_info: Option<Json>,
    /// IPv6 addresses the asset's MAC answered from (`["fe80::…", …]`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub ipv6: Option<Json>,
    pub switch_host: Option<String>,
    pub switch_port: Option<String>,
    pub switch_port_index: Option<i32>,
    /// The VLAN its switch learned it in.
    pub vlan: Option<i32>,
    pub manual_category: Option<String>,
    pub manual_note: Option<String>,
    pub tagged_at: Option<DateTimeUtc>,
    /// Who set the manual tag (None for tags made before this was kept).
    pub tagged_by: Option<String>,
    pub first_seen: DateTimeUtc,
    pub last_seen: DateTimeUtc,
    pub missing: bool,
    pub missing_since: Option<DateTimeUtc>,
    pub missed_scans: i32,
    pub change_count: i32,
    pub last_scan_id: Option<Uuid>,
    /// Stored analysis (`store::scores`): the risk score in hundredths, when the asset's age
    /// next moves it, and its known CVEs in brief; `scored_with` names the formula and CVE
    /// snapshot that computed them.
    pub risk_centis: i32,
    pub risk_due: Option<DateTimeUtc>,
    pub cve_count: i32,
    pub cve_max: f64,
    pub cve_kev: bool,
    pub cve_critical: i32,
    pub cve_high: i32,
    pub cve_medium: i32,
    pub cve_low: i32,
    pub scored_with: String,
    /// The most severe open Shield finding: 0 none, 1 low, 2 medium, 3 high, 4 critical.
    pub shield_worst: i16,
}

impl ActiveModelBehavior for ActiveModel {}
