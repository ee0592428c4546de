//! Computed views over the inventory: compliance, risk, vulnerabilities, analytics, topology.
use super::site_filter;
use crate::analysis::{analytics, compliance, risk, topology, vulns};
use crate::server::body::{Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::SignedIn;
use crate::server::state::AppState;
use crate::stored_analysis;
use actix_web::{get, web};
use chrono::Utc;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteOnly {
    pub site: Option<String>,
}

#[utoipa::path(tag = "analysis", params(SiteOnly), responses((status = 200, body = compliance::ComplianceReport), (status = 401, body = ErrorBody)))]
#[get("/compliance")]
pub async fn compliance_report(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<SiteOnly>,
) -> ApiResult<web::Json<Arc<compliance::ComplianceReport>>> {
    let site = site_filter(&q.0.site);
    let db = state.db.clone();
    let key = site.clone().unwrap_or_else(|| "*".into());
    let report = state
        .compliance
        .get(key, move |_| async move {
            Ok(Arc::new(
                stored_analysis::compliance(&db, site.as_deref()).await?,
            ))
        })
        .await?;
    Ok(web::Json(report))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    pub site: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "analysis", params(RiskQuery), responses((status = 200, body = risk::RiskReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/risk")]
pub async fn risk_report(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<RiskQuery>,
) -> ApiResult<web::Json<risk::RiskReport>> {
    let page = Paging {
        page: q.0.page,
        per_page: q.0.per_page,
    }
    .request()?;
    let site = site_filter(&q.0.site);
    let key = site.clone().unwrap_or_else(|| "*".into());
    let db = state.db.clone();
    let wanted = site.clone();
    let summary = state
        .risk
        .get(key, move |_| async move {
            Ok(Arc::new(
                stored_analysis::risk_summary(&db, wanted.as_deref()).await?,
            ))
        })
        .await?;
    Ok(web::Json(
        stored_analysis::risk_page(
            &state.db,
            &state.cves,
            (*summary).clone(),
            site.as_deref(),
            page,
            Utc::now(),
        )
        .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VulnQuery {
    pub site: Option<String>,
    /// Only assets with an actively exploited (CISA KEV) CVE.
    pub kev: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "analysis", params(VulnQuery), responses((status = 200, body = vulns::VulnReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/vulnerabilities")]
pub async fn vulnerability_report(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<VulnQuery>,
) -> ApiResult<web::Json<vulns::VulnReport>> {
    let page = Paging {
        page: q.0.page,
        per_page: q.0.per_page,
    }
    .request()?;
    let listing = vulns::VulnListing {
        kev_only: q.0.kev.unwrap_or(false),
        page: page.page,
        per_page: page.per_page,
    };
    let site = site_filter(&q.0.site);
    let key = site.clone().unwrap_or_else(|| "*".into());
    let db = state.db.clone();
    let wanted = site.clone();
    let totals = state
        .vulns
        .get(key, move |_| async move {
            Ok(Arc::new(
                stored_analysis::vuln_totals(&db, wanted.as_deref()).await?,
            ))
        })
        .await?;
    Ok(web::Json(
        stored_analysis::vuln_page(
            &state.db,
            &state.cves,
            (*totals).clone(),
            site.as_deref(),
            listing,
        )
        .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    pub site: Option<String>,
    /// Window in days, 1-366 (default 30).
    pub days: Option<u32>,
}

#[utoipa::path(tag = "analysis", params(AnalyticsQuery), responses((status = 200, body = analytics::AnalyticsReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/analytics")]
pub async fn analytics_report(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<AnalyticsQuery>,
) -> ApiResult<web::Json<analytics::AnalyticsReport>> {
    let days = q.0.days.unwrap_or(30);
    if !(1..=analytics::MAX_DAYS).contains(&days) {
        return Err(ApiError::BadRequest(format!(
            "invalid query parameter `days`: must be between 1 and {}",
            analytics::MAX_DAYS
        )));
    }
    let site = site_filter(&q.0.site);
    Ok(web::Json(
        stored_analysis::analytics(&state.db, site.as_deref(), days, Utc::now()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopologyQuery {
    pub site: Option<String>,
    /// Only the part of the graph inside this network (CIDR): a subnet opened on demand.
    pub subnet: Option<String>,
}

#[utoipa::path(tag = "analysis", params(TopologyQuery), responses((status = 200, body = topology::Topology), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/topology")]
pub async fn topology_graph(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<TopologyQuery>,
) -> ApiResult<web::Json<Arc<topology::Topology>>> {
    let site = site_filter(&q.0.site);
    let within: Option<ipnet::IpNet> = match q.0.subnet.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<ipnet::IpNet>().map(|n| n.trunc()).map_err(|_| {
            ApiError::BadRequest(format!(
                "invalid query parameter `subnet`: '{}' is not a network in CIDR form (10.0.0.0/24)",
                text.chars().take(64).collect::<String>()
            ))
        })?),
    };
    let key = format!(
        "{}|{}",
        site.as_deref().unwrap_or("*"),
        within.map(|n| n.to_string()).unwrap_or_default()
    );
    let db = state.db.clone();
    let graph = state
        .topology
        .get(key, move |_| async move {
            Ok(Arc::new(
                stored_analysis::topology(&db, site.as_deref(), within.as_ref()).await?,
            ))
        })
        .await?;
    Ok(web::Json(graph))
}
