//! Row of `site_configs`: one per configured site.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "site_configs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: Uuid,
    /// Steps by one whenever what agents are sent changes.
    pub version: i64,
    /// The admin's `SiteSettings` as JSON.
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// SHA-256 (hex) of the configuration agents were last sent.
    pub digest: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
