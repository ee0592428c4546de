//! Settings, layered with figment: defaults → `$BIGR_HOME/config.toml` → `DATABASE_URL`/`PORT`
//! (as Render sets them) → `BIGR_*` environment → command-line flags.
use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// Every key a user may set, in the file or as `BIGR_<KEY>`.
pub const KEYS: [&str; 18] = [
    "database_url",
    "cors_origins",
    "cookie_secure",
    "session_hours",
    "session_idle_minutes",
    "behind_proxy",
    "trusted_proxies",
    "allow_open_registration",
    "max_site_assets",
    "db_connect_attempts",
    "db_max_connections",
    "host",
    "port",
    "log",
    "missing_after_scans",
    "missing_after_minutes",
    "snmp_communities",
    "home",
];

/// The effective configuration of one bigr process. Travels as a value, never a global.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Folder of the config file, the SQLite database and the agent's state.
    pub home: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `$home/bigr.db`.
    pub database_url: String,
    /// Attempts to reach the database at start before giving up (with backoff).
    pub db_connect_attempts: u32,
    pub db_max_connections: u32,
    pub host: String,
    pub port: u16,
    /// tracing filter, e.g. `warn` or `bigr=debug`.
    pub log: String,
    /// Consecutive covering scans an asset must miss before it is `asset_missing`…
    pub missing_after_scans: u32,
    /// …and minutes since it was last seen (so sleeping phones do not flap).
    pub missing_after_minutes: u32,
    /// SNMP v2c communities `bigr scan` tries for sysName/sysDescr, comma-separated. They are
    /// secrets of a kind: `config show` counts them and never prints them.
    #[serde(deserialize_with = "any_text")]
    pub snmp_communities: String,
    /// Origins (comma-separated) allowed to call the API from another site; empty means the
    /// dashboard's own origin only.
    pub cors_origins: String,
    /// `auto` (Secure unless the server listens on loopback), `true` or `false`. Booleans are
    /// taken too: `BIGR_COOKIE_SECURE=true` arrives as one.
    #[serde(deserialize_with = "any_text")]
    pub cookie_secure: String,
    /// Lifetime of a dashboard login.
    pub session_hours: u32,
    /// A login unused this long ends before its lifetime is over.
    pub session_idle_minutes: u32,
    /// Trust `X-Forwarded-For` for the client address (set behind Render's or any proxy).
    pub behind_proxy: bool,
    /// Reverse proxies in front of the server when `behind_proxy` (Render: 1). The client is
    /// the `X-Forwarded-For` entry that many hops from the right; entries left of it are
    /// whatever the client wrote.
    pub trusted_proxies: u32,
    /// Agents may register with no enrollment token and no secret. For a lab only; refused
    /// together with `behind_proxy`, and such an agent can only create a new site.
    pub allow_open_registration: bool,
    /// Assets one site may hold; a report that would grow a site past it is refused.
    pub max_site_assets: u64,
}

/// The part of a config file: every key optional, unknown keys refused (typos fail loudly).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FileSettings {
    database_url: Option<String>,
    db_connect_attempts: Option<u32>,
    db_max_connections: Option<u32>,
    host: Option<String>,
    port: Option<u16>,
    log: Option<String>,
    missing_after_scans: Option<u32>,
    missing_after_minutes: Option<u32>,
    // Any value here: the typed check happens once, without echoing the secret.
    snmp_communities: Option<toml::Value>,
    cors_origins: Option<String>,
    cookie_secure: Option<BoolOrText>,
    session_hours: Option<u32>,
    session_idle_minutes: Option<u32>,
    behind_proxy: Option<bool>,
    trusted_proxies: Option<u32>,
    allow_open_registration: Option<bool>,
    max_site_assets: Option<u64>,
}

/// `cookie_secure = true` and `cookie_secure = "auto"` are both fine in the file.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum BoolOrText {
    Bool(bool),
    Text(String),
}

/// Text that may arrive as a number or boolean: the environment layer reads
/// `BIGR_SNMP_COMMUNITIES=123456` as a number, and the usual type error would print it.
fn any_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Text)
}

