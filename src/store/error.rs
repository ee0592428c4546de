//! Errors of the store layer. Messages are safe to show a user: no SQL, no passwords.
use crate::model::ReportError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Connect(String),
    #[error(
        "the database schema is newer than this bigr ({0}); upgrade bigr before using this database"
    )]
    SchemaTooNew(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

pub type StoreResult<T> = Result<T, StoreError>;
