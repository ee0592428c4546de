//! Row of `releases`: a signed agent binary's manifest (the binary is in `release_chunks`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version: String,
    pub target: String,
    pub sha256: String,
    pub size: i64,
    /// The manifest's date, as signed.
    pub signed_at: DateTimeUtc,
    pub key_id: String,
    pub signature: String,
    pub added_at: DateTimeUtc,
    pub added_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