/// Values given on the command line; `None` leaves the lower layers in charge.
#[derive(Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    fn defaults(home: &Path) -> Settings {
        Settings {
            home: home.to_path_buf(),
            database_url: String::new(),
            db_connect_attempts: 5,
            db_max_connections: 10,
            // On Render the service must listen on every interface.
            host: if std::env::var_os("RENDER").is_some() {
                "0.0.0.0".into()
            } else {
                "127.0.0.1".into()
            },
            port: 8090,
            log: "warn".into(),
            missing_after_scans: 2,
            missing_after_minutes: 15,
            snmp_communities: "public".into(),
            cors_origins: String::new(),
            cookie_secure: "auto".into(),
            session_hours: 12,
            session_idle_minutes: 120,
            // Render sets RENDER=true and puts every service behind its proxy.
            behind_proxy: std::env::var_os("RENDER").is_some(),
            trusted_proxies: 1,
            allow_open_registration: false,
            max_site_assets: 250_000,
        }
    }

    /// The origins allowed by CORS, without blanks.
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(|o| o.trim().trim_end_matches('/'))
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `auto`, `true` or `false`, whatever case or quotes it was written with.
    pub fn cookie_secure(&self) -> &str {
        match self.cookie_secure.trim().to_ascii_lowercase().as_str() {
            "true" => "true",
            "false" => "false",
            "auto" => "auto",
            _ => "invalid",
        }
    }

    /// The configured SNMP communities, in order, without blanks.
    pub fn snmp_communities(&self) -> Vec<String> {
        self.snmp_communities
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The database to open: the configured URL or the SQLite file in `home`.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}?mode=rwc", self.home.join("bigr.db").display())
        } else {
            self.database_url.trim().to_string()
        }
    }

    pub fn config_file(home: &Path) -> PathBuf {
        home.join("config.toml")
    }

    /// Loads the layers. `home` comes from `--home`/`BIGR_HOME`, else `~/.bigr`.
    pub fn load(
        home: Option<PathBuf>,
        flags: FlagOverrides,
    ) -> anyhow::Result<(Settings, Figment)> {
        let home = match home {
            Some(h) => h,
            None => default_home()?,
        };
        let file = Settings::config_file(&home);
        let mut figment = Figment::from(Serialized::defaults(Settings::defaults(&home)));
        if let Some(text) = read_config_file(&file)? {
            toml_check(&file, &text)?;
            figment = figment.merge(Toml::string(&text));
        }
        let figment = figment
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL", "PORT"])
                    .filter(|k| env_is_set(k.as_str())),
            )
            .merge(Env::prefixed("BIGR_").only(&KEYS))
            .merge(Serialized::defaults(flags))
            // `home` is decided before the file is read; a file or env cannot move it.
            .merge(Serialized::default("home", &home));
        let settings: Settings = figment.extract().map_err(|e| {
            anyhow::anyhow!(
                "invalid configuration: {}",
                e.to_string().replace('\n', "; ")
            )
        })?;
        settings.check()?;
        Ok((settings, figment))
    }

    fn check(&self) -> anyhow::Result<()> {
        let url = self.database_url();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            bail!(
                "database_url must start with sqlite:, postgres:// or postgresql:// (got '{}')",
                redact_url(&url)
            );
        }
        if !matches!(self.cookie_secure(), "auto" | "true" | "false") {
            bail!(
                "cookie_secure must be auto, true or false (got '{}')",
                self.cookie_secure.trim()
            );
        }
        if !(1..=24 * 30).contains(&self.session_hours) {
            bail!("session_hours must be between 1 and 720");
        }
        if !(5..=24 * 30 * 60).contains(&self.session_idle_minutes) {
            bail!("session_idle_minutes must be between 5 and 43200");
        }
        if !(1..=8).contains(&self.trusted_proxies) {
            bail!("trusted_proxies must be between 1 and 8");
        }
        if self.allow_open_registration && self.behind_proxy {
            bail!(
                "allow_open_registration cannot be used with behind_proxy: anyone the proxy \
                 lets in could register an agent; use enrollment tokens (`bigr agent enroll`)"
            );
        }
        if self.max_site_assets == 0 {
            bail!("max_site_assets must be at least 1");
        }
        if self.db_connect_attempts == 0 || self.db_max_connections == 0 {
            bail!("db_connect_attempts and db_max_connections must be at least 1");
        }
        Ok(())
    }
}

