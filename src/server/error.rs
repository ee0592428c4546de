//! The one error type of the HTTP API and its single mapping to answers `{"error": "…"}`.
//! Clients get a short, stable reason; the full cause goes to the log only.
use crate::store::StoreError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("login required")]
    Unauthorized,
    #[error("invalid username or password")]
    InvalidLogin,
    /// A missing, unknown, wrong or revoked agent token: one answer for all.
    #[error("invalid or revoked agent token")]
    AgentUnauthorized,
    /// Credentials other than a login or agent token were refused (e.g. enrollment).
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The server is at a bound it keeps (password checks, ingests at once): come back later.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// The database cannot be reached; the detail is logged, not shown.
    #[error("the database is unavailable, try again shortly")]
    Unavailable(String),
    /// Anything unexpected; the detail is logged, not shown.
    #[error("internal error")]
    Internal(String),
}

pub use crate::model::agent_api::ErrorBody;

pub type ApiResult<T> = Result<T, ApiError>;

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        StoreError::from(e).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Invalid(why) => ApiError::BadRequest(why),
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::Report(e) => ApiError::Unprocessable(e.to_string()),
            StoreError::Db(db) if is_unavailable(&db) => ApiError::Unavailable(db.to_string()),
            StoreError::Connect(why) => ApiError::Unavailable(why),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Whether a database error means "cannot reach the database" rather than a bad query.
pub fn is_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x)) => {
            driver_unavailable(x)
        }
        _ => false,
    }
}

/// PostgreSQL SQLSTATE classes and codes that mean "the server cannot serve now": 08
/// connection exception, 53 insufficient resources, 57P01–57P03 shutdown or start-up, 3D000
/// the database is gone. Anything else (a constraint, bad SQL) is not retryable.
fn pg_unavailable(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || sqlstate.starts_with("53")
        || matches!(sqlstate, "57P01" | "57P02" | "57P03" | "3D000")
}

/// SQLite result codes 5 (BUSY) and 6 (LOCKED), extended codes included: another writer
/// holds the file and the client should retry.
fn sqlite_unavailable(code: i64) -> bool {
    matches!(code & 0xff, 5 | 6)
}

fn driver_unavailable(e: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match e {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        Error::Database(db) => match db.code() {
            // SQLite reports its numeric result code; PostgreSQL a five-character SQLSTATE.
            Some(code) => match code.parse::<i64>() {
                Ok(n) => sqlite_unavailable(n),
                Err(_) => pg_unavailable(&code),
            },
            None => false,
        },
        _ => false,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized
            | ApiError::InvalidLogin
            | ApiError::AgentUnauthorized
            | ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(detail) => tracing::error!(detail = %detail, "request failed"),
            ApiError::Unavailable(detail) => {
                tracing::warn!(detail = %detail, "database unavailable")
            }
            // A refused request is the client's business (a login page asking who is signed
            // in, a typo): debug, never a WARN per page visit.
            other => tracing::debug!(status = other.status_code().as_u16(), "{other}"),
        }
        let mut answer = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyRequests { retry_after, .. } | ApiError::Busy { retry_after, .. } => {
                answer.insert_header(("Retry-After", retry_after.to_string()));
            }
            ApiError::Unavailable(_) => {
                answer.insert_header(("Retry-After", "5"));
            }
            _ => {}
        }
        if let ApiError::AgentUnauthorized = self {
            answer.insert_header(("WWW-Authenticate", "Bearer"));
        }
        answer.json(ErrorBody {
            error: self.to_string(),
        })
    }
}

#[cfg(test)]
mod unavailable_tests {
    use super::*;

    #[test]
    fn sqlstates_and_sqlite_codes_sort_into_retry_or_not() {
        for code in ["08006", "08001", "53300", "57P01", "57P03", "3D000"] {
            assert!(pg_unavailable(code), "{code}");
        }
        for code in ["23505", "42P01", "22P02", "40P01"] {
            assert!(!pg_unavailable(code), "{code}");
        }
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT (517), SQLITE_LOCKED_SHAREDCACHE (262).
        for code in [5, 6, 517, 262] {
            assert!(sqlite_unavailable(code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_ERROR (1).
        for code in [2067, 1, 19] {
            assert!(!sqlite_unavailable(code), "{code}");
        }
        assert!(is_unavailable(&sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout
        )));
        assert!(!is_unavailable(&sea_orm::DbErr::RecordNotFound("x".into())));
    }
}
