//! `user add|passwd|list|remove`.
use super::output::{self, opt_time, time};
use crate::cli::UserCommand;
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
