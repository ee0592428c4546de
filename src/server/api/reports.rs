//! `GET /api/reports/compliance`: the auditor's report of a site or all sites, for any
//! signed-in user. Its figures are read first (a bad site or period is a JSON error), then
//! the HTML is streamed as it is written: a large inventory never sits in memory, and a
//! client that goes away stops the work. A PDF is typeset whole, then sent. Two reports are
//! written at once at most.
use crate::report::out::{Out, Target};
use crate::report::{self, Lang, Meta, ReportRequest};
use crate::server::audit::Audit;
use crate::server::body::Params;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::SignedIn;
use crate::server::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// One site; every site when left out.
    pub site: Option<String>,
    /// Start of the period (RFC 3339); default 30 days before `to`.
    pub from: Option<DateTime<Utc>>,
    /// End of the period (RFC 3339); default now.
    pub to: Option<DateTime<Utc>>,
    /// `html` (the default; streamed) or `pdf` (typeset on the server; lists up to 500
    /// assets, counting the rest).
    pub format: Option<String>,
    /// `tr` (the default) or `en`.
    pub lang: Option<String>,
    /// The organisation named on the cover.
    pub organisation: Option<String>,
}

#[utoipa::path(tag = "analysis", operation_id = "download_compliance_report", params(ReportQuery), responses((status = 200, description = "The report: one self-contained HTML file, or a PDF", content(("text/html"), ("application/pdf"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[get("/reports/compliance")]
pub async fn compliance_report(
    state: web::Data<AppState>,
    who: SignedIn,
    q: Params<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.0;
    let format = report::Format::parse(q.format.as_deref().unwrap_or_default())
        .map_err(|why| ApiError::BadRequest(format!("invalid field `format`: {why}")))?;
    let lang = match q.lang.as_deref() {
        None => Lang::Tr,
        Some(l) => Lang::parse(l).ok_or_else(|| {
            ApiError::BadRequest(format!("invalid field `lang`: {l:?} (tr or en)"))
        })?,
    };
    let slot = state
        .reports
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            message: "reports are being written; try again shortly".into(),
            retry_after: 10,
        })?;
    let req = ReportRequest {
        site: q.site,
        from: q.from,
        to: q.to,
        lang,
        organisation: q.organisation,
    };
    let meta = Meta {
        generated_by: who.user.username.clone(),
        generated_at: Utc::now(),
    };
    let prepared = report::prepare(&state.db, req, meta).await?;
    let name = prepared.file_name(format.extension());
    let mut audit = Audit::new("report.compliance").target(name.clone());
    if let Some(s) = &prepared.req.site {
        audit = audit.site(s);
    }
    audit.by(&who, &state).await;
    let answer = |body| {
        HttpResponse::Ok()
            .content_type(format.content_type())
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            ))
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    };
    let db = state.db.clone();
    if format == report::Format::Pdf {
        // Typesetting needs the whole document; it runs on its own task holding the slot, so
        // a client that leaves cannot start more of them than there are slots.
        let pdf = tokio::spawn(async move {
            let pdf = report::pdf_bytes(&db, &prepared).await;
            drop(slot);
            pdf
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok(answer(actix_web::body::BoxBody::new(pdf)));
    }
    // A few chunks ahead of the client at most.
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::spawn(async move {
        if let Err(e) = report::write_html(&db, &prepared, Out::new(Target::Channel(tx))).await {
            tracing::warn!("compliance report stopped: {e}");
        }
        drop(slot);
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), rx))
    });
    Ok(answer(actix_web::body::BoxBody::new(
        actix_web::body::BodyStream::new(body),
    )))
}
