//! `bigr shield` in the server build: the site's known assets as targets (`--inventory`),
//! its fragile hosts spared, and the report stored (the store recomputes the score).
use super::exit::Exit;
use super::shield::{check, given_targets, show};
use crate::cli::ShieldArgs;
use crate::config::Settings;
use crate::shield::{self, Module, ShieldTarget};
use crate::store;
use std::collections::HashSet;
use std::net::IpAddr;

pub async fn run(
    settings: &Settings,
    args: &ShieldArgs,
    modules: Vec<Module>,
) -> anyhow::Result<()> {
    let db = super::open(settings).await?;
    let (mut targets, label) = if args.inventory {
        let known = store::shield::known_hosts(&db, &args.site, &shield::candidate_ports(&modules))
            .await
            .map_err(|e| Exit::BadInput(e.to_string()))?;
        let targets: Vec<ShieldTarget> = known
            .into_iter()
            .map(|h| ShieldTarget {
                ip: h.ip,
                name: h.hostname.filter(|n| n.contains('.')),
                ports: Some(h.open_ports),
                fragile: h.fragile,
                pinned: false,
            })
            .collect();
        (targets, format!("inventory of site {}", args.site))
    } else {
        (given_targets(args, &modules).await?, args.targets.join(" "))
    };
    if !args.inventory {
        // Fragile hosts of the site are marked, so intrusive modules skip them.
        let fragile: HashSet<IpAddr> = store::inventory::fragile_ips(&db, &args.site)
            .await?
            .into_iter()
            .collect();
        for t in &mut targets {
            t.fragile = fragile.contains(&t.ip);
        }
    }
    let report = check(args, modules, targets, label).await?;
    let saved = if args.no_save {
        None
    } else {
        Some(store::shield::save(&db, &report, &args.site, None).await?)
    };
    show(args, &report, saved.as_ref())
}
