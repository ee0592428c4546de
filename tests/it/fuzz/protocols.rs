//! Answers of the client-first protocols the scanner asks (SMB negotiate + NTLMSSP
//! challenge, RDP, MSRPC, NetBIOS session, RTSP, SIP, IPP, PJL, LPD, MQTT), SSDP answers,
//! UPnP descriptions, SNMP system-group answers, LLMNR/mDNS reverse answers and the DHCP
//! requests clients broadcast:
//! well-formed seeds, then mutated.
use super::mutate::{junk, mutated};
use bigr::scan::{dhcp, probes, reverse_names, snmp_sweep, ssdp};
use proptest::prelude::*;
use std::sync::LazyLock;

/// The ports whose protocol `probes::describe` parses.
const PORTS: &[u16] = &[445, 3389, 135, 139, 554, 5060, 631, 9100, 515, 1883, 80, 22];

const TOKENS: &[&[u8]] = &[
    b"NTLMSSP\0",
    b"\xfeSMB",
    b"\r\n",
    b"\r\n\r\n",
    b"Content-Length: 99999\r\n",
    b"Server: ",
    b"\"",
    b"@PJL INFO ID\r\n",
    b"<friendlyName>",
    b"</friendlyName>",
    b"&amp;",
    b"&#x",
    b"<![CDATA[",
    b"LOCATION: http://10.0.0.5:1/x\r\n",
    b"\x03",
    b"\xff\xff",
    b"\x63\x82\x53\x63",
    b"\x0c\xff",
];

fn utf16_pair(id: u16, text: &str) -> Vec<u8> {
    let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut p = id.to_le_bytes().to_vec();
    p.extend_from_slice(&(units.len() as u16).to_le_bytes());
    p.extend(units);
    p
}

/// A NEGOTIATE response (SMB 3.0.2) then a SESSION_SETUP answer carrying a challenge.
fn smb_answer() -> Vec<u8> {
    let mut negotiate = vec![0u8; 4];
    negotiate.extend_from_slice(b"\xfeSMB");
    negotiate.resize(4 + 64, 0);
    negotiate.extend_from_slice(&[65, 0, 1, 0, 0x02, 0x03]);
    negotiate.resize(4 + 64 + 65, 0);
    let info = [
        utf16_pair(2, "CORP"),
        utf16_pair(1, "PC-1"),
        utf16_pair(4, "corp.example"),
        utf16_pair(3, "pc-1.corp.example"),
        vec![0, 0, 0, 0],
    ]
    .concat();
    let mut c = b"NTLMSSP\0".to_vec();
    c.extend_from_slice(&2u32.to_le_bytes());
    c.extend_from_slice(&[0; 8]);
    c.extend_from_slice(&0x0289_8205u32.to_le_bytes());
    c.extend_from_slice(&[0x11; 16]);
    c.extend_from_slice(&(info.len() as u16).to_le_bytes());
    c.extend_from_slice(&(info.len() as u16).to_le_bytes());
    c.extend_from_slice(&56u32.to_le_bytes());
    c.extend_from_slice(&[10, 0, 0x65, 0x4a, 0, 0, 0, 15]);
    c.extend(info);
    [negotiate, vec![0; 4 + 64 + 8], c].concat()
}

fn ipp_answer() -> Vec<u8> {
    let mut body = vec![2, 0, 0, 0, 0, 0, 0, 1, 0x04];
    for (name, value) in [
        ("printer-make-and-model", "HP LaserJet"),
        ("printer-device-id", "MFG:HP;MDL:LaserJet;"),
    ] {
        body.push(0x41);
        body.extend_from_slice(&(name.len() as u16).to_be_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(value.len() as u16).to_be_bytes());
        body.extend_from_slice(value.as_bytes());
    }
    body.push(3);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body].concat()
}

static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut snmp = bigr::scan::snmp_sweep::get_system("public", 7);
    // The same message as a Response (tag 0xa2) carrying a sysName.
    if let Some(at) = snmp.iter().position(|b| *b == 0xa0) {
        snmp[at] = 0xa2;
    }
    vec![
        smb_answer(),
        ipp_answer(),
        snmp,
        vec![3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0],
        [vec![5, 0, 12, 3, 0x10, 0, 0, 0, 60, 0], vec![0; 50]].concat(),
        vec![0x82, 0, 0, 0],
        vec![0x20, 2, 0, 0],
        b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Hikvision-Webs/2.1\r\n\r\n".to_vec(),
        b"SIP/2.0 200 OK\r\nUser-Agent: Yealink SIP-T46S 66.86\r\n\r\n".to_vec(),
        b"@PJL INFO ID\r\n\"HP LaserJet M404\"\r\n\x0c".to_vec(),
        b"lp: no such queue\n".to_vec(),
        b"HTTP/1.1 200 OK\r\nLOCATION: http://10.0.0.5:49152/d.xml\r\nSERVER: Linux UPnP/1.0\r\n\r\n"
            .to_vec(),
        b"<root><device><deviceType>urn:schemas-upnp-org:device:Printer:1</deviceType><friendlyName>P &amp; Q</friendlyName><modelName><![CDATA[M404]]></modelName></device></root>"
            .to_vec(),
        dhcp::request_packet(
            [0x3c, 0x22, 0xfb, 1, 2, 3],
            &[
                (53, &[3]),
                (12, b"ACC-PC-07"),
                (60, b"MSFT 5.0"),
                (55, &[1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252]),
                (61, &[1, 0x3c, 0x22, 0xfb, 1, 2, 3]),
            ],
        ),
        reverse_names::answer(
            &reverse_names::question(7, std::net::Ipv4Addr::new(10, 0, 0, 5)),
            "Ayses-iPhone.local",
        ),
    ]
});

fn seed() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(SEEDS.clone())
}

pub fn protocol_input() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let bytes = prop_oneof![
        1 => seed(),
        4 => mutated(seed(), TOKENS),
        1 => junk(),
    ];
    (prop::sample::select(PORTS), bytes)
}

/// Every parser of a protocol answer, on the same bytes.
pub fn feed_protocol((port, raw): &(u16, Vec<u8>)) {
    let answer = probes::describe(*port, raw);
    assert_eq!(answer.service.port, *port);
    let _ = ssdp::parse_answer(raw);
    let _ = ssdp::parse_description(&String::from_utf8_lossy(raw));
    let _ = snmp_sweep::parse_system(raw, "public");
    if let Some(s) = dhcp::parse(raw) {
        assert!(s.host_name.as_ref().is_none_or(|n| n.chars().count() <= 64));
    }
    let _ = dhcp::parse_frame(raw);
    if let Some((_, name)) = reverse_names::parse(raw) {
        assert!(!name.is_empty() && name.chars().count() <= 253);
    }
}

/// Whether the generator reaches past the first checks: the well-formed seeds parse.
pub fn seeds_parse() -> bool {
    let smb = probes::describe(445, &SEEDS[0]);
    let ipp = probes::describe(631, &SEEDS[1]);
    smb.names.iter().any(|n| n.name == "PC-1")
        && smb.device.os.as_deref() == Some("Windows 10 (build 19045)")
        && ipp.service.product.as_deref() == Some("HP LaserJet")
        && dhcp::parse(&SEEDS[SEEDS.len() - 2]).is_some_and(|s| s.host_name.is_some())
        && reverse_names::parse(SEEDS.last().expect("seeds"))
            .is_some_and(|(_, n)| n == "Ayses-iPhone")
}