/// An empty variable (`DATABASE_URL=`) means "not set", as shells and Render use it.
fn env_is_set(key: &str) -> bool {
    std::env::var(key.to_uppercase()).is_ok_and(|v| !v.trim().is_empty())
}

fn default_home() -> anyhow::Result<PathBuf> {
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join(".bigr")),
        None => bail!("cannot find a home folder: set BIGR_HOME or pass --home"),
    }
}

fn read_config_file(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read config file {}", path.display())),
    }
}

fn toml_check(path: &Path, text: &str) -> anyhow::Result<()> {
    toml::from_str::<FileSettings>(text)
        .map(|_| ())
        .map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
            anyhow::anyhow!(
                "invalid config file {}{at}: {}",
                path.display(),
                e.message().trim()
            )
        })
}

/// A warning when the config file holds a database password but others may read it.
pub fn exposed_secret_warning(settings: &Settings) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let file = Settings::config_file(&settings.home);
    let mode = std::fs::metadata(&file).ok()?.permissions().mode();
    let text = std::fs::read_to_string(&file).ok()?;
    let url = toml::from_str::<toml::Table>(&text)
        .ok()?
        .get("database_url")?
        .as_str()?
        .to_string();
    let has_password =
        url::Url::parse(&url).is_ok_and(|u| u.password().is_some_and(|p| !p.is_empty()));
    (mode & 0o077 != 0 && has_password).then(|| {
        format!(
            "{} holds a database password and is readable by other users; run: chmod 600 {}",
            file.display(),
            file.display()
        )
    })
}

/// Hides the password of a database URL: `postgres://u:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            // libpq also takes the password as a query parameter.
            if u.query_pairs()
                .any(|(k, _)| k.eq_ignore_ascii_case("password"))
            {
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k.eq_ignore_ascii_case("password") {
                            "***".into()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), v)
                    })
                    .collect();
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            if u.as_str() == url {
                url.to_string()
            } else {
                u.to_string()
            }
        }
        // Not a URL we can parse: keep the scheme only, the rest may hold a secret.
        Err(_) => format!("{}://***", url.split("://").next().unwrap_or("?")),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("home", &self.home)
            .field("database_url", &redact_url(&self.database_url()))
            .field("host", &self.host)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// One line of `bigr config show`: a key, its effective value (redacted) and where it came from.
#[derive(Serialize)]
pub struct ShownSetting {
    pub key: String,
    pub value: serde_json::Value,
    pub source: String,
}

/// The effective settings with secrets redacted and each value's origin.
pub fn show(settings: &Settings, figment: &Figment) -> Vec<ShownSetting> {
    let mut value = serde_json::to_value(settings).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "database_url".into(),
            serde_json::Value::String(redact_url(&settings.database_url())),
        );
        let n = settings.snmp_communities().len();
        obj.insert(
            "snmp_communities".into(),
            serde_json::Value::String(format!("({n} set, not shown)")),
        );
    }
    let mut out = Vec::new();
    if let Some(obj) = value.as_object() {
        for (key, v) in obj {
            let source = match figment.find_metadata(key) {
                _ if key == "home" => "--home / BIGR_HOME / ~/.bigr".to_string(),
                // Both env layers share one metadata entry: name the variable that is set.
                Some(m) if m.name.contains("environment") => {
                    let prefixed = format!("BIGR_{}", key.to_uppercase());
                    if std::env::var_os(&prefixed).is_some() {
                        format!("environment {prefixed}")
                    } else {
                        format!("environment {}", key.to_uppercase())
                    }
                }
                Some(m) if m.name.contains("TOML") => "config file".to_string(),
                Some(m) if m.name.contains("FlagOverrides") => {
                    format!("--{}", key.replace('_', "-"))
                }
                _ => "default".to_string(),
            };
            out.push(ShownSetting {
                key: key.clone(),
                value: v.clone(),
                source,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_and_keeps_the_rest() {
        assert_eq!(
            redact_url("postgres://bob:s3cret@db.neon.tech/app?sslmode=require"),
            "postgres://bob:***@db.neon.tech/app?sslmode=require"
        );
        assert_eq!(redact_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
        assert!(!redact_url("postgres://bob:s3cret@[bad").contains("s3cret"));
        assert!(!redact_url("postgres://h/db?user=bob&password=s3cret").contains("s3cret"));
    }
}
