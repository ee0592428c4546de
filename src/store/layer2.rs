//! What the layer-2 graph is built from: registered switches and routers with what their
//! last poll learned, their neighbours, and the assets placed on their ports (bounded).
use super::entity::{asset, switch, switch_link};
use super::error::StoreResult;
use super::sites::SiteScope;
use crate::analysis::layer2::{GearRow, LinkRow, PlacedRow};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::BTreeMap;

/// Placed assets read at most: the graph draws `layer2::MAX_DEVICES` and counts the rest,
/// and past this bound the counts stop growing too (a switch showing "20 000+" is enough).
const MAX_PLACED_READ: u64 = 20_000;

/// The rows of `site` (None: every site); `vlan` narrows the placed assets in SQL.
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    vlan: Option<u16>,
) -> StoreResult<(Vec<GearRow>, Vec<LinkRow>, Vec<PlacedRow>)> {
    let scope = SiteScope::of(db, site).await?;
    let switches = scope
        .filter(switch::Entity::find(), switch::Column::SiteId)
        .order_by_asc(switch::Column::SiteId)
        .order_by_asc(switch::Column::Host)
        .all(db)
        .await?;
    let host_of: BTreeMap<uuid::Uuid, String> =
        switches.iter().map(|s| (s.id, s.host.clone())).collect();
    let gear: Vec<GearRow> = switches
        .into_iter()
        .map(|s| {
            let vlans: BTreeMap<u16, Option<String>> =
                serde_json::from_str(&s.vlans).unwrap_or_default();
            GearRow {
                site: scope.name(s.site_id).to_string(),
                host: s.host,
                label: s.label,
                role: s.role,
                chassis_id: s.chassis_id,
                sys_name: s.sys_name,
                vlans: vlans.into_keys().collect(),
                poll_error: s.poll_error,
            }
        })
        .collect();
    let links = scope
        .filter(switch_link::Entity::find(), switch_link::Column::SiteId)
        .order_by_asc(switch_link::Column::SwitchId)
        .order_by_asc(switch_link::Column::LocalPort)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(LinkRow {
                site: scope.name(l.site_id).to_string(),
                host: host_of.get(&l.switch_id)?.clone(),
                local_port: l.local_port,
                protocol: l.protocol,
                chassis_id: l.chassis_id,
                port_id: l.port_id,
                sys_name: l.sys_name,
                description: l.description,
                capabilities: l
                    .capabilities
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                mgmt_address: l.mgmt_address,
            })
        })
        .collect();
    let mut placed_q = scope
        .filter(asset::Entity::find(), asset::Column::SiteId)
        .filter(asset::Column::SwitchHost.is_not_null())
        .filter(asset::Column::Missing.eq(false));
    if let Some(v) = vlan {
        placed_q = placed_q.filter(asset::Column::Vlan.eq(i32::from(v)));
    }
    let placed = placed_q
        .select_only()
        .columns([
            asset::Column::Id,
            asset::Column::SiteId,
            asset::Column::Ip,
            asset::Column::Hostname,
            asset::Column::Category,
            asset::Column::DeviceType,
            asset::Column::SwitchHost,
            asset::Column::SwitchPort,
            asset::Column::Vlan,
        ])
        .order_by_asc(asset::Column::SwitchHost)
        .order_by_asc(asset::Column::IpSort)
        .limit(MAX_PLACED_READ)
        .into_tuple::<(
            uuid::Uuid,
            uuid::Uuid,
            String,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<i32>,
        )>()
        .all(db)
        .await?
        .into_iter()
        .map(
            |(asset_id, site_id, ip, name, category, device_type, host, port, vlan)| PlacedRow {
                site: scope.name(site_id).to_string(),
                switch_host: host.unwrap_or_default(),
                port: port.unwrap_or_default(),
                asset_id,
                ip,
                name,
                category,
                device_type,
                vlan,
            },
        )
        .collect();
    Ok((gear, links, placed))
}
