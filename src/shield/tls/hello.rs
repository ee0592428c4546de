//! Handcrafted ClientHellos, one per protocol version and cipher list, as testssl.sh and
//! sslscan send them: rustls speaks only TLS 1.2/1.3 with modern suites, and a scanner must
//! also learn what a server would accept that no good client offers.
use ring::rand::{SecureRandom, SystemRandom};

pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// The suites of TLS 1.3 (they are offered only in a 1.3 hello).
pub const TLS13_SUITES: [u16; 5] = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

const EMPTY_RENEGOTIATION_SCSV: u16 = 0x00ff;

pub fn version_name(v: u16) -> &'static str {
    match v {
        SSL3 => "SSLv3",
        TLS10 => "TLS 1.0",
        TLS11 => "TLS 1.1",
        TLS12 => "TLS 1.2",
        TLS13 => "TLS 1.3",
        _ => "unknown",
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // SystemRandom only fails when the OS has no entropy source; a fixed pattern is still a
    // valid hello, so a probe does not depend on it.
    let _ = SystemRandom::new().fill(&mut b);
    b
}

fn u16be(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn extension(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    u16be(out, kind);
    u16be(out, body.len() as u16);
    out.extend_from_slice(body);
}

/// A list body: a 2-byte length, then 2-byte items.
fn list16(items: &[u16]) -> Vec<u8> {
    let mut b = Vec::with_capacity(2 + items.len() * 2);
    u16be(&mut b, (items.len() * 2) as u16);
    for i in items {
        u16be(&mut b, *i);
    }
    b
}

const GROUPS: [u16; 7] = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101];
/// Every signature scheme a server might insist on, SHA-1 included: we want its answer.
const SIGNATURE_SCHEMES: [u16; 16] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0808, 0x0203,
    0x0201, 0x0402, 0x0202, 0x0303,
];

fn extensions(version: u16, server_name: Option<&str>) -> Vec<u8> {
    let mut ext = Vec::with_capacity(256);
    if let Some(name) = server_name.filter(|n| n.parse::<std::net::IpAddr>().is_err()) {
        let name = &name.as_bytes()[..name.len().min(255)];
        let mut sni = Vec::with_capacity(name.len() + 5);
        u16be(&mut sni, (name.len() + 3) as u16);
        sni.push(0);
        u16be(&mut sni, name.len() as u16);
        sni.extend_from_slice(name);
        extension(&mut ext, 0x0000, &sni);
    }
    extension(&mut ext, 0x000a, &list16(&GROUPS));
    extension(&mut ext, 0x000b, &[1, 0]);
    if version >= TLS12 {
        extension(&mut ext, 0x000d, &list16(&SIGNATURE_SCHEMES));
    }
    extension(&mut ext, 0xff01, &[0]);
    if version == TLS13 {
        let mut versions = vec![2];
        versions.extend_from_slice(&TLS13.to_be_bytes());
        extension(&mut ext, 0x002b, &versions);
        // One x25519 share: any 32 bytes is a public key a server can answer to.
        let mut share = Vec::with_capacity(38);
        u16be(&mut share, 36);
        u16be(&mut share, 0x001d);
        u16be(&mut share, 32);
        share.extend_from_slice(&random::<32>());
        extension(&mut ext, 0x0033, &share);
        extension(&mut ext, 0x002d, &[1, 1]);
    }
    ext
}

/// One ClientHello record offering `version` (and nothing above it) with `ciphers`.
pub fn client_hello(version: u16, ciphers: &[u16], server_name: Option<&str>) -> Vec<u8> {
    let mut body = Vec::with_capacity(512 + ciphers.len() * 2);
    // A 1.3 hello says 1.2 in the legacy field and 1.3 in supported_versions.
    u16be(&mut body, version.min(TLS12));
    body.extend_from_slice(&random::<32>());
    if version == TLS13 {
        // Middlebox compatibility mode: a 32-byte legacy session id.
        body.push(32);
        body.extend_from_slice(&random::<32>());
    } else {
        body.push(0);
    }
    let mut suites: Vec<u16> = ciphers.to_vec();
    if version != TLS13 {
        suites.push(EMPTY_RENEGOTIATION_SCSV);
    }
    body.extend_from_slice(&list16(&suites));
    body.extend_from_slice(&[1, 0]);
    if version > SSL3 {
        let mut ext = extensions(version, server_name);
        // Some servers (F5) hang on hellos of 256–511 bytes: pad past them (RFC 7685).
        let unpadded = 4 + body.len() + 2 + ext.len();
        if (256..512).contains(&unpadded) {
            let pad = (512 - unpadded).saturating_sub(4);
            extension(&mut ext, 0x0015, &vec![0; pad]);
        }
        u16be(&mut body, ext.len() as u16);
        body.extend_from_slice(&ext);
    }
    let mut record = Vec::with_capacity(body.len() + 9);
    record.push(22);
    // The record layer says at most TLS 1.0, as browsers do: old servers drop anything newer.
    u16be(&mut record, version.min(TLS10));
    u16be(&mut record, (body.len() + 4) as u16);
    record.push(1);
    record.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    record.extend_from_slice(&body);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hellos_parse_as_client_hellos_with_the_asked_version_and_suites() {
        for v in [SSL3, TLS10, TLS11, TLS12, TLS13] {
            let suites: &[u16] = if v == TLS13 {
                &TLS13_SUITES
            } else {
                &[0x002f, 0x0035, 0xc02f]
            };
            let hello = client_hello(v, suites, Some("host.example"));
            let (rest, record) = tls_parser::parse_tls_plaintext(&hello).unwrap();
            assert!(rest.is_empty(), "{}", version_name(v));
            let tls_parser::TlsMessage::Handshake(tls_parser::TlsMessageHandshake::ClientHello(ch)) =
                &record.msg[0]
            else {
                panic!("not a client hello: {:?}", record.msg);
            };
            assert_eq!(ch.version.0, v.min(TLS12));
            let ids: Vec<u16> = ch.ciphers.iter().map(|c| c.0).collect();
            assert_eq!(&ids[..suites.len()], suites);
            assert_eq!(ch.ext.is_some(), v > SSL3);
            if !(256..512).contains(&hello.len()) {
                continue;
            }
            panic!(
                "{} hello of {} bytes is in the F5 range",
                version_name(v),
                hello.len()
            );
        }
    }
}
