//! `subnets`, `switches` (with `switches poll`), `certs`.
use super::exit::Exit;
use super::output::{self, opt, opt_time};
use crate::cli::{CertsCommand, PageArgs, SubnetsCommand, SwitchesCommand};
use crate::store::certificates::{self, CertificateFilter, CertificateView};
use crate::store::{PageRequest, subnets, switches};
use chrono::Utc;
use sea_orm::DatabaseConnection;

pub async fn subnets(db: &DatabaseConnection, cmd: SubnetsCommand) -> anyhow::Result<()> {
    match cmd {
        SubnetsCommand::Add {
            cidr,
            label,
            vlan,
            site,
        } => {
            let s = subnets::add(db, &site, &cidr, &label, vlan).await?;
            let after = serde_json::json!({"label": s.label, "vlan_id": s.vlan_id});
            super::audited::record(db, "subnet.add", Some(&s.site), &s.cidr, Some(&after)).await;
            outln!("subnet {} registered in site {}", s.cidr, s.site);
        }
        SubnetsCommand::Remove { cidr, site } => {
            subnets::remove(db, &site, &cidr).await?;
            super::audited::record(db, "subnet.remove", Some(&site), cidr.trim(), None::<&()>)
                .await;
            outln!(
                "subnet {} removed from site {site}",
                subnets::parse_cidr(&cidr)?
            );
        }
        SubnetsCommand::List(args) => {
            let list = subnets::list(db, args.site.as_deref()).await?;
            if args.json {
                return output::json(&list);
            }
            output::table(
                &["SITE", "CIDR", "LABEL", "VLAN", "ASSETS", "LAST SCANNED"],
                list.into_iter()
                    .map(|s| {
                        vec![
                            s.site,
                            s.cidr,
                            s.label,
                            s.vlan_id
                                .map(|v| v.to_string())
                                .unwrap_or_else(|| "-".into()),
                            s.asset_count.to_string(),
                            opt_time(&s.last_scanned_at),
                        ]
                    })
                    .collect(),
            )?;
        }
    }
    Ok(())
}

pub async fn switches(db: &DatabaseConnection, cmd: SwitchesCommand) -> anyhow::Result<()> {
    match cmd {
        SwitchesCommand::Add {
            host,
            community,
            snmp_version,
            label,
            site,
        } => {
            let s = switches::add(db, &site, &host, &community, &snmp_version, &label).await?;
            // The view has no community: the log says one is set, never its value.
            super::audited::record(db, "switch.add", Some(&s.site), &s.host, Some(&s)).await;
            outln!(
                "switch {} registered in site {} (SNMP v{})",
                s.host,
                s.site,
                s.snmp_version
            );
        }
        SwitchesCommand::Remove { host, site } => {
            switches::remove(db, &site, &host).await?;
            super::audited::record(db, "switch.remove", Some(&site), host.trim(), None::<&()>)
                .await;
            outln!("switch {} removed from site {site}", host.trim());
        }
        SwitchesCommand::List(args) => {
            let list = switches::list(db, args.site.as_deref()).await?;
            if args.json {
                return output::json(&list);
            }
            output::table(
                &["SITE", "HOST", "SNMP", "LABEL", "MACS", "LAST POLLED"],
                list.into_iter()
                    .map(|s| {
                        vec![
                            s.site,
                            s.host,
                            s.snmp_version,
                            s.label,
                            s.mac_count.to_string(),
                            opt_time(&s.last_polled_at),
                        ]
                    })
                    .collect(),
            )?;
        }
        SwitchesCommand::Poll { site, json } => poll(db, &site, json).await?,
    }
    Ok(())
}

/// One switch's poll as `switches poll --json` prints it.
#[derive(serde::Serialize)]
struct PollView {
    host: String,
    ok: bool,
    error: Option<String>,
    macs: usize,
    placed: u64,
    entries: Vec<EntryView>,
}

#[derive(serde::Serialize)]
struct EntryView {
    mac: String,
    port: String,
    port_index: Option<u32>,
    uplink: bool,
}

async fn poll(db: &DatabaseConnection, site: &str, json: bool) -> anyhow::Result<()> {
    let polls = super::scan_stored::poll_switches(db, site).await?;
    if polls.is_empty() {
        return Err(Exit::BadInput(format!(
            "site '{site}' has no registered switches (bigr switches add HOST --community C)"
        ))
        .into());
    }
    let recorded = super::scan_stored::record_polls(db, site, &polls).await;
    let mut views = Vec::new();
    for (p, outcome) in polls.iter().zip(recorded) {
        let (placed, error) = match outcome {
            Ok(placed) => (placed, None),
            Err(e) => (0, Some(e)),
        };
        let entries = p.table.as_ref().map(Vec::as_slice).unwrap_or_default();
        views.push(PollView {
            host: p.host.clone(),
            ok: error.is_none(),
            error,
            macs: entries.len(),
            placed,
            entries: entries
                .iter()
                .map(|e| EntryView {
                    mac: e.mac.to_string(),
                    port: e.port.clone(),
                    port_index: e.port_index,
                    uplink: e.uplink,
                })
                .collect(),
        });
    }
    if json {
        output::json(&views)?;
    } else {
        output::table(
            &["SWITCH", "MACS", "ASSETS PLACED", "ERROR"],
            views
                .iter()
                .map(|v| {
                    vec![
                        v.host.clone(),
                        v.macs.to_string(),
                        v.placed.to_string(),
                        v.error.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        )?;
    }
    let failed: Vec<String> = views
        .iter()
        .filter_map(|v| v.error.as_ref().map(|e| format!("switch {}: {e}", v.host)))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Exit::Partial(failed.join("; ")).into())
    }
}

pub async fn certs(db: &DatabaseConnection, cmd: CertsCommand) -> anyhow::Result<()> {
    let (filter, page, as_json): (CertificateFilter, PageArgs, bool) = match cmd {
        CertsCommand::List {
            site,
            self_signed,
            page,
            json,
        } => (
            CertificateFilter {
                site,
                self_signed: self_signed.then_some(true),
                expiring_days: None,
            },
            page,
            json,
        ),
        CertsCommand::Expiring {
            days,
            site,
            page,
            json,
        } => {
            if !(0..=3650).contains(&days) {
                anyhow::bail!("--days must be between 0 and 3650");
            }
            (
                CertificateFilter {
                    site,
                    expiring_days: Some(days),
                    self_signed: None,
                },
                page,
                json,
            )
        }
    };
    let list = certificates::list(
        db,
        &filter,
        PageRequest::new(page.page, page.limit)?,
        Utc::now(),
    )
    .await?;
    if as_json {
        return output::json(&list);
    }
    output::table(
        &[
            "SITE",
            "ENDPOINT",
            "SUBJECT",
            "ISSUER",
            "EXPIRES",
            "DAYS",
            "STATUS",
            "SELF-SIGNED",
            "KEY",
        ],
        list.items.iter().map(cert_row).collect(),
    )?;
    output::page_footer(list.page, list.per_page, list.total)?;
    Ok(())
}

fn cert_row(c: &CertificateView) -> Vec<String> {
    vec![
        c.site.clone(),
        format!("{}:{}", c.ip, c.port),
        opt(&c.subject_cn),
        opt(&c.issuer),
        opt_time(&c.not_after),
        c.days_until_expiry
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into()),
        c.expiry_status.to_string(),
        if c.self_signed {
            "yes".into()
        } else {
            "no".into()
        },
        match (&c.key_type, c.key_bits) {
            (Some(t), Some(b)) => format!("{t} {b}"),
            (Some(t), None) => t.clone(),
            _ => "-".into(),
        },
    ]
}
