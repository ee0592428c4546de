//! Settings, layered with figment: defaults → `$BIGR_HOME/config.toml` → `DATABASE_URL`/`PORT`
//! (as Render sets them) → `BIGR_*` environment → command-line flags.
use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// Every key a user may set, in the file or as `BIGR_<KEY>`. A test checks that this list,
/// `Settings` and `FileSettings` name the same keys.
pub const KEYS: [&str; 24] = [
    "database_url",
    "database_direct_url",
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
    "metrics_token",
    "agent_registration_secret",
    "admin_user",
    "admin_password",
    "release_public_key",
    "home",
];

/// Secrets that also come from `<NAME>_FILE` (a container secret mounted as a file), and the
/// environment variable each is known by.
const SECRET_FILES: [(&str, &str); 3] = [
    ("metrics_token", "BIGR_METRICS_TOKEN"),
    ("agent_registration_secret", "AGENT_REGISTRATION_SECRET"),
    ("admin_password", "BIGR_ADMIN_PASSWORD"),
];

/// The effective configuration of one bigr process. Travels as a value, never a global.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Folder of the config file, the SQLite database and the agent's state.
    pub home: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `$home/bigr.db`.
    pub database_url: String,
    /// When `database_url` goes through a transaction pooler (PgBouncer, Neon's `-pooler`
    /// endpoint): a direct connection to the same database, for the one LISTEN that carries
    /// commands between server instances. Empty: Neon's direct endpoint is derived from a
    /// `-pooler` host, otherwise the pool is used.
    pub database_direct_url: String,
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
    /// Whether the session cookie is marked Secure.
    pub cookie_secure: CookieSecure,
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
    /// Bearer token that may read `/metrics` from anywhere (`BIGR_METRICS_TOKEN`).
    pub metrics_token: Redacted,
    /// Lets agents register without an enrollment token (`AGENT_REGISTRATION_SECRET`).
    pub agent_registration_secret: Redacted,
    /// The first admin, created at start when there are no users (`BIGR_ADMIN_USER`).
    pub admin_user: String,
    /// Its password (`BIGR_ADMIN_PASSWORD`); unused once any user exists.
    pub admin_password: Redacted,
    /// The public key agent releases are signed with (`bigr-ed25519:…`, from `bigr release
    /// keygen`): releases are checked against it and agents pin it at registration. Empty:
    /// no updates.
    pub release_public_key: String,
}

/// `auto` (Secure unless the server listens on loopback), `true` or `false`; booleans and
/// any case are taken (`BIGR_COOKIE_SECURE=true` arrives as a boolean).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    #[default]
    Auto,
    #[serde(rename = "true")]
    Always,
    #[serde(rename = "false")]
    Never,
}

impl<'de> Deserialize<'de> for CookieSecure {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = any_text(d)?;
        match text.trim().trim_matches('"').to_ascii_lowercase().as_str() {
            "auto" => Ok(CookieSecure::Auto),
            "true" => Ok(CookieSecure::Always),
            "false" => Ok(CookieSecure::Never),
            _ => Err(serde::de::Error::custom(format!(
                "cookie_secure must be auto, true or false (got '{}')",
                text.trim()
            ))),
        }
    }
}

impl CookieSecure {
    /// Whether cookies get `Secure` on a server listening on `loopback` or not.
    pub fn applies(self, loopback: bool) -> bool {
        match self {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => !loopback,
        }
    }
}

/// A secret setting: empty means unset; never printed by `Debug` or `config show`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Redacted(String);

impl<'de> Deserialize<'de> for Redacted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        any_text(d).map(|t| Redacted(t.trim().to_string()))
    }
}

impl Redacted {
    /// The value, when one is set.
    pub fn get(&self) -> Option<&str> {
        Some(self.0.as_str()).filter(|v| !v.is_empty())
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(not set)"
        } else {
            "(set)"
        })
    }
}

