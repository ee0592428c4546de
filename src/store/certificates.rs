//! TLS certificates seen on ip:port, one row per site/ip/port, expiry computed when read.
use super::entity::certificate;
use super::error::StoreResult;
use super::page::{Page, PageRequest};
use super::sites::SiteScope;
use crate::model::CertificateObservation;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Inserts or refreshes the certificates of one report. `owners` maps IP → asset id.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn upsert_observed<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    now: DateTime<Utc>,
    certs: &[CertificateObservation],
    owners: &HashMap<String, Uuid>,
) -> StoreResult<()> {
    // The same ip:port twice in one report: the last one wins (one row per endpoint).
    let mut unique: HashMap<(String, u16), &CertificateObservation> = HashMap::new();
    for c in certs {
        unique.insert((c.ip.to_string(), c.port), c);
    }
    // A late report must not bring back a certificate that was since replaced.
    let newer: std::collections::HashSet<(String, u16)> = certificate::Entity::find()
        .filter(certificate::Column::SiteId.eq(site_id))
        .filter(certificate::Column::LastSeen.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.ip, c.port as u16))
        .collect();
    unique.retain(|k, _| !newer.contains(k));
    let rows: Vec<certificate::ActiveModel> = unique
        .into_values()
        .map(|c| certificate::ActiveModel {
            id: Set(Uuid::now_v7()),
            site_id: Set(site_id),
            asset_id: Set(owners.get(&c.ip.to_string()).copied()),
            ip: Set(c.ip.to_string()),
            port: Set(i32::from(c.port)),
            subject_cn: Set(c.subject_cn.clone()),
            sans: Set(serde_json::to_value(&c.sans).unwrap_or_default()),
            issuer: Set(c.issuer.clone()),
            serial: Set(c.serial.clone()),
            not_before: Set(c.not_before),
            not_after: Set(c.not_after),
            key_type: Set(c.key_type.clone()),
            key_bits: Set(c.key_bits.map(|b| b as i32)),
            signature_algorithm: Set(c.signature_algorithm.clone()),
            fingerprint_sha256: Set(c.fingerprint_sha256.to_lowercase()),
            self_signed: Set(c.self_signed),
            first_seen: Set(now),
            last_seen: Set(now),
        })
        .collect();
    use certificate::Column as C;
    for chunk in rows.chunks(super::rows_per_insert::<certificate::Entity>()) {
        certificate::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([C::SiteId, C::Ip, C::Port])
                    .update_columns([
                        C::AssetId,
                        C::SubjectCn,
                        C::Sans,
                        C::Issuer,
                        C::Serial,
                        C::NotBefore,
                        C::NotAfter,
                        C::KeyType,
                        C::KeyBits,
                        C::SignatureAlgorithm,
                        C::FingerprintSha256,
                        C::SelfSigned,
                        C::LastSeen,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Expiry state of a certificate at read time.
pub fn expiry_status(days_left: Option<i64>) -> &'static str {
    match days_left {
        None => "unknown",
        Some(d) if d < 0 => "expired",
        Some(d) if d <= 7 => "critical",
        Some(d) if d <= 30 => "warning",
        Some(_) => "ok",
    }
}

/// A certificate as the CLI and API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CertificateView {
    pub id: Uuid,
    pub site: String,
    pub asset_id: Option<Uuid>,
    pub ip: String,
    pub port: u16,
    pub subject_cn: Option<String>,
    pub sans: Vec<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub not_before: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
    pub days_until_expiry: Option<i64>,
    pub expiry_status: &'static str,
    pub key_type: Option<String>,
    pub key_bits: Option<i32>,
    pub signature_algorithm: Option<String>,
    pub fingerprint_sha256: String,
    pub self_signed: bool,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// Filters of the certificate list.
#[derive(Clone, Debug, Default)]
pub struct CertificateFilter {
    pub site: Option<String>,
    /// Only certificates expiring within this many days (expired ones included).
    pub expiring_days: Option<i64>,
    pub self_signed: Option<bool>,
}

fn view(c: certificate::Model, site: String, now: DateTime<Utc>) -> CertificateView {
    // Floor, so a certificate that expired an hour ago reads -1 day, not 0.
    let days = c
        .not_after
        .map(|t| (t - now).num_seconds().div_euclid(86_400));
    CertificateView {
        id: c.id,
        site,
        asset_id: c.asset_id,
        ip: c.ip,
        port: c.port as u16,
        subject_cn: c.subject_cn,
        sans: serde_json::from_value(c.sans).unwrap_or_default(),
        issuer: c.issuer,
        serial: c.serial,
        not_before: c.not_before,
        not_after: c.not_after,
        days_until_expiry: days,
        expiry_status: expiry_status(days),
        key_type: c.key_type,
        key_bits: c.key_bits,
        signature_algorithm: c.signature_algorithm,
        fingerprint_sha256: c.fingerprint_sha256,
        self_signed: c.self_signed,
        first_seen: c.first_seen,
        last_seen: c.last_seen,
    }
}

/// Most certificates one asset's page lists.
const PER_ASSET: u64 = 500;

/// The certificates of one asset: recorded for it, or seen on its address in its site.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn of_asset<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    site: &str,
    asset_id: Uuid,
    ip: &str,
    now: DateTime<Utc>,
) -> StoreResult<Vec<CertificateView>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::SiteId.eq(site_id))
        .filter(
            Condition::any()
                .add(certificate::Column::AssetId.eq(asset_id))
                .add(certificate::Column::Ip.eq(ip)),
        )
        .order_by_desc(certificate::Column::LastSeen)
        .order_by_asc(certificate::Column::Id)
        .limit(PER_ASSET)
        .all(db)
        .await?
        .into_iter()
        .map(|c| view(c, site.to_string(), now))
        .collect())
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &CertificateFilter,
    page: PageRequest,
    now: DateTime<Utc>,
) -> StoreResult<Page<CertificateView>> {
    let mut cond = Condition::all();
    let scope = SiteScope::of(db, filter.site.as_deref()).await?;
    if let Some(id) = scope.id() {
        cond = cond.add(certificate::Column::SiteId.eq(id));
    }
    if let Some(days) = filter.expiring_days {
        cond = cond.add(certificate::Column::NotAfter.lte(now + chrono::Duration::days(days)));
    }
    if let Some(ss) = filter.self_signed {
        cond = cond.add(certificate::Column::SelfSigned.eq(ss));
    }
    let query = certificate::Entity::find().filter(cond);
    let query = if filter.expiring_days.is_some() {
        query.order_by_asc(certificate::Column::NotAfter)
    } else {
        query.order_by_desc(certificate::Column::LastSeen)
    };
    let (rows, total) = page
        .fetch(db, query.order_by_asc(certificate::Column::Id))
        .await?;
    let items = rows
        .into_iter()
        .map(|c| {
            let site = scope.name(c.site_id).to_string();
            view(c, site, now)
        })
        .collect();
    Ok(page.wrap(items, total))
}
