//! `user add|passwd|list|remove`.
use super::output::{self, opt_time, time};
use crate::cli::{AuditArgs, UserCommand};
use crate::password;
use crate::store::users::{self, Role};
use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;
use std::io::{BufRead, IsTerminal};

pub async fn run(db: &DatabaseConnection, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            password_stdin,
        } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            users::validate_username(&username)?;
            if users::find(db, &username).await?.is_some() {
                bail!("user '{}' already exists", username.trim());
            }
            let hash = read_new_password(password_stdin)?;
            let u = users::add(db, &username, &hash, role).await?;
            let after = serde_json::json!({"role": u.role});
            super::audited::record(db, "user.add", None, &u.username, Some(&after)).await;
            outln!("user {} added ({})", u.username, u.role);
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            if users::find(db, &username).await?.is_none() {
                bail!("user '{}' not found", username.trim());
            }
            let hash = read_new_password(password_stdin)?;
            // A changed password ends every session signed in with the old one.
            users::change(db, &username, None, Some(&hash)).await?;
            let after = serde_json::json!({"password_changed": true});
            super::audited::record(db, "user.change", None, username.trim(), Some(&after)).await;
            outln!("password of {} changed", username.trim());
        }
        UserCommand::List(args) => {
            let list = users::list(db).await?;
            if args.json {
                return output::json(&list);
            }
            output::table(
                &["USER", "ROLE", "CREATED", "LAST LOGIN"],
                list.iter()
                    .map(|u| {
                        vec![
                            u.username.clone(),
                            u.role.clone(),
                            time(&u.created_at),
                            opt_time(&u.last_login_at),
                        ]
                    })
                    .collect(),
            )?;
        }
        UserCommand::Remove { username } => {
            users::remove(db, &username).await?;
            super::audited::record(db, "user.remove", None, username.trim(), None::<&()>).await;
            outln!("user {} removed", username.trim());
        }
    }
    Ok(())
}

/// Reads a password (stdin line, or a prompt asked twice) and returns its argon2id hash.
fn read_new_password(from_stdin: bool) -> anyhow::Result<String> {
    let pw = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        if !std::io::stdin().is_terminal() {
            bail!("no terminal to ask for a password: pipe it in with --password-stdin");
        }
        let first = rpassword::prompt_password("password: ")?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        first
    };
    password::check_strength(&pw).map_err(anyhow::Error::msg)?;
    password::hash(&pw).map_err(anyhow::Error::msg)
}

/// `bigr audit`: the newest entries of the audit log.
pub async fn audit(db: &DatabaseConnection, args: AuditArgs) -> anyhow::Result<()> {
    use crate::store::audit::{self, Filter};
    let filter = Filter {
        actor: args.user,
        action: args.action,
        site: args.site,
        from: args.since,
        to: None,
    };
    let page = crate::store::PageRequest::new(1, args.limit)?;
    let entries = audit::list(db, &filter, page).await?;
    if args.json {
        return output::json(&entries);
    }
    let change =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    output::table(
        &[
            "WHEN", "WHO", "FROM", "ACTION", "SITE", "TARGET", "BEFORE", "AFTER",
        ],
        entries
            .items
            .iter()
            .map(|e| {
                vec![
                    time(&e.at),
                    e.actor.clone(),
                    e.address.clone().unwrap_or_default(),
                    e.action.clone(),
                    e.site.clone().unwrap_or_default(),
                    e.target.clone().unwrap_or_default(),
                    change(&e.before),
                    change(&e.after),
                ]
            })
            .collect(),
    )?;
    if entries.total > entries.items.len() as u64 {
        outln!(
            "{} of {} entries (--limit, --since)",
            entries.items.len(),
            entries.total
        );
    }
    Ok(())
}