/// The part of a config file: every key optional, unknown keys refused (typos fail loudly).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FileSettings {
    database_url: Option<String>,
    database_direct_url: Option<String>,
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
    cookie_secure: Option<toml::Value>,
    session_hours: Option<u32>,
    session_idle_minutes: Option<u32>,
    behind_proxy: Option<bool>,
    trusted_proxies: Option<u32>,
    allow_open_registration: Option<bool>,
    max_site_assets: Option<u64>,
    metrics_token: Option<toml::Value>,
    agent_registration_secret: Option<toml::Value>,
    admin_user: Option<String>,
    admin_password: Option<toml::Value>,
    release_public_key: Option<String>,
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
            database_direct_url: String::new(),
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
            cookie_secure: CookieSecure::Auto,
            session_hours: 12,
            session_idle_minutes: 120,
            // Render sets RENDER=true and puts every service behind its proxy.
            behind_proxy: std::env::var_os("RENDER").is_some(),
            trusted_proxies: 1,
            allow_open_registration: false,
            max_site_assets: 250_000,
            metrics_token: Redacted::default(),
            agent_registration_secret: Redacted::default(),
            admin_user: "admin".into(),
            admin_password: Redacted::default(),
            release_public_key: String::new(),
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

    /// The release public key, when one is set.
    pub fn release_key(&self) -> anyhow::Result<Option<crate::release::sign::PublicKey>> {
        let text = self.release_public_key.trim();
        if text.is_empty() {
            return Ok(None);
        }
        crate::release::sign::PublicKey::parse(text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("release_public_key: {e}"))
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

    /// The connection for LISTEN, when it is not the pool's: `database_direct_url`, or for a
    /// Neon pooled host (`ep-…-pooler.…`) the same URL on its direct endpoint.
    pub fn direct_database_url(&self) -> Option<String> {
        let explicit = self.database_direct_url.trim();
        if !explicit.is_empty() {
            return Some(explicit.to_string());
        }
        let url = self.database_url();
        let mut parsed = url::Url::parse(&url).ok()?;
        let host = parsed.host_str()?.to_string();
        let (endpoint, rest) = host.split_once('.')?;
        let direct = endpoint.strip_suffix("-pooler")?;
        parsed.set_host(Some(&format!("{direct}.{rest}"))).ok()?;
        Some(parsed.to_string())
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
                    .only(&[
                        "DATABASE_URL",
                        "DATABASE_DIRECT_URL",
                        "PORT",
                        "AGENT_REGISTRATION_SECRET",
                    ])
                    .filter(|k| env_is_set(k.as_str())),
            )
            .merge(Env::prefixed("BIGR_").only(&KEYS))
            .merge(Serialized::defaults(flags))
            // `home` is decided before the file is read; a file or env cannot move it.
            .merge(Serialized::default("home", &home));
        let mut settings: Settings = figment.extract().map_err(|e| {
            anyhow::anyhow!(
                "invalid configuration: {}",
                e.to_string().replace('\n', "; ")
            )
        })?;
        settings.read_secret_files()?;
        settings.check()?;
        Ok((settings, figment))
    }

    /// `<NAME>_FILE` fills a secret the other layers left unset; setting both is refused, so
    /// it is never unclear which one is in force.
    fn read_secret_files(&mut self) -> anyhow::Result<()> {
        for (key, env) in SECRET_FILES {
            let var = format!("{env}_FILE");
            let Some(path) = std::env::var_os(&var).filter(|p| !p.is_empty()) else {
                continue;
            };
            let slot = match key {
                "metrics_token" => &mut self.metrics_token,
                "agent_registration_secret" => &mut self.agent_registration_secret,
                _ => &mut self.admin_password,
            };
            if slot.get().is_some() {
                bail!("{key} is set twice: by {var} and by {env} or the config file");
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{var}: cannot read {}", Path::new(&path).display()))?;
            *slot = Redacted(text.trim().to_string());
            if slot.get().is_none() {
                bail!("{var}: {} is empty", Path::new(&path).display());
            }
        }
        Ok(())
    }

    fn check(&self) -> anyhow::Result<()> {
        self.release_key()?;
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
        let direct = self.database_direct_url.trim();
        if !direct.is_empty() {
            if !url.starts_with("postgres") {
                bail!("database_direct_url is for a PostgreSQL database_url only");
            }
            if !(direct.starts_with("postgres://") || direct.starts_with("postgresql://")) {
                bail!(
                    "database_direct_url must start with postgres:// or postgresql:// (got '{}')",
                    redact_url(direct)
                );
            }
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

/// A warning when the config file holds a secret (a database password, a token) but others
/// may read it.
pub fn exposed_secret_warning(settings: &Settings) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let file = Settings::config_file(&settings.home);
    let mode = std::fs::metadata(&file).ok()?.permissions().mode();
    if mode & 0o077 == 0 {
        return None;
    }
    let table = toml::from_str::<toml::Table>(&std::fs::read_to_string(&file).ok()?).ok()?;
    let db_password = ["database_url", "database_direct_url"].iter().any(|key| {
        table
            .get(*key)
            .and_then(|u| u.as_str())
            .and_then(|u| url::Url::parse(u).ok())
            .is_some_and(|u| u.password().is_some_and(|p| !p.is_empty()))
    });
    let secret = SECRET_FILES.iter().any(|(key, _)| table.contains_key(*key));
    (db_password || secret).then(|| {
        format!(
            "{} holds a secret and is readable by other users; run: chmod 600 {}",
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
        obj.insert(
            "database_direct_url".into(),
            serde_json::Value::String(match settings.database_direct_url.trim() {
                "" => String::new(),
                url => redact_url(url),
            }),
        );
        let n = settings.snmp_communities().len();
        obj.insert(
            "snmp_communities".into(),
            serde_json::Value::String(format!("({n} set, not shown)")),
        );
        for (key, secret) in [
            ("metrics_token", &settings.metrics_token),
            (
                "agent_registration_secret",
                &settings.agent_registration_secret,
            ),
            ("admin_password", &settings.admin_password),
        ] {
            obj.insert(key.into(), format!("{secret:?}").into());
        }
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
    fn keys_settings_and_the_file_name_the_same_keys() {
        let defaults = serde_json::to_value(Settings::defaults(Path::new("/h"))).unwrap();
        let mut fields: Vec<&str> = defaults
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys, "KEYS and Settings differ");
        for key in KEYS.iter().filter(|k| **k != "home") {
            let value = toml::Value::try_from(&defaults[key]).unwrap();
            let mut table = toml::Table::new();
            table.insert(key.to_string(), value);
            let text = toml::to_string(&table).unwrap();
            assert!(
                toml_check(Path::new("c.toml"), &text).is_ok(),
                "the config file refuses `{text}`"
            );
        }
        assert!(toml_check(Path::new("c.toml"), "no_such_key = 1").is_err());
    }

    #[test]
    fn cookie_secure_takes_booleans_and_text_in_any_case() {
        for (text, want) in [
            ("true", CookieSecure::Always),
            ("\"True\"", CookieSecure::Always),
            ("false", CookieSecure::Never),
            ("\"AUTO\"", CookieSecure::Auto),
        ] {
            let got: CookieSecure = toml::from_str::<toml::Table>(&format!("v = {text}")).unwrap()
                ["v"]
                .clone()
                .try_into()
                .unwrap();
            assert_eq!(got, want, "{text}");
        }
        assert!(
            toml::Value::String("sometimes".into())
                .try_into::<CookieSecure>()
                .is_err()
        );
        assert!(CookieSecure::Auto.applies(false) && !CookieSecure::Auto.applies(true));
    }

    #[test]
    fn secrets_never_show() {
        let mut s = Settings::defaults(Path::new("/h"));
        s.admin_password = Redacted("hunter2-hunter2".into());
        assert_eq!(format!("{:?}", s.admin_password), "(set)");
        let shown = show(&s, &Figment::new());
        let text =
            serde_json::to_string(&shown.iter().map(|x| &x.value).collect::<Vec<_>>()).unwrap();
        assert!(
            !text.contains("hunter2") && text.contains("(set)"),
            "{text}"
        );
        assert_eq!(s.metrics_token.get(), None);
    }

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

    #[test]
    fn the_direct_url_is_set_derived_from_neons_pooler_host_or_absent() {
        let mut s = Settings::defaults(Path::new("/h"));
        assert_eq!(s.direct_database_url(), None, "SQLite needs none");
        s.database_url =
            "postgres://bob:pw@ep-cool-fog-123-pooler.eu-central-1.aws.neon.tech/app?sslmode=require"
                .into();
        assert_eq!(
            s.direct_database_url().as_deref(),
            Some(
                "postgres://bob:pw@ep-cool-fog-123.eu-central-1.aws.neon.tech/app?sslmode=require"
            )
        );
        s.database_url = "postgres://bob:pw@db.example.com:6432/app".into();
        assert_eq!(s.direct_database_url(), None, "not recognisably pooled");
        s.database_direct_url = "postgres://bob:pw@db.example.com:5432/app".into();
        assert_eq!(
            s.direct_database_url().as_deref(),
            Some("postgres://bob:pw@db.example.com:5432/app")
        );
        s.check().unwrap();
        let shown = show(&s, &Figment::new());
        let text =
            serde_json::to_string(&shown.iter().map(|x| &x.value).collect::<Vec<_>>()).unwrap();
        assert!(!text.contains(":pw@"), "{text}");
        s.database_direct_url = "mysql://x".into();
        assert!(s.check().is_err());
    }
}
