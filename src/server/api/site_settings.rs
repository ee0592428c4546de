//! A site's configuration in the dashboard: what its agents scan and how. Viewers read it;
//! admins change it, and every change steps the version agents apply and enters the audit
//! log with the settings before and after. Switch communities are never part of it here.
use crate::control::settings;
use crate::model::site_config::{SiteConfigView, SiteSettings};
use crate::server::audit::Audit;
use crate::server::body::Body;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::{self, sites};
use actix_web::{get, put, web};

fn site_of(path: &str) -> ApiResult<String> {
    Ok(sites::validate_name(path)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?
        .to_string())
}

#[utoipa::path(tag = "registry", params(("site" = String, Path)), responses((status = 200, body = SiteConfigView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sites/{site}/config")]
pub async fn config_get(
    state: web::Data<AppState>,
    _who: SignedIn,
    path: web::Path<String>,
) -> ApiResult<web::Json<SiteConfigView>> {
    let site = site_of(&path)?;
    Ok(web::Json(store::site_config::view(&state.db, &site).await?))
}

/// Reads the settings from the raw body: a field the type does not know is refused by name
/// (the type itself accepts unknown fields, so that older agents read newer servers).
fn parse(body: serde_json::Value) -> ApiResult<SiteSettings> {
    if !body.is_object() {
        return Err(ApiError::BadRequest(
            "send the settings as a JSON object".into(),
        ));
    }
    if let Some(field) = settings::unknown_fields(&body).into_iter().next() {
        return Err(ApiError::BadRequest(format!("unknown field `{field}`")));
    }
    let parsed: SiteSettings = serde_path_to_error::deserialize(body).map_err(|e| {
        ApiError::BadRequest(format!("invalid field `{}`: {}", e.path(), e.inner()))
    })?;
    let parsed = settings::normalise(parsed);
    settings::check(&parsed).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(parsed)
}

#[utoipa::path(tag = "registry", params(("site" = String, Path)), request_body = SiteSettings, responses((status = 200, description = "Saved; the version agents apply has stepped if anything changed", body = SiteConfigView), (status = 400, description = "Names the refused field", body = ErrorBody), (status = 403, body = ErrorBody)))]
#[put("/sites/{site}/config")]
pub async fn config_put(
    state: web::Data<AppState>,
    who: Admin,
    path: web::Path<String>,
    body: Body<serde_json::Value>,
) -> ApiResult<web::Json<SiteConfigView>> {
    let site = site_of(&path)?;
    let wanted = parse(body.into_inner()?)?;
    let (before, view) =
        store::site_config::save(&state.db, &site, &wanted, &who.0.user.username).await?;
    if before != view.settings {
        Audit::new("site.configure")
            .site(&site)
            .target(format!("v{}", view.version))
            .before(&before)
            .after(&view.settings)
            .by(&who.0, &state)
            .await;
    }
    Ok(web::Json(view))
}
