//! The inventory: the filtered, paginated asset list, one asset in full, and manual tags.
use super::{parse_opt, site_filter};
use crate::analysis::{risk, vulns};
use crate::model::{AssetFacts, Category, ConfidenceLevel, DeviceType};
use crate::server::audit::Audit;
use crate::server::body::{Body, Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::{self, inventory};
use actix_web::{delete, get, put, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// Longest search text accepted.
const MAX_Q: usize = 200;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DataQuery {
    /// Site name; all sites when absent.
    pub site: Option<String>,
    /// CIDR: assets whose address is inside it.
    pub subnet: Option<String>,
    /// ag_ve_sistemler, uygulamalar, iot, tasinabilir or unclassified.
    pub category: Option<String>,
    pub device_type: Option<String>,
    /// high, medium, low or unclassified.
    pub confidence: Option<String>,
    pub missing: Option<bool>,
    /// Assets a switch learned in this VLAN (1-4094).
    #[param(minimum = 1, maximum = 4094)]
    pub vlan: Option<u16>,
    /// Text in the IP, MAC, hostname or vendor.
    pub q: Option<String>,
    /// ip, hostname, vendor, category, device_type, confidence, first_seen, last_seen.
    pub sort: Option<String>,
    /// asc or desc.
    pub order: Option<String>,
    /// 1-based page number (its cost grows with the number); not with `cursor`.
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// `next_cursor` of the page before: the next page at the cost of the first. The sort
    /// and order must be those the cursor came from.
    pub cursor: Option<String>,
}

impl DataQuery {
    fn filter(&self) -> Result<inventory::AssetFilter, ApiError> {
        if self.q.as_ref().is_some_and(|q| q.chars().count() > MAX_Q) {
            return Err(ApiError::BadRequest(format!(
                "invalid query parameter `q`: longer than {MAX_Q} characters"
            )));
        }
        let descending = match self.order.as_deref().map(str::trim) {
            None | Some("") | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "invalid query parameter `order`: '{other}' (asc or desc)"
                )));
            }
        };
        let subnet = self
            .subnet
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                store::subnets::parse_cidr(s).map_err(|e| {
                    ApiError::BadRequest(format!("invalid query parameter `subnet`: {e}"))
                })
            })
            .transpose()?;
        Ok(inventory::AssetFilter {
            site: site_filter(&self.site),
            subnet,
            category: parse_opt::<Category>("category", &self.category)?,
            device_type: parse_opt::<DeviceType>("device_type", &self.device_type)?,
            confidence: parse_opt::<ConfidenceLevel>("confidence", &self.confidence)?,
            missing: self.missing,
            vlan: self.vlan,
            q: self.q.clone(),
            sort: parse_opt::<inventory::AssetSort>("sort", &self.sort)?.unwrap_or_default(),
            descending,
        })
    }
}

#[utoipa::path(
    tag = "inventory",
    params(DataQuery),
    responses(
        (status = 200, description = "One page of assets and the group counts of the filter", body = inventory::Inventory),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)
    )
)]
#[get("/data")]
pub async fn data(
    state: web::Data<AppState>,
    _who: SignedIn,
    query: Params<DataQuery>,
) -> ApiResult<web::Json<inventory::Inventory>> {
    let q = query.0;
    let paging = Paging {
        page: q.page,
        per_page: q.per_page,
    };
    let page = paging.request()?;
    let filter = q.filter()?;
    let cursor = match paging.cursor(&q.cursor)? {
        None => None,
        Some(text) => Some(
            text.parse::<inventory::Cursor>()
                .map_err(|e| {
                    ApiError::BadRequest(format!("invalid query parameter `cursor`: {e}"))
                })?
                .anchor_for(&filter)?,
        ),
    };
    let (db, f) = (state.db.clone(), filter.clone());
    let summary = state
        .counts
        .get(filter.counts_key(), move |_| async move {
            Ok(Arc::new(inventory::summary(&db, &f).await?))
        })
        .await?;
    let total = inventory::total_of(&summary, &filter);
    let (items, page) = match cursor {
        Some(after) => {
            let items = inventory::rows_after(&state.db, &filter, after, page.per_page).await?;
            // Asked by cursor, the page has no number.
            let by_cursor = store::PageRequest {
                page: 0,
                per_page: page.per_page,
            };
            (items, by_cursor)
        }
        None => (
            inventory::rows_matching(&state.db, &filter, page, Some(total)).await?,
            page,
        ),
    };
    Ok(web::Json(inventory::Inventory::new(
        page.wrap(items, total),
        (*summary).clone(),
        &filter,
    )))
}

