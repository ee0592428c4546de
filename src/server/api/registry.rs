//! What admins register per site: subnets (with label and VLAN) and SNMP switches and
//! routers. Communities and SNMPv3 pass phrases are accepted on write and never returned.
use super::site_filter;
use crate::model::snmp_access::{GearRole, SwitchCredentials, UsmCredentials};
use crate::server::audit::Audit;
use crate::server::body::{Body, Params};
use crate::server::error::{ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::{self, sites::DEFAULT_SITE, subnets::SubnetView, switches::SwitchView};
use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteQuery {
    pub site: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SubnetList {
    pub subnets: Vec<SubnetView>,
}

#[utoipa::path(tag = "registry", params(SiteQuery), responses((status = 200, body = SubnetList), (status = 401, body = ErrorBody)))]
#[get("/subnets")]
pub async fn subnet_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<SiteQuery>,
) -> ApiResult<web::Json<SubnetList>> {
    let site = site_filter(&q.0.site);
    Ok(web::Json(SubnetList {
        subnets: store::subnets::list(&state.db, site.as_deref()).await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubnet {
    /// Site name (created if new); `local` when absent.
    pub site: Option<String>,
    pub cidr: String,
    #[serde(default)]
    pub label: String,
    pub vlan_id: Option<i32>,
}

#[utoipa::path(tag = "registry", request_body = NewSubnet, responses((status = 201, body = SubnetView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/subnets")]
pub async fn subnet_add(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<NewSubnet>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    let site = site_filter(&b.site).unwrap_or_else(|| DEFAULT_SITE.to_string());
    let view = store::subnets::add(&state.db, &site, &b.cidr, &b.label, b.vlan_id).await?;
    Audit::new("subnet.add")
        .site(&view.site)
        .target(&view.cidr)
        .after(&serde_json::json!({ "label": view.label, "vlan_id": view.vlan_id }))
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubnetRef {
    pub site: Option<String>,
    pub cidr: String,
}

#[utoipa::path(tag = "registry", params(SubnetRef), responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[delete("/subnets")]
pub async fn subnet_remove(
    state: web::Data<AppState>,
    who: Admin,
    q: Params<SubnetRef>,
) -> ApiResult<HttpResponse> {
    let site = site_filter(&q.0.site).unwrap_or_else(|| DEFAULT_SITE.to_string());
    store::subnets::remove(&state.db, &site, &q.0.cidr).await?;
    Audit::new("subnet.remove")
        .site(&site)
        .target(q.0.cidr.trim())
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SwitchList {
    pub switches: Vec<SwitchView>,
}

#[utoipa::path(tag = "registry", params(SiteQuery), responses((status = 200, body = SwitchList), (status = 401, body = ErrorBody)))]
#[get("/switches")]
pub async fn switch_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<SiteQuery>,
) -> ApiResult<web::Json<SwitchList>> {
    let site = site_filter(&q.0.site);
    Ok(web::Json(SwitchList {
        switches: store::switches::list(&state.db, site.as_deref()).await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSwitch {
    pub site: Option<String>,
    pub host: String,
    /// SNMP community (v1/v2c): stored, never returned.
    #[serde(default)]
    pub community: String,
    /// `2c` (default), `1` or `3`.
    pub snmp_version: Option<String>,
    /// SNMPv3 user, protocols and pass phrases (stored, never returned); with version `3`.
    #[serde(default)]
    pub usm: Option<UsmCredentials>,
    /// `switch` (default) or `router`.
    #[serde(default)]
    pub role: GearRole,
    #[serde(default)]
    pub label: String,
}

#[utoipa::path(tag = "registry", request_body = NewSwitch, responses((status = 201, body = SwitchView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/switches")]
pub async fn switch_add(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<NewSwitch>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    let site = site_filter(&b.site).unwrap_or_else(|| DEFAULT_SITE.to_string());
    let access = SwitchCredentials {
        host: b.host,
        community: b.community,
        snmp_version: b.snmp_version.unwrap_or_else(|| "2c".into()),
        usm: b.usm,
        role: b.role,
    };
    let view = store::switches::register(&state.db, &site, &access, &b.label).await?;
    // The view has no community: the log records that one was set, never its value.
    Audit::new("switch.add")
        .site(&view.site)
        .target(&view.host)
        .after(&view)
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SwitchRef {
    pub site: Option<String>,
    pub host: String,
}

#[utoipa::path(tag = "registry", params(SwitchRef), responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[delete("/switches")]
pub async fn switch_remove(
    state: web::Data<AppState>,
    who: Admin,
    q: Params<SwitchRef>,
) -> ApiResult<HttpResponse> {
    let site = site_filter(&q.0.site).unwrap_or_else(|| DEFAULT_SITE.to_string());
    store::switches::remove(&state.db, &site, &q.0.host).await?;
    Audit::new("switch.remove")
        .site(&site)
        .target(q.0.host.trim())
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::NoContent().finish())
}
