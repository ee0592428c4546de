//! Row of `asset_changes`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub asset_id: Uuid,
    pub scan_id: Uuid,
    pub change_type: String,
    pub field_name: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_value: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_value: Option<String>,
    pub detected_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
