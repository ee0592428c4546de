//! The whole command tree of `bigr`, and nothing else. Commands arrive with their issue:
//! nothing here is a placeholder.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "bigr",
    version,
    about = "BİGR Discovery: network asset inventory and classification"
)]
pub struct Cli {
    /// Folder for config.toml, the SQLite database and agent state [default: ~/.bigr]
    #[arg(long, global = true, env = "BIGR_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Database to use (sqlite:PATH or postgres://…); overrides config and environment
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Language of tables and summaries: en or tr [default: from LC_ALL / LANG]
    #[arg(long, global = true, value_parser = ["en", "tr"])]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Discover and classify the devices of a network, store them and show what changed
    Scan(ScanArgs),
    #[cfg(feature = "server")]
    /// Set an asset's group by hand; re-scans never overwrite it
    Tag(TagArgs),
    #[cfg(feature = "server")]
    /// Remove a manual tag; the asset returns to its computed group
    Untag(AssetRefArgs),
    #[cfg(feature = "server")]
    /// List manually tagged assets
    Tags(SiteListArgs),
    #[cfg(feature = "server")]
    /// Scan history, or the history of one asset
    History(HistoryArgs),
    #[cfg(feature = "server")]
    /// Recorded changes: new, moved, changed, missing and returned assets, port changes
    Changes(ChangesArgs),
    #[cfg(feature = "server")]
    /// Registered subnets of a site
    #[command(subcommand)]
    Subnets(SubnetsCommand),
    #[cfg(feature = "server")]
    /// SNMP switches whose forwarding tables map devices to ports
    #[command(subcommand)]
    Switches(SwitchesCommand),
    #[cfg(feature = "server")]
    /// TLS certificates seen on the network
    #[command(subcommand)]
    Certs(CertsCommand),
    /// Security posture checks (TLS, exposed services, web headers): scored findings, stored
    Shield(ShieldArgs),
    #[cfg(feature = "server")]
    /// Alerts: new, missing and flapping devices, risky ports, silent agents, Shield findings,
    /// expiring certificates; their rules and channels (webhook, Slack, Teams, syslog)
    #[command(subcommand)]
    Alerts(crate::commands::alerts::AlertsCommand),
    #[cfg(feature = "server")]
    /// Dashboard users
    #[command(subcommand)]
    User(UserCommand),
    #[cfg(feature = "server")]
    /// The audit log: every admin action, login and failed login, newest first
    Audit(AuditArgs),
    #[cfg(feature = "server")]
    /// Run the control plane: the JSON API and the dashboard
    Serve(ServeArgs),
    /// Ask a running server whether it is healthy (exit 0 when it is; for container checks)
    Health(HealthArgs),
    /// The site agent: register with a server, then scan on an interval and deliver
    #[command(subcommand)]
    Agent(AgentCommand),
    #[cfg(feature = "server")]
    /// Compliance with the BİGR classification duty: score, grade, per site and subnet, to-dos
    Compliance(SiteListArgs),
    #[cfg(feature = "server")]
    /// The auditor's compliance report of a site or all sites, as one self-contained HTML file
    Report(crate::commands::report::ReportArgs),
    #[cfg(feature = "server")]
    /// Risk per asset (CVEs, exposed ports, group, age, changes), highest first
    Risk(RiskArgs),
    #[cfg(feature = "server")]
    /// Known CVEs of the products and versions seen in banners
    Vulns(VulnsArgs),
    #[cfg(feature = "server")]
    /// Trends over the last days: assets, groups, new vs missing, scans, most changed
    Analytics(AnalyticsArgs),
    #[cfg(feature = "server")]
    /// Database schema and migration between databases
    #[command(subcommand)]
    Db(DbCommand),
    /// Effective configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    #[cfg(feature = "server")]
    /// Load or remove the demo site (a generated office of 150 devices, marked as demo data)
    #[command(subcommand)]
    Demo(DemoCommand),
    #[cfg(feature = "server")]
    /// Signed agent releases: keys, manifests, stamping a version, adding to the server
    #[command(subcommand)]
    Release(crate::commands::release::ReleaseCommand),
    /// Print the version
    Version(VersionArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ShieldArgs {
    /// Addresses, networks (CIDR), host names or domains
    #[arg(required_unless_present = "inventory", conflicts_with = "inventory")]
    pub targets: Vec<String>,
    /// Check the site's known assets that have TLS, web or risky ports open
    #[arg(long)]
    pub inventory: bool,
    /// quick (tls), standard (tls, ports, headers, dns, cve) or deep (every module)
    #[arg(long, value_enum, default_value = "standard")]
    pub preset: PresetArg,
    /// Run these modules instead of the preset's (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub modules: Vec<crate::shield::Module>,
    /// Allow the modules that try logins or attack-like requests (creds, owasp); never on
    /// fragile devices
    #[arg(long)]
    pub intrusive: bool,
    /// The site the results belong to
    #[arg(long, default_value = "local")]
    pub site: String,
    /// Print and do not store
    #[arg(long)]
    pub no_save: bool,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    /// Connections in flight at most, over the whole run
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub connections: u64,
    /// Milliseconds to wait for a connection
    #[arg(long, default_value_t = 1500, value_parser = clap::value_parser!(u64).range(50..=30_000))]
    pub connect_timeout_ms: u64,
    /// The resolver the domain checks ask [default: the first nameserver of /etc/resolv.conf]
    #[arg(long, value_name = "IP")]
    pub dns_server: Option<std::net::IpAddr>,
    /// DKIM selector to look for (repeatable) [default: default, selector1, google, dkim]
    #[arg(long = "dkim-selector", value_name = "SELECTOR")]
    pub dkim_selectors: Vec<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PresetArg {
    Quick,
    Standard,
    Deep,
}

impl From<PresetArg> for crate::model::shield::Preset {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Quick => Self::Quick,
            PresetArg::Standard => Self::Standard,
            PresetArg::Deep => Self::Deep,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// IPs, CIDR networks (10.0.0.0/24), ranges (10.0.0.10-40) or host names [default: the
    /// directly connected networks]
    pub targets: Vec<String>,
    /// Scan every subnet registered for the site (`bigr subnets add`)
    #[arg(long, conflicts_with = "targets")]
    pub all: bool,
    /// Addresses, networks or ranges to leave alone (repeat or separate with commas)
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Allow targets larger than a /16
    #[arg(long)]
    pub force: bool,
    /// TCP ports: a list and ranges (22,80,1000-2000), `default`, or `none` for discovery only
    #[arg(long, short)]
    pub ports: Option<String>,
    /// The first N ports of the default list
    #[arg(long, value_name = "N")]
    pub top_ports: Option<usize>,
    /// Site the results belong to
    #[arg(long, default_value = "local")]
    pub site: String,
    /// Do not store the results (nothing is read from or written to the database)
    #[arg(long)]
    pub no_save: bool,
    /// Print the scan report as JSON (and nothing else on stdout)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one CSV row per host
    #[arg(long)]
    pub csv: bool,
    /// Write the output to FILE instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// After the table, show why IP got its group (every piece of evidence)
    #[arg(long, value_name = "IP")]
    pub explain: Vec<String>,
    /// ARP and ICMP packets per second
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: u32,
    /// TCP connections in flight at once, across all hosts
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=8192))]
    pub max_concurrency: u64,
    /// Longest wait for a TCP connect, in milliseconds (shorter on fast links)
    #[arg(long, default_value_t = 800, value_parser = clap::value_parser!(u64).range(50..=30_000))]
    pub timeout_ms: u64,
    /// Skip reverse DNS lookups
    #[arg(long, short = 'n')]
    pub no_dns: bool,
    /// Do not listen for mDNS announcements
    #[arg(long)]
    pub no_mdns: bool,
    /// Do not ask hosts for their SNMP system group (communities: config key
    /// snmp_communities); registered switches are still polled
    #[arg(long)]
    pub no_snmp: bool,
    /// Do not ask hosts for their NetBIOS name (UDP 137)
    #[arg(long)]
    pub no_netbios: bool,
    /// Do not ask hosts for their UPnP description (SSDP, UDP 1900)
    #[arg(long)]
    pub no_ssdp: bool,
    /// Do not ask hosts for their own name over LLMNR (UDP 5355) and mDNS (UDP 5353)
    #[arg(long)]
    pub no_llmnr: bool,
    /// Do not ask the on-link networks for their IPv6 neighbours (ICMPv6 to ff02::1)
    #[arg(long)]
    pub no_ipv6: bool,
    /// Do not listen for DHCP requests (host names, DHCP fingerprints) while scanning
    #[arg(long)]
    pub no_dhcp: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1, or 0.0.0.0 on Render]
    #[arg(long)]
    pub host: Option<String>,
    /// Port to listen on [default: 8090, or $PORT]
    #[arg(long)]
    pub port: Option<u16>,
    /// Worker threads [default: one per core]
    #[arg(long)]
    pub workers: Option<usize>,
    /// Load the demo site first (unless it is there): a populated dashboard to look around
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The health endpoint to ask
    #[arg(long, default_value = "http://127.0.0.1:8090/api/health")]
    pub url: String,
    /// Seconds to wait for the answer
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Only this site
    #[arg(long)]
    pub site: Option<String>,
    /// How many assets to list
    #[arg(long, default_value_t = 20)]
    pub top: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VulnsArgs {
    /// Only this site
    #[arg(long)]
    pub site: Option<String>,
    /// Only assets with an actively exploited (CISA KEV) CVE
    #[arg(long)]
    pub kev: bool,
    /// How many assets to list, worst first
    #[arg(long, default_value_t = 50)]
    pub top: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalyticsArgs {
    /// Only this site
    #[arg(long)]
    pub site: Option<String>,
    /// Window in days (1-366)
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Also check that this binary works here (libpcap loads, built-in data parses): what an
    /// agent runs on a downloaded update before it replaces itself
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only actions of this user
    #[arg(long)]
    pub user: Option<String>,
    /// Only this action (subnet.add), or a prefix ending in '.' (agent.)
    #[arg(long)]
    pub action: Option<String>,
    /// Only this site
    #[arg(long)]
    pub site: Option<String>,
    /// Only since this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z)
    #[arg(long)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries to show (1-500)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=500))]
    pub limit: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SiteListArgs {
    /// Only this site
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AssetRefArgs {
    /// Asset id, IP or MAC address
    pub asset: String,
    /// Site of the asset, when the IP or MAC exists in several
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    #[command(flatten)]
    pub asset: AssetRefArgs,
    /// ag_ve_sistemler, uygulamalar, iot or tasinabilir
    #[arg(long, short)]
    pub category: String,
    /// Why (shown in the dashboard and audit lists)
    #[arg(long, short)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct PageArgs {
    /// Rows per page (1-500)
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
    /// Page number, from 1
    #[arg(long, default_value_t = 1)]
    pub page: u64,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Asset id, IP or MAC: show that asset's snapshots instead of the scan list
    pub asset: Option<String>,
    #[arg(long)]
    pub site: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    #[arg(long)]
    pub site: Option<String>,
    /// new_asset, ip_changed, field_changed, ports_opened, ports_closed, asset_missing, asset_returned
    #[arg(long = "type")]
    pub change_type: Option<String>,
    /// Only changes of this asset (id, IP or MAC)
    #[arg(long)]
    pub asset: Option<String>,
    /// From this time: 2026-11-01, an RFC 3339 time, or an age like 24h / 7d
    #[arg(long)]
    pub since: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Continue after the page whose `--json` gave this `next_cursor` (any depth, same cost)
    #[arg(long, conflicts_with = "page")]
    pub cursor: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SubnetsCommand {
    /// Register a subnet (or update its label and VLAN)
    Add {
        cidr: String,
        #[arg(long, short, default_value = "")]
        label: String,
        #[arg(long, short)]
        vlan: Option<i32>,
        #[arg(long, default_value = "local")]
        site: String,
    },
    /// Forget a subnet
    Remove {
        cidr: String,
        #[arg(long, default_value = "local")]
        site: String,
    },
    /// List subnets
    List(SiteListArgs),
}

/// `switches add`: where the device is, how to reach it, what it is.
#[derive(Debug, clap::Args)]
pub struct SwitchAddArgs {
    pub host: String,
    /// SNMP community (v1/v2c); stored, never shown again
    #[arg(long, short)]
    pub community: Option<String>,
    /// 2c, 1 or 3
    #[arg(long, default_value = "2c")]
    pub snmp_version: String,
    /// SNMPv3 user
    #[arg(long)]
    pub user: Option<String>,
    /// SNMPv3 authentication: MD5, SHA, SHA224, SHA256, SHA384 or SHA512
    #[arg(long)]
    pub auth: Option<String>,
    /// File holding the SNMPv3 authentication pass phrase (`-`: stdin); stored, never shown
    #[arg(long)]
    pub auth_pass_file: Option<std::path::PathBuf>,
    /// SNMPv3 privacy: DES, AES128, AES192, AES256 (AES192C/AES256C: Cisco's key extension)
    #[arg(long = "priv")]
    pub privacy: Option<String>,
    /// File holding the SNMPv3 privacy pass phrase; stored, never shown
    #[arg(long)]
    pub priv_pass_file: Option<std::path::PathBuf>,
    /// SNMPv3 context
    #[arg(long, default_value = "")]
    pub context: String,
    /// switch, or router (its address table also lists the devices of routed subnets)
    #[arg(long, default_value = "switch")]
    pub role: String,
    #[arg(long, short, default_value = "")]
    pub label: String,
    #[arg(long, default_value = "local")]
    pub site: String,
}

#[derive(Debug, Subcommand)]
pub enum SwitchesCommand {
    /// Register a switch or router (or update it): v1/v2c with a community, or SNMPv3 with a
    /// user (`--snmp-version 3 --user U --auth SHA256 --auth-pass-file F [--priv AES128
    /// --priv-pass-file F2] [--context C]`)
    Add(Box<SwitchAddArgs>),
    /// Forget a switch
    Remove {
        host: String,
        #[arg(long, default_value = "local")]
        site: String,
    },
    /// List switches (without their communities)
    List(SiteListArgs),
    /// Read the site's switches' MAC forwarding tables now and place assets on their ports
    Poll {
        #[arg(long, default_value = "local")]
        site: String,
        /// Every learned MAC with its port, as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// Every certificate seen
    List {
        #[arg(long)]
        site: Option<String>,
        /// Only self-signed certificates
        #[arg(long)]
        self_signed: bool,
        #[command(flatten)]
        page: PageArgs,
        #[arg(long)]
        json: bool,
    },
    /// Certificates expired or expiring within N days, soonest first
    Expiring {
        #[arg(long, short, default_value_t = 30)]
        days: i64,
        #[arg(long)]
        site: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is asked for, or read from stdin
    Add {
        username: String,
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Read the password from the first line of stdin
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's password
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users
    List(JsonArgs),
    /// Delete a user (never the last admin)
    Remove { username: String },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill the site `demo` with a generated office, two weeks of scans and an agent
    Load,
    /// Delete the site `demo` and everything in it (only a site the demo created)
    Remove,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (every command also does this first)
    Migrate,
    /// Schema version, pending migrations and row counts
    Status(JsonArgs),
    /// Copy a whole inventory between databases; running it again changes nothing
    Copy {
        #[arg(long, value_name = "URL")]
        from: String,
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Effective settings, where each came from, secrets redacted
    Show(JsonArgs),
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    #[cfg(feature = "server")]
    /// On the server: make a one-time enrollment token for a site (printed alone on the last line)
    Enroll(EnrollArgs),
    #[cfg(feature = "server")]
    /// On the server: ask one agent to act now (scan-now, poll-switches, shield-now,
    /// rotate-token, reload-config); it picks the command up with its next heartbeat
    Command(AgentCommandArgs),
    /// Register this machine's agent with a server; writes $BIGR_HOME/agent.yaml (mode 0600)
    Register(RegisterArgs),
    /// Run the agent: scan every interval and deliver to the server (detaches unless --foreground)
    Start(AgentStartArgs),
    /// Stop the running agent (it queues what it has and says goodbye to the server)
    Stop(AgentStopArgs),
    /// Show the agent's PID, state, last scan and delivery, queue depth and the server's health
    Status(JsonArgs),
    /// Print a systemd unit that runs the agent unprivileged with only CAP_NET_RAW/CAP_NET_ADMIN
    Install(AgentInstallArgs),
}

#[derive(Debug, Args)]
pub struct AgentInstallArgs {
    /// Make a systemd unit (the only kind so far)
    #[arg(long, required = true)]
    pub systemd: bool,
    /// The unprivileged user the agent runs as
    #[arg(long, default_value = "bigr")]
    pub user: String,
    /// The agent's home on the target machine
    #[arg(long, default_value = "/var/lib/bigr")]
    pub agent_home: PathBuf,
    /// Where the bigr binary is installed
    #[arg(long, default_value = "/usr/local/bin/bigr")]
    pub exe: PathBuf,
    /// Write the unit to FILE instead of stdout (e.g. /etc/systemd/system/bigr-agent.service)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The site the agent will report into (created if new)
    #[arg(long)]
    pub site: String,
    /// How long the token stays valid: 30m, 24h, 7d (at most 30d)
    #[arg(long, default_value = "24h")]
    pub expires: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("credential").required(true).args(["enroll_token", "enroll_token_file", "secret_file"])))]
pub struct RegisterArgs {
    /// The server, e.g. https://bigr.example.com
    #[arg(long)]
    pub api_url: String,
    /// This agent's name, shown on the dashboard
    #[arg(long)]
    pub name: String,
    /// The site this agent reports into
    #[arg(long)]
    pub site: String,
    /// A one-time enrollment token (`bigr agent enroll` or the dashboard's "Add agent").
    /// Visible to other users in `ps`: prefer --enroll-token-file or BIGR_ENROLL_TOKEN
    #[arg(long, env = "BIGR_ENROLL_TOKEN", hide_env_values = true)]
    pub enroll_token: Option<String>,
    /// A file holding the one-time enrollment token (`-` reads it from stdin)
    #[arg(long, value_name = "FILE")]
    pub enroll_token_file: Option<PathBuf>,
    /// A file holding the server's AGENT_REGISTRATION_SECRET (never on the command line)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// Targets to scan (saved in agent.yaml) [default: the directly connected networks]
    #[arg(long, value_delimiter = ',')]
    pub targets: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AgentCommandArgs {
    /// The agent's id or name
    pub agent: String,
    /// What to do
    #[arg(value_parser = ["scan-now", "poll-switches", "shield-now", "rotate-token", "reload-config"])]
    pub kind: String,
    /// scan-now: targets instead of the configured ones
    #[arg(long, value_delimiter = ',')]
    pub targets: Vec<String>,
    /// scan-now: ports instead of the configured ones
    #[arg(long)]
    pub ports: Option<String>,
    /// scan-now: run the Shield checks too
    #[arg(long)]
    pub shield: bool,
    /// Wait until the command ends and print how it went (at most this long: 90s, 10m)
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AgentStartArgs {
    /// Targets for this run, overriding agent.yaml
    pub targets: Vec<String>,
    /// Time between scans: 90s, 5m, 1h
    #[arg(long)]
    pub interval: Option<String>,
    /// Time between heartbeats: 30s, 1m
    #[arg(long)]
    pub heartbeat: Option<String>,
    /// Stay in the foreground (systemd, containers); logs go to stderr
    #[arg(long)]
    pub foreground: bool,
    /// Run one cycle and exit: 0 delivered, 3 queued for later, 1 scan failed
    #[arg(long)]
    pub once: bool,
    /// The server, overriding agent.yaml (containers: no agent.yaml needed with --token-file)
    #[arg(long, env = "BIGR_AGENT_API_URL", value_name = "URL")]
    pub api_url: Option<String>,
    /// A file holding the agent token (mode 0600), overriding agent.yaml
    #[arg(long, env = "BIGR_AGENT_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Run Shield checks on the hosts each scan found (the site's Shield plan applies
    /// without it)
    #[arg(long)]
    pub shield: bool,
    /// Shield preset for --shield
    #[arg(long, value_enum, default_value = "standard", requires = "shield")]
    pub shield_preset: PresetArg,
    /// Time between two Shield runs with --shield, e.g. 6h [default: every scan]
    #[arg(long, value_name = "DURATION", requires = "shield")]
    pub shield_every: Option<String>,
}

#[derive(Debug, Args)]
pub struct AgentStopArgs {
    /// Seconds to wait for the agent to finish
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}
