//! Row of `shield_findings`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shield_findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub shield_scan_id: Uuid,
    pub module: String,
    pub severity: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub remediation: String,
    pub target_ip: Option<String>,
    pub port: Option<i32>,
    #[sea_orm(column_type = "JsonBinary")]
    pub evidence: Json,
    pub created_at: DateTimeUtc,
    pub cve_id: Option<String>,
    pub cvss_score: Option<f64>,
    pub attack_technique: Option<String>,
    pub check_id: Option<String>,
    pub epss: Option<f64>,
    pub kev: Option<bool>,
    pub asset_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
