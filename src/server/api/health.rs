//! `/api/health`: public, cheap, and honest. A database that cannot be reached makes the
//! answer 503 "degraded" (so a load balancer stops routing here), never a crash.
use crate::server::state::AppState;
use crate::store;
use actix_web::{HttpResponse, get, web};
use sea_orm::{ConnectionTrait, Statement};
use serde::Serialize;
use std::time::Duration;

#[derive(Serialize, utoipa::ToSchema)]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub reachable: bool,
    /// The newest applied migration.
    pub schema_version: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: &'static str,
    pub version: &'static str,
    pub database: DatabaseHealth,
}

#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Serving, database reachable", body = Health),
        (status = 503, description = "Serving, database unreachable", body = Health)
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let db = &state.db;
    let backend = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "postgres",
        _ => "sqlite",
    };
    let ping = db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1",
    ));
    let reachable = matches!(
        tokio::time::timeout(Duration::from_secs(3), ping).await,
        Ok(Ok(_))
    );
    let schema_version = if reachable {
        tokio::time::timeout(Duration::from_secs(3), store::migrate::status(db))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|s| s.version)
    } else {
        None
    };
    let body = Health {
        status: if reachable { "ok" } else { "degraded" },
        version: crate::version::current(),
        database: DatabaseHealth {
            backend,
            reachable,
            schema_version,
        },
    };
    if reachable {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
