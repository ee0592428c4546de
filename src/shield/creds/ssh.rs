//! SSH password logins with the defaults devices ship with (russh speaks the protocol).
//! The host key is not checked: nothing secret is sent, only well-known defaults, and the
//! session is closed as soon as the answer is known; no channel is ever opened.
use super::{MAX_ATTEMPTS, locked_out};
use crate::shield::net::Budget;
use russh::client::{self, AuthResult, Handle};
use russh::keys::PublicKeyOrCertificate;
use russh::{Disconnect, MethodKind};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// SSH's own list: the accounts of Linux appliances, Raspberry Pis and Ubiquiti gear.
const SSH_DEFAULTS: [(&str, &str); 5] = [
    ("root", "root"),
    ("admin", "admin"),
    ("pi", "raspberry"),
    ("ubnt", "ubnt"),
    ("root", "toor"),
];

/// Accepts any host key, and remembers the banner a server may show before the login
/// (some say "locked" there).
#[derive(Clone, Default)]
struct Probe {
    banner: Arc<std::sync::Mutex<String>>,
}

impl client::Handler for Probe {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }

    async fn auth_banner(
        &mut self,
        banner: &str,
        _session: &mut client::Session,
    ) -> Result<(), Self::Error> {
        let mut kept = self.banner.lock().expect("banner");
        kept.clear();
        kept.extend(banner.chars().take(512));
        Ok(())
    }
}

/// One SSH session, holding its place in the connection budget.
struct Session {
    handle: Handle<Probe>,
    _conn: tokio::sync::OwnedSemaphorePermit,
}

async fn open(budget: &Budget, addr: SocketAddr, probe: Probe) -> Option<Session> {
    let conn = budget.connect(addr).await.ok()?;
    let (stream, permit) = conn.into_parts();
    let config = Arc::new(client::Config {
        inactivity_timeout: Some(budget.exchange_timeout),
        ..Default::default()
    });
    let handle = tokio::time::timeout(
        budget.exchange_timeout,
        client::connect_stream(config, stream, probe),
    )
    .await
    .ok()?
    .ok()?;
    Some(Session {
        handle,
        _conn: permit,
    })
}

/// The user of the first default that logs in on ip:port; None when none does, the server
/// takes no passwords, or it starts refusing (a connection refused after the first, or
/// words of a lockout). One connection per try: servers such as Dropbear hang up on a
/// client that changes user names within one session.
pub async fn default_login(budget: &Budget, ip: IpAddr, port: u16) -> Option<&'static str> {
    let addr = SocketAddr::new(ip, port);
    let probe = Probe::default();
    let wait = budget.exchange_timeout.max(Duration::from_secs(2));
    for (user, pass) in SSH_DEFAULTS.iter().take(MAX_ATTEMPTS) {
        let mut s = open(budget, addr, probe.clone()).await?;
        let answer = tokio::time::timeout(wait, s.handle.authenticate_password(*user, *pass)).await;
        let _ = s
            .handle
            .disconnect(Disconnect::ByApplication, "", "en")
            .await;
        if locked_out(&probe.banner.lock().expect("banner")) {
            return None;
        }
        match answer {
            Ok(Ok(AuthResult::Success)) => return Some(user),
            Ok(Ok(AuthResult::Failure {
                remaining_methods, ..
            })) if remaining_methods.contains(&MethodKind::Password) => {}
            // No passwords taken here, a hang-up or no answer: trying on proves nothing.
            _ => return None,
        }
    }
    None
}
