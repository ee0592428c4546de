//! Why a probe engine could not run, keeping the interface, host or socket that failed. A
//! scan goes on without the engine; the error becomes one line of the report's failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// Capturing or sending frames on an interface (ARP).
    #[error("{action} on {interface}: {reason}")]
    Interface {
        action: &'static str,
        interface: String,
        reason: String,
    },
    /// A socket or client the probes need (ICMP, SNMP, mDNS, TLS).
    #[error("{what}: {reason}")]
    Setup { what: &'static str, reason: String },
    /// One SNMP agent (a switch being polled).
    #[error("{host}: {reason}")]
    Host { host: String, reason: String },
}

impl ProbeError {
    pub fn interface(action: &'static str, interface: &str, e: impl std::fmt::Display) -> Self {
        ProbeError::Interface {
            action,
            interface: interface.to_string(),
            reason: e.to_string(),
        }
    }

    pub fn setup(what: &'static str, e: impl std::fmt::Display) -> Self {
        ProbeError::Setup {
            what,
            reason: e.to_string(),
        }
    }

    pub fn host(host: &str, reason: impl std::fmt::Display) -> Self {
        ProbeError::Host {
            host: host.to_string(),
            reason: reason.to_string(),
        }
    }
}
