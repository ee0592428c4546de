//! Loads what analysis needs about every asset of a site (or all sites) in one query, only
//! the columns it reads: compliance and topology skip services, risk and CVEs need them.
use super::entity::asset;
use super::error::StoreResult;
use crate::model::AssetFacts;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    site_id: Uuid,
    ip: String,
    mac: Option<String>,
    hostname: Option<String>,
    vendor: Option<String>,
    category: String,
    device_type: String,
    confidence: f64,
    manual_category: Option<String>,
    open_ports: serde_json::Value,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    missing: bool,
    change_count: i32,
    switch_host: Option<String>,
    switch_port: Option<String>,
    services: serde_json::Value,
}

/// Every asset of `site` (None: all sites), ordered by site and address.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    with_services: bool,
) -> StoreResult<Vec<AssetFacts>> {
    use asset::Column as A;
    let mut q = asset::Entity::find();
    if let Some(name) = site {
        let s = super::sites::require(db, name).await?;
        q = q.filter(A::SiteId.eq(s.id));
    }
    let q = q
        .order_by_asc(A::SiteId)
        .order_by_asc(A::IpSort)
        .order_by_asc(A::Id);
    // Without services, the small `open_ports` column stands in under that name so the
    // row type stays one (and rows are read in one consistent query).
    let services_col = if with_services {
        A::Services
    } else {
        A::OpenPorts
    };
    let rows = q
        .select_only()
        .columns([
            A::Id,
            A::SiteId,
            A::Ip,
            A::Mac,
            A::Hostname,
            A::Vendor,
            A::Category,
            A::DeviceType,
            A::Confidence,
            A::ManualCategory,
            A::OpenPorts,
            A::FirstSeen,
            A::LastSeen,
            A::Missing,
            A::ChangeCount,
            A::SwitchHost,
            A::SwitchPort,
        ])
        .column_as(services_col, "services")
        .into_model::<Row>()
        .all(db)
        .await?;
    let names = super::sites::names(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| AssetFacts {
            id: r.id,
            site: names.get(&r.site_id).cloned().unwrap_or_default(),
            ip: r.ip,
            mac: r.mac,
            hostname: r.hostname,
            vendor: r.vendor,
            category: r.category,
            device_type: r.device_type,
            confidence: r.confidence,
            manual: r.manual_category.is_some(),
            open_ports: serde_json::from_value(r.open_ports).unwrap_or_default(),
            services: if with_services {
                serde_json::from_value(r.services).unwrap_or_default()
            } else {
                Vec::new()
            },
            first_seen: r.first_seen,
            last_seen: r.last_seen,
            missing: r.missing,
            change_count: r.change_count,
            switch_host: r.switch_host,
            switch_port: r.switch_port,
        })
        .collect())
}
