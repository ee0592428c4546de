//! Binary Windows and IoT handshakes, each one request and one answer: RDP X.224
//! connection request, DCE/RPC bind to the endpoint mapper, NetBIOS session request, MQTT
//! CONNECT.
use crate::model::Service;

fn named(name: &str) -> Service {
    Service {
        name: Some(name.into()),
        protocol: "tcp".into(),
        ..Default::default()
    }
}

/// TPKT + X.224 Connection Request + RDP_NEG_REQ asking for TLS or CredSSP ([MS-RDPBCGR]
/// 2.2.1.1): what every RDP client sends first.
pub const RDP_REQUEST: [u8; 19] = [
    0x03, 0x00, 0x00, 0x13, // TPKT: version 3, length 19
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, // X.224 CR, no cookie
    0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00, // NEG_REQ: TLS | CredSSP
];

pub fn tpkt_complete(b: &[u8]) -> bool {
    b.len() >= 4 && b.len() >= u16::from_be_bytes([b[2], b[3]]) as usize
}

/// An X.224 Connection Confirm; its negotiation answer says which security the server
/// insists on.
pub fn rdp(b: &[u8]) -> Option<Service> {
    if b.len() < 7 || b[0] != 3 || b[5] != 0xd0 {
        return None;
    }
    let security = match (b.get(11), b.get(15)) {
        (Some(0x02), Some(0)) => "standard RDP security",
        (Some(0x02), Some(1)) => "TLS",
        (Some(0x02), Some(2 | 8)) => "CredSSP (NLA)",
        (Some(0x03), _) => "negotiation refused",
        _ => "legacy (no negotiation)",
    };
    let mut s = named("rdp");
    s.banner = Some(format!("X.224 connection confirm; security: {security}"));
    Some(s)
}

/// DCE/RPC bind to the endpoint mapper (e1af8308-5d1f-11c9-91a4-08002b14a0fa v3) with the
/// NDR transfer syntax: answered with bind_ack or bind_nak by any MSRPC server.
pub const MSRPC_BIND: [u8; 72] = [
    0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, // v5.0 bind, first+last, little-endian
    0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // frag 72, no auth, call 1
    0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, // max xmit/recv 4280, no group
    0x01, 0x00, 0x00, 0x00, // one context
    0x00, 0x00, 0x01, 0x00, // context 0, one transfer syntax
    0x08, 0x83, 0xaf, 0xe1, 0x1f, 0x5d, 0xc9, 0x11, 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa,
    0x03, 0x00, 0x00, 0x00, // EPM v3.0
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    0x02, 0x00, 0x00, 0x00, // NDR v2
];

pub fn dcerpc_complete(b: &[u8]) -> bool {
    b.len() >= 10 && b.len() >= u16::from_le_bytes([b[8], b[9]]) as usize
}

pub fn msrpc(b: &[u8]) -> Option<Service> {
    if b.len() < 16 || b[0] != 5 || !matches!(b[2], 0x0c | 0x0d) {
        return None;
    }
    let mut s = named("msrpc");
    s.banner = Some(
        if b[2] == 0x0c {
            "endpoint mapper bind accepted"
        } else {
            "bind refused"
        }
        .into(),
    );
    Some(s)
}

/// A NetBIOS name in first-level encoding: 15 characters padded with spaces, a suffix byte,
/// each nibble + 'A', length-prefixed.
fn encoded_name(name: &str, suffix: u8) -> [u8; 34] {
    let mut raw = [b' '; 16];
    for (slot, b) in raw.iter_mut().zip(name.bytes().take(15)) {
        *slot = b;
    }
    raw[15] = suffix;
    let mut out = [0u8; 34];
    out[0] = 0x20;
    for (i, b) in raw.iter().enumerate() {
        out[1 + 2 * i] = b'A' + (b >> 4);
        out[2 + 2 * i] = b'A' + (b & 0x0f);
    }
    out
}

/// Session request (RFC 1002 §4.3.2) to "*SMBSERVER" from "BIGR".
pub fn netbios_session_request() -> Vec<u8> {
    let mut out = vec![0x81, 0x00, 0x00, 0x44];
    out.extend_from_slice(&encoded_name("*SMBSERVER", 0x20));
    out.extend_from_slice(&encoded_name("BIGR", 0x00));
    out
}

/// Positive (0x82), negative (0x83) or retarget (0x84) session response.
pub fn netbios_session(b: &[u8]) -> Option<Service> {
    if b.len() < 4 || !matches!(b[0], 0x82..=0x84) || b[1] & 0xfe != 0 {
        return None;
    }
    Some(named("netbios-ssn"))
}

/// MQTT 3.1.1 CONNECT, clean session, client id "bigr-probe", no credentials.
pub const MQTT_CONNECT: [u8; 24] = [
    0x10, 0x16, // CONNECT, remaining length 22
    0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x0a, // v3.1.1, clean, 10 s
    0x00, 0x0a, b'b', b'i', b'g', b'r', b'-', b'p', b'r', b'o', b'b', b'e',
];

/// CONNACK: whether the broker let an anonymous client in is the fact worth keeping.
pub fn mqtt(b: &[u8]) -> Option<Service> {
    if b.len() < 4 || b[0] != 0x20 || b[1] != 0x02 {
        return None;
    }
    let verdict = match b[3] {
        0 => "accepted without credentials",
        4 | 5 => "refused: credentials required",
        _ => "refused",
    };
    let mut s = named("mqtt");
    s.banner = Some(format!("CONNACK: {verdict}"));
    Some(s)
}
