//! Reports from agents: discovery scans and shield checks, each written into the agent's own
//! site (a report cannot name another), idempotent on the report id.
use super::agent_calls::limit;
use crate::model::ScanReport;
use crate::model::shield::ShieldReport;
use crate::server::agent_auth::AgentCaller;
use crate::server::agent_limit::Action;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::state::AppState;
use crate::store::shield::ShieldSaved;
use crate::store::{self, SaveOptions};
use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use futures_util::StreamExt;

/// A report read into memory with the byte permits it holds (released when dropped).
struct HeldBody {
    bytes: web::BytesMut,
    _permits: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// Reads a JSON body of at most `limit` bytes, stopping as soon as it is larger, taking a
/// permit per byte from the server's ingest budget (503 when it is spent), and within a
/// deadline that allows a slow uplink but not a client that trickles bytes forever.
async fn read_body(
    req: &HttpRequest,
    state: &AppState,
    mut payload: web::Payload,
    limit: usize,
) -> Result<HeldBody, ApiError> {
    if !crate::server::body::is_json(req) {
        return Err(ApiError::BadRequest(
            "send the body as JSON (Content-Type: application/json)".into(),
        ));
    }
    let too_large =
        || ApiError::PayloadTooLarge(format!("report too large (limit {} MiB)", limit >> 20));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let busy = || ApiError::Busy {
        message: "the server is taking in other reports; retry shortly".into(),
        retry_after: 5,
    };
    let take = |n: usize| {
        let n = u32::try_from(n).map_err(|_| too_large())?;
        state
            .ingest_bytes
            .clone()
            .try_acquire_many_owned(n)
            .map_err(|_| busy())
    };
    let mut permits = match declared {
        Some(n) if n > 0 => Some(take(n)?),
        _ => None,
    };
    let deadline = crate::server::body::deadline(declared.unwrap_or(limit));
    let read = async {
        let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0));
        while let Some(chunk) = tokio::time::timeout(crate::server::body::IDLE, payload.next())
            .await
            .map_err(|_| crate::server::body::too_slow())?
        {
            let chunk =
                chunk.map_err(|_| ApiError::BadRequest("cannot read the request body".into()))?;
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            if body.len() + chunk.len() > declared.unwrap_or(0) {
                // Chunked (or longer than declared): pay for the bytes as they come.
                let more = take(chunk.len())?;
                match permits.as_mut() {
                    Some(p) => p.merge(more),
                    None => permits = Some(more),
                }
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    let bytes = tokio::time::timeout(deadline, read)
        .await
        .map_err(|_| crate::server::body::too_slow())??;
    Ok(HeldBody {
        bytes,
        _permits: permits,
    })
}

/// One report at a time per permit: beyond the bound, 503 with Retry-After (agents back off).
fn ingest_slot(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    state
        .ingests
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            message: "the server is taking in other reports; retry shortly".into(),
            retry_after: 5,
        })
}

pub use crate::model::agent_api::IngestAnswer;

#[utoipa::path(tag = "agent channel", request_body(content = Object, description = "A ScanReport (the wire type of `bigr scan --json`)"), responses((status = 201, body = IngestAnswer), (status = 200, description = "Already stored: the original scan", body = IngestAnswer), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, description = "Busy; see Retry-After", body = ErrorBody)), security(("agent_token" = [])))]
#[post("/ingest/discovery")]
pub async fn discovery(
    state: web::Data<AppState>,
    caller: AgentCaller,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let agent = caller.0;
    limit(&state, agent.id, Action::Ingest)?;
    let _slot = ingest_slot(&state)?;
    let body = read_body(&req, &state, payload, state.options.ingest_body_limit).await?;
    let report =
        ScanReport::from_json(&body.bytes).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let site = store::sites::name_of(&state.db, agent.site_id).await?;
    let opts = SaveOptions {
        agent_id: Some(agent.id),
        ..state.options.save.clone()
    };
    let saved = store::save_scan(&state.db, &report, &site, &opts).await?;
    let now = chrono::Utc::now();
    store::agents::record_delivery(&state.db, agent.id, report.observed_at().min(now), now).await?;
    if !saved.already_saved {
        let new_devices = saved
            .changes
            .get(store::change_type::NEW_ASSET)
            .is_some_and(|n| *n > 0);
        state.inventory_grew(new_devices);
    }
    tracing::info!(agent = %agent.id, site = %saved.site, scan = %saved.scan_id, assets = saved.asset_count, again = saved.already_saved, "report ingested");
    let answer = IngestAnswer {
        scan_id: saved.scan_id,
        site: saved.site,
        already_saved: saved.already_saved,
        asset_count: saved.asset_count,
        changes: saved.changes,
    };
    Ok(if answer.already_saved {
        HttpResponse::Ok().json(answer)
    } else {
        HttpResponse::Created().json(answer)
    })
}

#[utoipa::path(tag = "agent channel", request_body = ShieldReport, responses((status = 201, body = ShieldSaved), (status = 200, description = "Already stored", body = ShieldSaved), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, description = "Busy; see Retry-After", body = ErrorBody)), security(("agent_token" = [])))]
#[post("/ingest/shield")]
pub async fn shield(
    state: web::Data<AppState>,
    caller: AgentCaller,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let agent = caller.0;
    limit(&state, agent.id, Action::Ingest)?;
    let _slot = ingest_slot(&state)?;
    let body = read_body(&req, &state, payload, state.options.ingest_body_limit).await?;
    let report =
        ShieldReport::from_json(&body.bytes).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let site = store::sites::name_of(&state.db, agent.site_id).await?;
    let saved = store::shield::save(&state.db, &report, &site, Some(agent.id)).await?;
    let now = chrono::Utc::now();
    store::agents::record_delivery(
        &state.db,
        agent.id,
        report.completed_at.unwrap_or(report.started_at).min(now),
        now,
    )
    .await?;
    Ok(if saved.already_saved {
        HttpResponse::Ok().json(saved)
    } else {
        HttpResponse::Created().json(saved)
    })
}
