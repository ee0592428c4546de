//! Row of `alert_rules`: one kind of transition to tell about, for a site or (no site) all.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alert_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Option<Uuid>,
    pub kind: String,
    pub severity: String,
    pub enabled: bool,
    /// Kind-specific options (days before expiry, approved vendors, …).
    #[sea_orm(column_type = "JsonBinary")]
    pub params: Json,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
