//! Row of `certificates`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub ip: String,
    pub port: i32,
    pub subject_cn: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub sans: Json,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub not_before: Option<DateTimeUtc>,
    pub not_after: Option<DateTimeUtc>,
    pub key_type: Option<String>,
    pub key_bits: Option<i32>,
    pub signature_algorithm: Option<String>,
    pub fingerprint_sha256: String,
    pub self_signed: bool,
    pub first_seen: DateTimeUtc,
    pub last_seen: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
