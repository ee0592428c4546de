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
}

impl ActiveModelBehavior for ActiveModel {}
