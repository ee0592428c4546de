//! `subnets`, `switches` (with `switches poll`), `certs`.
use super::exit::Exit;
use super::output::{self, opt, opt_time};
use crate::cli::{CertsCommand, PageArgs, SubnetsCommand, SwitchesCommand};
use crate::model::gear;
use crate::model::snmp_access::{AuthProtocol, PrivProtocol, SwitchCredentials, UsmCredentials};
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
        SwitchesCommand::Add(args) => {
            let crate::cli::SwitchAddArgs {
                host,
                community,
                snmp_version,
                user,
                auth,
                auth_pass_file,
                privacy,
                priv_pass_file,
                context,
                role,
                label,
                site,
            } = *args;
            let access = SwitchCredentials {
                host,
                community: community.unwrap_or_default(),
                usm: usm_of(user, auth, auth_pass_file, privacy, priv_pass_file, context)?,
                snmp_version,
                role: role.parse().map_err(Exit::BadInput)?,
            };
            let s = switches::register(db, &site, &access, &label).await?;
            // The view has no community: the log says one is set, never its value.
            super::audited::record(db, "switch.add", Some(&s.site), &s.host, Some(&s)).await;
            outln!(
                "{} {} registered in site {} (SNMP v{})",
                s.role.as_str(),
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
                &[
                    "SITE",
                    "HOST",
                    "ROLE",
                    "SNMP",
                    "LABEL",
                    "MACS",
                    "VLANS",
                    "LAST POLLED",
                    "ERROR",
                ],
                list.into_iter()
                    .map(|s| {
                        let snmp = match (&s.snmp_user, &s.auth) {
                            (Some(user), Some(auth)) => format!(
                                "v3 {user} {auth}{}",
                                s.privacy
                                    .as_deref()
                                    .map(|p| format!("/{p}"))
                                    .unwrap_or_default()
                            ),
                            _ => format!("v{}", s.snmp_version),
                        };
                        vec![
                            s.site,
                            s.host,
                            s.role.as_str().to_string(),
                            snmp,
                            s.label,
                            s.mac_count.to_string(),
                            s.vlans.len().to_string(),
                            opt_time(&s.last_polled_at),
                            s.poll_error.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )?;
        }
        SwitchesCommand::Poll { site, json } => poll(db, &site, json).await?,
    }
    Ok(())
}

/// SNMPv3 credentials from the command line; none when no v3 option was given. Pass
/// phrases come from files only.
fn usm_of(
    user: Option<String>,
    auth: Option<String>,
    auth_pass_file: Option<std::path::PathBuf>,
    privacy: Option<String>,
    priv_pass_file: Option<std::path::PathBuf>,
    context: String,
) -> anyhow::Result<Option<UsmCredentials>> {
    let any = user.is_some() || auth.is_some() || auth_pass_file.is_some();
    if !any && privacy.is_none() && priv_pass_file.is_none() {
        return Ok(None);
    }
    let (Some(user), Some(auth), Some(auth_file)) = (user, auth, auth_pass_file) else {
        return Err(Exit::BadInput(
            "SNMPv3 needs --user, --auth and --auth-pass-file together".into(),
        )
        .into());
    };
    let privacy = privacy
        .map(|p| p.parse::<PrivProtocol>())
        .transpose()
        .map_err(Exit::BadInput)?;
    let priv_pass = match (privacy, priv_pass_file) {
        (Some(_), Some(f)) => super::secret_file::read_secret(&f)?,
        (Some(_), None) => {
            return Err(Exit::BadInput("--priv needs --priv-pass-file".into()).into());
        }
        (None, Some(_)) => {
            return Err(Exit::BadInput("--priv-pass-file needs --priv".into()).into());
        }
        (None, None) => String::new(),
    };
    Ok(Some(UsmCredentials {
        user,
        auth: auth.parse::<AuthProtocol>().map_err(Exit::BadInput)?,
        auth_pass: super::secret_file::read_secret(&auth_file)?,
        privacy,
        priv_pass,
        context,
    }))
}

/// One switch's poll as `switches poll --json` prints it.
#[derive(serde::Serialize)]
struct PollView {
    host: String,
    role: &'static str,
    ok: bool,
    error: Option<String>,
    macs: usize,
    placed: u64,
    entries: Vec<EntryView>,
    identity: gear::LocalIdentity,
    vlans: Vec<gear::VlanName>,
    neighbours: Vec<gear::Neighbour>,
    /// A router's address table: IP and MAC of each neighbour.
    addresses: Vec<AddressView>,
}

#[derive(serde::Serialize)]
struct EntryView {
    mac: String,
    port: String,
    port_index: Option<u32>,
    uplink: bool,
    vlan: Option<u16>,
}

#[derive(serde::Serialize)]
struct AddressView {
    ip: String,
    mac: String,
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
    let observed: Vec<_> = polls.iter().map(|p| p.observation()).collect();
    switches::record_observations(db, site, &observed).await?;
    let mut views = Vec::new();
    for (p, outcome) in polls.iter().zip(recorded) {
        let (placed, error) = match outcome {
            Ok(placed) => (placed, None),
            Err(e) => (0, Some(e)),
        };
        let entries = p
            .table
            .as_ref()
            .map(|t| t.forwarding.as_slice())
            .unwrap_or_default();
        let seen = p.observation();
        views.push(PollView {
            host: p.host.clone(),
            role: p.role.as_str(),
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
                    vlan: e.vlan,
                })
                .collect(),
            identity: seen.identity,
            vlans: seen.vlans,
            neighbours: seen.neighbours,
            addresses: p
                .addresses()
                .iter()
                .map(|a| AddressView {
                    ip: a.ip.to_string(),
                    mac: a.mac.to_string(),
                })
                .collect(),
        });
    }
    if json {
        output::json(&views)?;
    } else {
        output::table(
            &[
                "DEVICE",
                "ROLE",
                "MACS",
                "ASSETS PLACED",
                "NEIGHBOURS",
                "ROUTED",
                "ERROR",
            ],
            views
                .iter()
                .map(|v| {
                    let neighbours = v.neighbours.len();
                    vec![
                        v.host.clone(),
                        v.role.to_string(),
                        v.macs.to_string(),
                        v.placed.to_string(),
                        neighbours.to_string(),
                        v.addresses.len().to_string(),
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
