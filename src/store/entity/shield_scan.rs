//! Row of `shield_scans`.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shield_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub target: String,
    pub preset: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub modules: Json,
    pub started_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    /// Chosen by the agent; a re-sent report is stored once.
    pub report_id: Option<Uuid>,
    /// Score per module that ran, as the server computed it.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub module_scores: Option<Json>,
    /// The hosts assessed and by which modules.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub hosts: Option<Json>,
    /// What could not be assessed, and why.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub not_assessed: Option<Json>,
}

impl ActiveModelBehavior for ActiveModel {}