/// One asset with its history, certificates, changes, risk and CVEs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AssetPage {
    #[serde(flatten)]
    pub detail: inventory::AssetDetail,
    pub risk: risk::RiskProfile,
    pub vulnerabilities: Vec<vulns::CveMatch>,
    /// Open Shield findings on this asset, most severe first.
    pub shield_findings: Vec<crate::store::shield_views::IssueView>,
}

pub fn parse_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim())
        .map_err(|_| ApiError::BadRequest(format!("invalid asset id '{}'", text.trim())))
}

fn facts_of(d: &inventory::AssetDetail, shield_worst: i16) -> AssetFacts {
    let a = &d.asset;
    AssetFacts {
        id: a.id,
        site: a.site.clone(),
        ip: a.ip.clone(),
        mac: a.mac.clone(),
        hostname: a.hostname.clone(),
        vendor: a.vendor.clone(),
        category: a.category.clone(),
        device_type: a.device_type.clone(),
        confidence: a.confidence,
        manual: a.manual_category.is_some(),
        open_ports: a.open_ports.clone(),
        services: serde_json::from_value(d.services.clone()).unwrap_or_default(),
        first_seen: a.first_seen,
        last_seen: a.last_seen,
        missing: a.missing,
        change_count: a.change_count,
        switch_host: a.switch_host.clone(),
        switch_port: a.switch_port.clone(),
        shield_worst,
    }
}

#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Asset id")),
    responses((status = 200, body = AssetPage), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody))
)]
#[get("/assets/{id}")]
pub async fn asset(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
) -> ApiResult<web::Json<AssetPage>> {
    let id = parse_id(&id)?;
    let now = Utc::now();
    let detail = inventory::detail(&state.db, id, now).await?;
    let shield_findings = crate::store::shield_views::open_for_asset(&state.db, id).await?;
    // Worst first: the first open finding's severity is the one the stored score used.
    let worst = shield_findings.first().map_or(0, |f| {
        crate::store::shield_issues::severity_rank(&f.severity)
    });
    let facts = facts_of(&detail, worst);
    Ok(web::Json(AssetPage {
        shield_findings,
        risk: risk::profile(&facts, &state.cves, now),
        vulnerabilities: vulns::match_asset(&state.cves, &facts),
        detail,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRequest {
    /// ag_ve_sistemler, uygulamalar, iot or tasinabilir.
    pub category: String,
    pub note: Option<String>,
}

#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Asset id")),
    request_body = TagRequest,
    responses((status = 200, body = inventory::AssetView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[put("/assets/{id}/tag")]
pub async fn tag(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
    body: Body<TagRequest>,
) -> ApiResult<web::Json<inventory::AssetView>> {
    let id = parse_id(&id)?;
    let body = body.into_inner()?;
    let category: Category = body
        .category
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("invalid field `category`: {e}")))?;
    let view = store::tags::tag(
        &state.db,
        &id.to_string(),
        None,
        category,
        body.note.as_deref(),
        &who.0.user.username,
    )
    .await?;
    state.inventory_changed();
    tracing::info!(user = %who.0.user.username, asset = %id, category = %category.as_str(), "tagged");
    Audit::new("asset.tag")
        .site(&view.site)
        .target(format!("{id} ({})", view.ip))
        .after(&serde_json::json!({ "category": category.as_str(), "note": body.note }))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}

#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Asset id")),
    responses((status = 200, body = inventory::AssetView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/assets/{id}/tag")]
pub async fn untag(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<web::Json<inventory::AssetView>> {
    let id = parse_id(&id)?;
    let view = store::tags::untag(&state.db, &id.to_string(), None).await?;
    state.inventory_changed();
    tracing::info!(user = %who.0.user.username, asset = %id, "untagged");
    Audit::new("asset.untag")
        .site(&view.site)
        .target(format!("{id} ({})", view.ip))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}
