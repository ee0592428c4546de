//! One function per subcommand: load what it needs, call the library, render the result.

/// `println!` that returns the write error instead of panicking, so `bigr risk | head -1`
/// ends quietly when the reader goes away (`main` treats a broken pipe as success).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `print!` with the same rule as `outln!`.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod agent;
#[cfg(feature = "server")]
mod agent_command;
#[cfg(feature = "server")]
pub mod alert_channels;
#[cfg(feature = "server")]
pub mod alerts;
#[cfg(feature = "server")]
mod audited;
mod config_cmd;
#[cfg(feature = "server")]
mod db;
#[cfg(feature = "server")]
mod demo;
#[cfg(feature = "server")]
mod enroll;
pub mod exit;
mod health;
#[cfg(feature = "server")]
mod insight;
#[cfg(feature = "server")]
mod inventory;
pub mod labels;
mod output;
#[cfg(feature = "server")]
mod registry;
#[cfg(feature = "server")]
pub mod release;
#[cfg(feature = "server")]
pub mod report;
mod scan;
mod scan_output;
#[cfg(feature = "server")]
mod scan_stored;
mod secret_file;
#[cfg(feature = "server")]
mod serve;
mod shield;
#[cfg(feature = "server")]
mod shield_stored;
#[cfg(feature = "server")]
mod users;

use crate::cli::{AgentCommand, Cli, Command};
use crate::config::{FlagOverrides, Settings};

/// Runs the parsed command line. `Err` is printed as one line by `main`.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Version(args) => return output::version(args.json, args.check),
        #[cfg(feature = "server")]
        Command::Release(cmd) if !cmd.needs_database() => return release::run(cmd),
        Command::Completions { shell } => return output::completions(*shell),
        Command::Agent(AgentCommand::Install(args)) => return agent::install(args),
        _ => {}
    }
    let (settings, figment) = Settings::load(
        cli.home.clone(),
        FlagOverrides {
            database_url: cli.database_url.clone(),
        },
    )?;
    init_tracing(&settings.log);
    let lang = cli.lang.clone();
    if let Some(warning) = crate::config::exposed_secret_warning(&settings) {
        tracing::warn!("{warning}");
    }
    match cli.command {
        Command::Config(crate::cli::ConfigCommand::Show(args)) => {
            config_cmd::show(&settings, &figment, args.json)
        }
        Command::Shield(args) => shield::run(&settings, args).await,
        Command::Scan(args) => {
            scan::run(&settings, args, labels::Lang::detect(lang.as_deref())).await
        }
        Command::Health(args) => health::health(args).await,
        Command::Agent(cmd) => match cmd {
            AgentCommand::Register(args) => agent::register(&settings, args).await,
            AgentCommand::Start(args) => agent::start(&settings, args).await,
            AgentCommand::Stop(args) => agent::stop(&settings, args),
            AgentCommand::Status(args) => agent::status(&settings, args).await,
            // Answered above, before the settings are read.
            AgentCommand::Install(_) => Ok(()),
            #[cfg(feature = "server")]
            AgentCommand::Enroll(args) => enroll::enroll(&settings, args).await,
            #[cfg(feature = "server")]
            AgentCommand::Command(args) => agent_command::run(&settings, args).await,
        },
        Command::Version(_) | Command::Completions { .. } => Ok(()),
        #[cfg(feature = "server")]
        command => run_on_database(&settings, command).await,
    }
}

/// The commands over the inventory database, which only the server build has.
#[cfg(feature = "server")]
async fn run_on_database(settings: &Settings, command: Command) -> anyhow::Result<()> {
    use crate::cli::DbCommand;
    match command {
        Command::Db(DbCommand::Copy { from, to }) => db::copy(settings, &from, &to).await,
        Command::Db(DbCommand::Status(args)) => db::status(settings, args.json).await,
        Command::Db(DbCommand::Migrate) => db::migrate(settings).await,
        Command::Demo(crate::cli::DemoCommand::Load) => {
            demo::load(&open(settings).await?, settings).await
        }
        Command::Demo(crate::cli::DemoCommand::Remove) => {
            demo::remove(&open(settings).await?).await
        }
        Command::Tag(args) => inventory::tag(&open(settings).await?, args).await,
        Command::Untag(args) => inventory::untag(&open(settings).await?, args).await,
        Command::Tags(args) => inventory::tags(&open(settings).await?, args).await,
        Command::History(args) => inventory::history(&open(settings).await?, args).await,
        Command::Changes(args) => inventory::changes(&open(settings).await?, args).await,
        Command::Subnets(cmd) => registry::subnets(&open(settings).await?, cmd).await,
        Command::Switches(cmd) => registry::switches(&open(settings).await?, cmd).await,
        Command::Certs(cmd) => registry::certs(&open(settings).await?, cmd).await,
        Command::User(cmd) => users::run(&open(settings).await?, cmd).await,
        Command::Alerts(cmd) => alerts::run(&open(settings).await?, cmd).await,
        Command::Report(args) => report::run(&open(settings).await?, args).await,
        Command::Audit(args) => users::audit(&open(settings).await?, args).await,
        Command::Serve(args) => serve::run(settings, args).await,
        Command::Compliance(args) => insight::compliance(&open(settings).await?, args).await,
        Command::Risk(args) => insight::risk(&open(settings).await?, args).await,
        Command::Vulns(args) => insight::vulns(&open(settings).await?, args).await,
        Command::Analytics(args) => insight::analytics(&open(settings).await?, args).await,
        Command::Release(cmd) => release::add(&open(settings).await?, settings, cmd).await,
        // Answered by `run` before the database is needed.
        Command::Config(_)
        | Command::Shield(_)
        | Command::Scan(_)
        | Command::Health(_)
        | Command::Agent(_)
        | Command::Version(_)
        | Command::Completions { .. } => Ok(()),
    }
}

#[cfg(feature = "server")]
/// The missing-asset rules of the settings, for every save (local scans and ingest).
pub fn save_options(settings: &Settings) -> crate::store::SaveOptions {
    crate::store::SaveOptions {
        missing_after_scans: settings.missing_after_scans,
        missing_after: chrono::Duration::minutes(i64::from(settings.missing_after_minutes)),
        agent_id: None,
        max_site_assets: Some(settings.max_site_assets),
    }
}

#[cfg(feature = "server")]
/// Opens the configured database, migrating it first.
pub async fn open(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    Ok(crate::store::open(&settings.database_url(), &open_options(settings, true)).await?)
}

#[cfg(feature = "server")]
fn open_options(settings: &Settings, migrate: bool) -> crate::store::OpenOptions {
    crate::store::OpenOptions {
        attempts: settings.db_connect_attempts,
        max_connections: settings.db_max_connections,
        migrate,
    }
}

fn init_tracing(level: &str) {
    use tracing_subscriber::EnvFilter;
    // The driver logs every statement at INFO: keep it quiet unless asked for by name.
    let mut filter = EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| EnvFilter::try_new(format!("{level},sqlx=warn,sea_orm_migration=warn")))
        .unwrap_or_else(|_| EnvFilter::new("warn"));
    // ureq's trace output dumps requests byte by byte, the agent's bearer token included:
    // off whatever the filter says.
    for quiet in ["ureq=off", "ureq_proto=off"] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
