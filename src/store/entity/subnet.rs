//! Row of `subnets`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "subnets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub cidr: String,
    pub label: String,
    pub vlan_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub last_scanned_at: Option<DateTimeUtc>,
    pub asset_count: i32,
}

impl ActiveModelBehavior for ActiveModel {}
