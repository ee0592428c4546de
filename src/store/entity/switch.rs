//! Row of `switches`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "switches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub host: String,
    /// SNMP community: a secret the poller needs; never returned by any read API.
    pub community: String,
    pub snmp_version: String,
    pub label: String,
    pub created_at: DateTimeUtc,
    pub last_polled_at: Option<DateTimeUtc>,
    pub mac_count: i32,
    /// `switch` or `router`.
    pub role: String,
    /// SNMPv3 user, protocols and context; empty for v1/v2c.
    pub snmp_user: String,
    pub snmp_auth: String,
    /// SNMPv3 pass phrases: secrets like the community, never returned.
    pub snmp_auth_pass: String,
    pub snmp_priv: String,
    pub snmp_priv_pass: String,
    pub snmp_context: String,
    /// What the last poll learned: its LLDP chassis id and name, its VLANs (id → name as
    /// JSON), how many routed devices its address table listed, or why it failed.
    pub chassis_id: Option<String>,
    pub sys_name: Option<String>,
    pub vlans: String,
    pub routed_count: i32,
    pub poll_error: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
