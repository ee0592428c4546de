//! Row of `switch_links`: one LLDP/CDP neighbour a switch reported on one of its ports, as
//! of its last poll.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "switch_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub switch_id: Uuid,
    pub site_id: Uuid,
    /// `lldp` or `cdp`.
    pub protocol: String,
    pub local_port: String,
    pub local_port_index: Option<i32>,
    pub chassis_id: String,
    pub port_id: String,
    pub port_descr: Option<String>,
    pub sys_name: Option<String>,
    pub description: Option<String>,
    /// Comma-separated: `bridge,router`.
    pub capabilities: String,
    pub mgmt_address: Option<String>,
    pub seen_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
