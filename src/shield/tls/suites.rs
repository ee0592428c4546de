//! Cipher suites by what is wrong with them, from tls-parser's IANA table: the lists Shield
//! offers, and the weakness class of each suite a server accepts.
use tls_parser::{
    CIPHERS, TlsCipherAu, TlsCipherEnc, TlsCipherEncMode, TlsCipherKx, TlsCipherSuite,
};

/// Why a suite is weak, most serious first; the check id it raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weakness {
    Export,
    Anonymous,
    Null,
    Des,
    Rc4,
    TripleDes,
}

impl Weakness {
    pub fn check_id(self) -> &'static str {
        match self {
            Weakness::Export => "tls.cipher.export",
            Weakness::Anonymous => "tls.cipher.anonymous",
            Weakness::Null => "tls.cipher.null",
            Weakness::Des => "tls.cipher.des",
            Weakness::Rc4 => "tls.cipher.rc4",
            Weakness::TripleDes => "tls.cipher.3des",
        }
    }
}

/// Suites a certificate-based server could pick: pre-shared-key, SRP, Kerberos and
/// password suites need a secret we do not have and would only lengthen the hello.
fn offerable(s: &TlsCipherSuite) -> bool {
    matches!(
        s.kx,
        TlsCipherKx::Null
            | TlsCipherKx::Rsa
            | TlsCipherKx::Dh
            | TlsCipherKx::Dhe
            | TlsCipherKx::Ecdh
            | TlsCipherKx::Ecdhe
            | TlsCipherKx::Aecdh
    ) && !matches!(s.au, TlsCipherAu::Psk | TlsCipherAu::Krb5 | TlsCipherAu::Srp)
        && s.id.0 != 0
        // Signalling values, not suites: TLS_FALLBACK_SCSV makes a server that speaks a
        // higher version refuse the hello (inappropriate_fallback).
        && !s.name.contains("SCSV")
}

pub fn weakness(s: &TlsCipherSuite) -> Option<Weakness> {
    if s.name.contains("EXPORT") {
        Some(Weakness::Export)
    } else if s.au == TlsCipherAu::Null || s.kx == TlsCipherKx::Aecdh || s.name.contains("_anon_") {
        Some(Weakness::Anonymous)
    } else if s.enc == TlsCipherEnc::Null {
        Some(Weakness::Null)
    } else if s.enc == TlsCipherEnc::Des {
        Some(Weakness::Des)
    } else if s.enc == TlsCipherEnc::Rc4 {
        Some(Weakness::Rc4)
    } else if s.enc == TlsCipherEnc::TripleDes {
        Some(Weakness::TripleDes)
    } else {
        None
    }
}

pub fn name(id: u16) -> String {
    TlsCipherSuite::from_id(id)
        .map(|s| s.name.to_string())
        .unwrap_or_else(|| format!("0x{id:04x}"))
}

pub fn weakness_of(id: u16) -> Option<Weakness> {
    TlsCipherSuite::from_id(id).and_then(weakness)
}

pub fn is_cbc(id: u16) -> bool {
    TlsCipherSuite::from_id(id).is_some_and(|s| s.enc_mode == TlsCipherEncMode::Cbc)
}

fn sorted(filter: impl Fn(&TlsCipherSuite) -> bool) -> Vec<u16> {
    let mut ids: Vec<u16> = CIPHERS
        .values()
        .filter(|s| s.kx != TlsCipherKx::Tls13 && offerable(s) && filter(s))
        .map(|s| s.id.0)
        .collect();
    ids.sort_unstable();
    ids
}

/// Every suite before TLS 1.3 that a certificate server could choose: asking with all of
/// them tells whether a version is spoken at all.
pub fn all_legacy() -> Vec<u16> {
    sorted(|_| true)
}

/// The weak suites only: a server that accepts none of them answers with one refusal.
pub fn weak() -> Vec<u16> {
    sorted(|s| weakness(s).is_some())
}

/// Suites that are neither CBC nor weak... but that TLS 1.0 can negotiate (no AEAD before
/// 1.2): a TLS 1.0 server refusing all of them offers only CBC there.
pub fn tls10_non_cbc() -> Vec<u16> {
    sorted(|s| s.enc_mode != TlsCipherEncMode::Cbc && s.mac != tls_parser::TlsCipherMac::Aead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_suites_names() {
        let class = |name: &str| weakness(TlsCipherSuite::from_name(name).unwrap());
        assert_eq!(
            class("TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
            Some(Weakness::Export)
        );
        assert_eq!(
            class("TLS_DH_anon_WITH_AES_128_CBC_SHA"),
            Some(Weakness::Anonymous)
        );
        assert_eq!(
            class("TLS_ECDH_anon_WITH_AES_128_CBC_SHA"),
            Some(Weakness::Anonymous)
        );
        assert_eq!(class("TLS_RSA_WITH_NULL_SHA256"), Some(Weakness::Null));
        assert_eq!(class("TLS_RSA_WITH_DES_CBC_SHA"), Some(Weakness::Des));
        assert_eq!(class("TLS_RSA_WITH_RC4_128_SHA"), Some(Weakness::Rc4));
        assert_eq!(
            class("TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
            Some(Weakness::TripleDes)
        );
        assert_eq!(class("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), None);
        assert_eq!(class("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"), None);
        assert!(is_cbc(0xc014) && !is_cbc(0xc02f));
        let all = all_legacy();
        assert!(all.contains(&0xc02f) && all.contains(&0x000a) && !all.contains(&0x1301));
        assert!(
            !all.contains(&0x5600) && !all.contains(&0x00ff),
            "no signalling values"
        );
        assert!(weak().iter().all(|id| weakness_of(*id).is_some()));
        assert!(tls10_non_cbc().iter().all(|id| !is_cbc(*id)));
    }
}
