//! Shield for the dashboard: scans, one scan in full, findings with their life and
//! remediation, each site's posture with its trend, and the catalogue of checks. Nothing here
//! scans: the server cannot reach customer LANs, and a scan endpoint would be an attack proxy;
//! "Shield now" is a command to a site's agent.
use super::site_filter;
use crate::server::body::{Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::SignedIn;
use crate::server::state::AppState;
use crate::store::shield::{FindingView, ShieldScanDetail, ShieldScanView};
use crate::store::shield_views::{self, IssueFilter, IssueView, SitePosture};
use crate::store::{self, Page};
use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn scan_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim())
        .map_err(|_| ApiError::BadRequest(format!("invalid shield scan id '{}'", text.trim())))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ShieldQuery {
    pub site: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "shield", params(ShieldQuery), responses((status = 200, body = Page<ShieldScanView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/shield/scans")]
pub async fn shield_scans(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<ShieldQuery>,
) -> ApiResult<web::Json<Page<ShieldScanView>>> {
    let page = Paging {
        page: q.0.page,
        per_page: q.0.per_page,
    }
    .request()?;
    let site = site_filter(&q.0.site);
    Ok(web::Json(
        store::shield::list(&state.db, site.as_deref(), page).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingList {
    pub findings: Vec<FindingView>,
}

#[utoipa::path(tag = "shield", params(("id" = String, Path)), responses((status = 200, body = FindingList), (status = 404, body = ErrorBody)))]
#[get("/shield/scans/{id}/findings")]
pub async fn shield_findings(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
) -> ApiResult<web::Json<FindingList>> {
    let id = scan_id(&id)?;
    Ok(web::Json(FindingList {
        findings: store::shield::findings(&state.db, id).await?,
    }))
}

#[utoipa::path(tag = "shield", params(("id" = String, Path)), responses((status = 200, body = ShieldScanDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/shield/scans/{id}")]
pub async fn shield_scan(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
) -> ApiResult<web::Json<ShieldScanDetail>> {
    Ok(web::Json(
        store::shield::detail(&state.db, scan_id(&id)?).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    pub site: Option<String>,
    /// critical, high, medium, low or info.
    pub severity: Option<String>,
    /// tls, ports, headers, dns, cve, creds or owasp.
    pub module: Option<String>,
    /// An asset id.
    pub asset: Option<Uuid>,
    /// open or resolved; both when absent.
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "shield", params(FindingQuery), responses((status = 200, body = Page<IssueView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/shield/findings")]
pub async fn findings(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<FindingQuery>,
) -> ApiResult<web::Json<Page<IssueView>>> {
    let q = q.0;
    let page = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request()?;
    let filter = IssueFilter {
        site: site_filter(&q.site),
        severity: q.severity.filter(|s| !s.trim().is_empty()),
        module: q.module.filter(|s| !s.trim().is_empty()),
        asset: q.asset,
        status: q.status.filter(|s| !s.trim().is_empty()),
    };
    Ok(web::Json(
        shield_views::findings(&state.db, &filter, page).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PostureQuery {
    pub site: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PostureList {
    pub sites: Vec<SitePosture>,
}

#[utoipa::path(tag = "shield", params(PostureQuery), responses((status = 200, body = PostureList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/shield/posture")]
pub async fn posture(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<PostureQuery>,
) -> ApiResult<web::Json<PostureList>> {
    let site = site_filter(&q.0.site);
    Ok(web::Json(PostureList {
        sites: shield_views::posture(&state.db, site.as_deref()).await?,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: &'static str,
    pub module: &'static str,
    pub severity: &'static str,
    pub title: &'static str,
    pub attack_technique: &'static str,
    pub remediation_en: &'static str,
    pub remediation_tr: &'static str,
    pub priority: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckList {
    pub checks: Vec<CheckView>,
}

#[utoipa::path(tag = "shield", responses((status = 200, body = CheckList), (status = 401, body = ErrorBody)))]
#[get("/shield/checks")]
pub async fn checks(_who: SignedIn) -> web::Json<CheckList> {
    use crate::shield::catalog;
    web::Json(CheckList {
        checks: catalog::CHECKS
            .iter()
            .map(|c| CheckView {
                id: c.id,
                module: c.module,
                severity: store::shield::severity_name(c.severity),
                title: c.title,
                attack_technique: c.attack,
                remediation_en: c.fix_en,
                remediation_tr: c.fix_tr,
                priority: if catalog::low_effort(c.id) {
                    "quick_win"
                } else {
                    "important_fix"
                },
            })
            .collect(),
    })
}
