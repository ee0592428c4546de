//! What happened and what was seen: sites, scans, the change log and TLS certificates.
use super::site_filter;
use crate::server::body::{Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::SignedIn;
use crate::server::state::AppState;
use crate::store::{self, Page, certificates, changes, scans, sites};
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub struct SiteList {
    pub sites: Vec<sites::SiteSummary>,
}

#[utoipa::path(tag = "records", responses((status = 200, body = SiteList), (status = 401, body = ErrorBody)))]
#[get("/sites")]
pub async fn site_list(
    state: web::Data<AppState>,
    _who: SignedIn,
) -> ApiResult<web::Json<SiteList>> {
    Ok(web::Json(SiteList {
        sites: sites::list(&state.db).await?,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    pub site: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "records", params(ScanQuery), responses((status = 200, body = Page<scans::ScanView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/scans")]
pub async fn scan_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<ScanQuery>,
) -> ApiResult<web::Json<Page<scans::ScanView>>> {
    let page = Paging {
        page: q.0.page,
        per_page: q.0.per_page,
    }
    .request()?;
    let site = site_filter(&q.0.site);
    Ok(web::Json(
        scans::list(&state.db, site.as_deref(), page).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    pub site: Option<String>,
    /// new_asset, ip_changed, field_changed, ports_opened, ports_closed, asset_missing, asset_returned.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub change_type: Option<String>,
    /// Asset id.
    pub asset: Option<String>,
    /// Scan id (`/api/scans`): only the changes that scan produced.
    pub scan: Option<String>,
    /// RFC 3339 time: changes at or after it.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// 1-based page number (its cost grows with the number); not with `cursor`.
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// `next_cursor` of the page before: the next page at the cost of the first.
    pub cursor: Option<String>,
}

#[utoipa::path(tag = "records", params(ChangeQuery), responses((status = 200, body = Page<changes::ChangeView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/changes")]
pub async fn change_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<ChangeQuery>,
) -> ApiResult<web::Json<Page<changes::ChangeView>>> {
    let q = q.0;
    let paging = Paging {
        page: q.page,
        per_page: q.per_page,
    };
    let page = paging.request()?;
    let asset_id = q
        .asset
        .as_deref()
        .map(|a| {
            super::inventory::parse_id(a).map_err(|_| {
                ApiError::BadRequest(format!(
                    "invalid query parameter `asset`: '{a}' is not an asset id"
                ))
            })
        })
        .transpose()?;
    let after = match paging.cursor(&q.cursor)? {
        None => None,
        Some(c) => Some(Uuid::parse_str(c).map_err(|_| {
            ApiError::BadRequest(format!(
                "invalid query parameter `cursor`: '{c}' is not a cursor this server gave out"
            ))
        })?),
    };
    let scan_id = q
        .scan
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Uuid::parse_str(s).map_err(|_| {
                ApiError::BadRequest(format!(
                    "invalid query parameter `scan`: '{s}' is not a scan id"
                ))
            })
        })
        .transpose()?;
    let filter = changes::ChangeFilter {
        site: site_filter(&q.site),
        asset_id,
        scan_id,
        change_type: q.change_type.filter(|t| !t.trim().is_empty()),
        since: q.since,
        until: q.until,
        after,
    };
    Ok(web::Json(changes::list(&state.db, &filter, page).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    pub site: Option<String>,
    /// Only certificates that expire within this many days (0-3650); expired ones included.
    pub expiring_days: Option<i64>,
    pub self_signed: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "records", params(CertificateQuery), responses((status = 200, body = Page<certificates::CertificateView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/certificates")]
pub async fn certificate_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<CertificateQuery>,
) -> ApiResult<web::Json<Page<certificates::CertificateView>>> {
    let q = q.0;
    let page = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request()?;
    if let Some(d) = q.expiring_days
        && !(0..=3650).contains(&d)
    {
        return Err(ApiError::BadRequest(
            "invalid query parameter `expiring_days`: must be between 0 and 3650".into(),
        ));
    }
    let filter = certificates::CertificateFilter {
        site: site_filter(&q.site),
        expiring_days: q.expiring_days,
        self_signed: q.self_signed,
    };
    Ok(web::Json(
        store::certificates::list(&state.db, &filter, page, Utc::now()).await?,
    ))
}
