//! SNMPv3 USM against RFC 3414's own numbers: a stand-in agent on loopback answers engine
//! discovery with the RFC's engine id (A.3: 000000000000000000000002) and checks that the
//! first authenticated request is signed with the localized key the RFC gives for the pass
//! phrase "maplesyrup" (A.3.1 for MD5, A.3.2 for SHA-1), HMAC-96 over the whole message with
//! the authentication field zeroed (§6.3.1, §7.3.1).
use bigr::model::snmp_access::{AuthProtocol, GearRole, SwitchCredentials, UsmCredentials};
use bigr::scan::snmp::{Session, SnmpOptions};
use md5::Digest as _;
use std::net::UdpSocket;
use std::time::Duration;

const ENGINE_ID: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
/// RFC 3414 A.3.1: MD5, "maplesyrup", localized to ENGINE_ID.
const MD5_KEY: [u8; 16] = [
    0x52, 0x6f, 0x5e, 0xed, 0x9f, 0xcc, 0xe2, 0x6f, 0x89, 0x64, 0xc2, 0x93, 0x07, 0x87, 0xd8, 0x2b,
];
/// RFC 3414 A.3.2: SHA-1, "maplesyrup", localized to ENGINE_ID.
const SHA_KEY: [u8; 20] = [
    0x66, 0x95, 0xfe, 0xbc, 0x92, 0x88, 0xe3, 0x62, 0x82, 0x23, 0x5f, 0xc7, 0x15, 0x1f, 0x12, 0x84,
    0x97, 0xb3, 0x8f, 0x3f,
];

/// One BER element: its tag, where its content starts and ends in the buffer.
fn element(buf: &[u8], at: usize) -> (u8, usize, usize) {
    let tag = buf[at];
    let first = buf[at + 1] as usize;
    let (len, start) = if first < 0x80 {
        (first, at + 2)
    } else {
        let n = first & 0x7f;
        let len = buf[at + 2..at + 2 + n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | *b as usize);
        (len, at + 2 + n)
    };
    (tag, start, start + len)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    if content.len() < 0x80 {
        out.push(content.len() as u8);
    } else {
        out.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn int(n: u32) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
    let mut body = bytes[skip..].to_vec();
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(0x02, &body)
}

/// The children of the constructed element whose content is buf[start..end].
fn children(buf: &[u8], start: usize, end: usize) -> Vec<(u8, usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        let e = element(buf, at);
        out.push(e);
        at = e.2;
    }
    out
}

/// The discovery Report (usmStatsUnknownEngineIDs) for message `msg_id` of the request.
fn discovery_report(msg_id: &[u8]) -> Vec<u8> {
    let usm = tlv(
        0x30,
        &[
            tlv(0x04, &ENGINE_ID),
            int(1),
            int(100),
            tlv(0x04, b""),
            tlv(0x04, b""),
            tlv(0x04, b""),
        ]
        .concat(),
    );
    let varbind = tlv(
        0x30,
        &tlv(
            0x30,
            &[
                tlv(0x06, &[0x2b, 6, 1, 6, 3, 15, 1, 1, 4, 0]),
                tlv(0x41, &[1]),
            ]
            .concat(),
        ),
    );
    let report = tlv(0xa8, &[int(0), int(0), int(0), varbind].concat());
    let scoped = tlv(
        0x30,
        &[tlv(0x04, &ENGINE_ID), tlv(0x04, b""), report].concat(),
    );
    let global = tlv(
        0x30,
        &[msg_id.to_vec(), int(65507), tlv(0x04, &[0]), int(3)].concat(),
    );
    tlv(0x30, &[int(3), global, tlv(0x04, &usm), scoped].concat())
}

fn hmac(key: &[u8], msg: &[u8], hash: fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut k = key.to_vec();
    k.resize(64, 0);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(msg.iter().copied())
        .collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(hash(&inner)).collect();
    hash(&outer)
}

/// Plays the agent for one session; returns (the auth field sent, the HMAC it should be).
fn agent(socket: UdpSocket, key: Vec<u8>, hash: fn(&[u8]) -> Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let mut buf = [0u8; 2048];
    loop {
        let (n, from) = socket
            .recv_from(&mut buf)
            .expect("a request from the client");
        let msg = buf[..n].to_vec();
        let (_, start, end) = element(&msg, 0);
        let parts = children(&msg, start, end);
        let (_, gs, ge) = parts[1];
        let global = children(&msg, gs, ge);
        let msg_id = msg[global[0].1 - 2..global[0].2].to_vec();
        let flags = msg[global[2].1];
        let (_, ss, _) = parts[2];
        let (_, us, ue) = element(&msg, ss);
        let usm = children(&msg, us, ue);
        if flags & 1 == 0 {
            // Discovery (no authentication yet): answer with the RFC's engine.
            socket.send_to(&discovery_report(&msg_id), from).unwrap();
            continue;
        }
        let (_, auth_start, auth_end) = usm[4];
        let sent = msg[auth_start..auth_end].to_vec();
        let mut zeroed = msg.clone();
        zeroed[auth_start..auth_end].fill(0);
        let want = hmac(&key, &zeroed, hash)[..12].to_vec();
        return (sent, want);
    }
}

fn check(auth: AuthProtocol, key: Vec<u8>, hash: fn(&[u8]) -> Vec<u8>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = socket.local_addr().unwrap().port();
    let agent = std::thread::spawn(move || agent(socket, key, hash));
    let access = SwitchCredentials {
        host: "127.0.0.1".into(),
        community: String::new(),
        snmp_version: "3".into(),
        usm: Some(UsmCredentials {
            user: "rfc3414".into(),
            auth,
            auth_pass: "maplesyrup".into(),
            privacy: None,
            priv_pass: String::new(),
            context: String::new(),
        }),
        role: GearRole::Switch,
    };
    let opts = SnmpOptions {
        port,
        timeout: Duration::from_millis(300),
        retries: 0,
        ..SnmpOptions::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut session = Session::open(&access, &opts)
            .await
            .expect("engine discovery");
        // The stand-in never answers the request itself: only its signature matters.
        let _ = session.walk(&[1, 3, 6, 1, 2, 1, 1]).await;
    });
    let (sent, want) = agent.join().unwrap();
    assert_eq!(
        sent, want,
        "{auth:?}: the request is not signed with RFC 3414's localized key"
    );
}

#[test]
fn requests_are_signed_with_rfc_3414s_localized_keys() {
    check(AuthProtocol::Md5, MD5_KEY.to_vec(), |m| {
        md5::Md5::digest(m).to_vec()
    });
    check(AuthProtocol::Sha1, SHA_KEY.to_vec(), |m| {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, m)
            .as_ref()
            .to_vec()
    });
}
