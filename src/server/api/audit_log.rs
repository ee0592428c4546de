//! The audit log for admins: who did what, when and from where, newest first, filtered by
//! user, action (or an action prefix such as `agent.`), site and time.
use super::site_filter;
use crate::server::body::{Paging, Params};
use crate::server::error::{ApiResult, ErrorBody};
use crate::server::session::Admin;
use crate::server::state::AppState;
use crate::store::Page;
use crate::store::audit::{self, AuditView, Filter};
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The user who acted.
    pub user: Option<String>,
    /// An action (`subnet.add`) or a prefix ending in `.` (`agent.`).
    pub action: Option<String>,
    pub site: Option<String>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "users", params(AuditQuery), responses((status = 200, body = Page<AuditView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/audit")]
pub async fn audit_list(
    state: web::Data<AppState>,
    _who: Admin,
    q: Params<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditView>>> {
    let q = q.0;
    let page = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request()?;
    let filter = Filter {
        actor: site_filter(&q.user),
        action: site_filter(&q.action),
        site: site_filter(&q.site),
        from: q.from,
        to: q.to,
    };
    Ok(web::Json(audit::list(&state.db, &filter, page).await?))
}
