use super::*;
use crate::scan::tcp::serve_loopback as serve;
use std::time::Duration;
use tokio::net::TcpListener;

#[tokio::test]
async fn greetings_and_http_answers_are_read_on_any_port() {
    let local: IpAddr = "127.0.0.1".parse().unwrap();
    let opts = ProbeOptions::default();
    let ssh = serve(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n").await;
    let s = identify(local, ssh, &opts, false).await.service;
    assert_eq!(
        (s.product.as_deref(), s.version.as_deref()),
        (Some("OpenSSH"), Some("9.2p1"))
    );
    // HTTP is recognised by the answer, whatever the port.
    let http =
        serve(b"HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.69\r\n\r\n<title>UniFi Network</title>")
            .await;
    let h = identify(local, http, &opts, false).await.service;
    assert_eq!(
        (h.http_server.as_deref(), h.http_title.as_deref()),
        (Some("lighttpd/1.4.69"), Some("UniFi Network"))
    );
    // A silent service still yields its port, nothing invented.
    let silent_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = silent_listener.local_addr().unwrap().port();
    let quick = ProbeOptions {
        read_timeout: Duration::from_millis(200),
        ..Default::default()
    };
    let q = identify(local, silent, &quick, false).await.service;
    assert_eq!((q.port, q.banner, q.name), (silent, None, None));
    drop(silent_listener);
}

#[test]
fn ports_choose_their_protocol_and_fragile_hosts_get_none() {
    assert_eq!(protocol_of(445), Some(Protocol::Smb));
    assert_eq!(protocol_of(9100), Some(Protocol::Pjl));
    assert_eq!(protocol_of(8080), Some(Protocol::Http));
    assert_eq!(protocol_of(22), None, "SSH speaks first");
}

#[test]
fn http_like_answers_end_at_their_length() {
    assert!(!http_complete(
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"
    ));
    assert!(http_complete(
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"
    ));
    assert!(
        !http_complete(b"HTTP/1.1 200 OK\r\n\r\n<html>"),
        "no length: read on"
    );
}

#[test]
fn rdp_confirm_says_which_security_the_server_wants() {
    let nla = [
        3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0,
    ];
    let s = binary::rdp(&nla).unwrap();
    assert_eq!(s.name.as_deref(), Some("rdp"));
    assert!(s.banner.unwrap().contains("NLA"));
    assert!(binary::tpkt_complete(&nla) && !binary::tpkt_complete(&nla[..10]));
    assert_eq!(binary::rdp(b"HTTP/1.1 400"), None);
    assert_eq!(binary::RDP_REQUEST[3] as usize, binary::RDP_REQUEST.len());
}

#[test]
fn msrpc_netbios_and_mqtt_answers_are_recognised() {
    let mut ack = vec![5, 0, 0x0c, 3, 0x10, 0, 0, 0, 60, 0];
    ack.resize(60, 0);
    assert_eq!(binary::msrpc(&ack).unwrap().name.as_deref(), Some("msrpc"));
    assert_eq!(u16::from_le_bytes([binary::MSRPC_BIND[8], 0]) as usize, 72);
    assert!(binary::netbios_session(&[0x82, 0, 0, 0]).is_some());
    assert!(binary::netbios_session(&[0x83, 0, 0, 1, 0x8f]).is_some());
    assert!(binary::netbios_session(b"SSH-").is_none());
    let req = binary::netbios_session_request();
    assert_eq!(req.len(), 4 + 68);
    assert_eq!(&req[5..7], b"CK", "'*' is 0x2a: nibbles C and K");
    let open = binary::mqtt(&[0x20, 2, 0, 0]).unwrap();
    assert!(open.banner.unwrap().contains("without credentials"));
    let closed = binary::mqtt(&[0x20, 2, 0, 5]).unwrap();
    assert!(closed.banner.unwrap().contains("credentials required"));
    assert_eq!(
        binary::MQTT_CONNECT[1] as usize + 2,
        binary::MQTT_CONNECT.len()
    );
}

#[test]
fn rtsp_and_sip_give_their_software() {
    let r = text::rtsp(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Hikvision-Webs/2.1\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n").unwrap();
    assert_eq!(
        (
            r.name.as_deref(),
            r.product.as_deref(),
            r.version.as_deref()
        ),
        (Some("rtsp"), Some("Hikvision-Webs"), Some("2.1"))
    );
    let s =
        text::sip(b"SIP/2.0 200 OK\r\nUser-Agent: Yealink SIP-T46S 66.86.0.15\r\n\r\n").unwrap();
    assert_eq!(
        (s.name.as_deref(), s.product.as_deref()),
        (Some("sip"), Some("Yealink"))
    );
    assert!(text::rtsp(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
    let req = String::from_utf8(text::sip_options("10.0.0.5".parse().unwrap(), 5060)).unwrap();
    assert!(req.starts_with("OPTIONS sip:10.0.0.5:5060 SIP/2.0\r\n") && req.ends_with("\r\n\r\n"));
}

#[test]
fn pjl_and_lpd_answers_name_the_printer() {
    let a = text::pjl(b"@PJL INFO ID\r\n\"HP LaserJet M404dn\"\r\n\x0c").unwrap();
    assert_eq!(a.device.model.as_deref(), Some("HP LaserJet M404dn"));
    assert_eq!(a.service.name.as_deref(), Some("jetdirect"));
    assert!(text::pjl(b"garbage").is_none());
    let l = text::lpd(b"lp: no such queue\n").unwrap();
    assert_eq!(l.name.as_deref(), Some("lpd"));
    assert!(text::lpd(b"SSH-2.0-x\r\n").is_none());
}

/// An IPP answer as a printer sends it: HTTP head, then version, status, request id and
/// the printer attributes group.
fn ipp_answer(attrs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = vec![2, 0, 0, 0, 0, 0, 0, 1, 0x04];
    for (name, value) in attrs {
        body.push(0x41);
        body.extend_from_slice(&(name.len() as u16).to_be_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(value.len() as u16).to_be_bytes());
        body.extend_from_slice(value.as_bytes());
    }
    body.push(0x03);
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nServer: HP HTTP Server\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend(body);
    out
}

#[test]
fn ipp_answers_give_make_model_and_firmware() {
    let raw = ipp_answer(&[
        ("printer-make-and-model", "HP LaserJet Pro M404dn"),
        (
            "printer-device-id",
            "MFG:HP;MDL:LaserJet Pro M404dn;CMD:PJL,PCL;",
        ),
        ("printer-firmware-string-version", "002.2049A"),
        ("printer-uuid", "ignored"),
    ]);
    assert!(http_complete(&raw));
    let a = ipp::parse(&raw).unwrap();
    assert_eq!(
        (
            a.service.name.as_deref(),
            a.service.product.as_deref(),
            a.service.version.as_deref()
        ),
        (
            Some("ipp"),
            Some("HP LaserJet Pro M404dn"),
            Some("002.2049A")
        )
    );
    assert_eq!(
        (a.device.manufacturer.as_deref(), a.device.model.as_deref()),
        (Some("HP"), Some("LaserJet Pro M404dn"))
    );
    // Our own request walks like an answer: its attributes are the ones asked for.
    let asked = ipp::attributes(&ipp::body("ipp://10.0.0.9:631/ipp/print"));
    assert!(
        asked.is_empty(),
        "a request names no printer attribute: {asked:?}"
    );
    // Truncated or hostile bodies end the walk without a panic.
    for cut in 0..raw.len() {
        let _ = ipp::parse(&raw[..cut]);
    }
}

/// An NTLMSSP CHALLENGE as Windows 10 sends it.
fn challenge_message(version: Option<(u8, u8, u16)>) -> Vec<u8> {
    let pair = |id: u16, text: &str| {
        let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut p = id.to_le_bytes().to_vec();
        p.extend_from_slice(&(units.len() as u16).to_le_bytes());
        p.extend(units);
        p
    };
    let info = [
        pair(2, "CORP"),
        pair(1, "DESKTOP-7QK2"),
        pair(4, "corp.example"),
        pair(3, "DESKTOP-7QK2.corp.example"),
        vec![0, 0, 0, 0],
    ]
    .concat();
    let mut m = b"NTLMSSP\0".to_vec();
    m.extend_from_slice(&2u32.to_le_bytes());
    m.extend_from_slice(&[0; 8]); // target name
    let flags: u32 = if version.is_some() {
        0x0289_8205
    } else {
        0x0089_8205
    };
    m.extend_from_slice(&flags.to_le_bytes());
    m.extend_from_slice(&[0x11; 8]); // challenge
    m.extend_from_slice(&[0; 8]);
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&56u32.to_le_bytes());
    let (ma, mi, b) = version.unwrap_or((0, 0, 0));
    m.extend_from_slice(&[ma, mi]);
    m.extend_from_slice(&b.to_le_bytes());
    m.extend_from_slice(&[0, 0, 0, 15]);
    m.extend(info);
    // As it arrives: inside an SMB2 SESSION_SETUP response and a SPNEGO wrapper.
    let mut framed = vec![0u8; 4 + 64 + 8 + 20];
    framed.extend(m);
    framed
}

#[test]
fn the_ntlmssp_challenge_names_the_computer_domain_and_build() {
    let c = smb::challenge(&challenge_message(Some((10, 0, 19045)))).unwrap();
    assert_eq!(c.netbios_computer.as_deref(), Some("DESKTOP-7QK2"));
    assert_eq!(c.netbios_domain.as_deref(), Some("CORP"));
    assert_eq!(c.dns_computer.as_deref(), Some("DESKTOP-7QK2.corp.example"));
    assert_eq!(c.version, Some((10, 0, 19045)));
    assert_eq!(smb::domain_of(&c).as_deref(), Some("corp.example"));
    let workgroup_pc = smb::Challenge {
        netbios_computer: Some("PC1".into()),
        netbios_domain: Some("PC1".into()),
        dns_domain: Some("PC1".into()),
        ..Default::default()
    };
    assert_eq!(smb::domain_of(&workgroup_pc), None);
    assert_eq!(
        smb::windows_release(10, 0, 19045).as_deref(),
        Some("Windows 10 (build 19045)")
    );
    assert_eq!(
        smb::windows_release(10, 0, 22631).as_deref(),
        Some("Windows 11 (build 22631)")
    );
    assert_eq!(
        smb::windows_release(6, 1, 0),
        None,
        "Samba says 6.1 build 0"
    );
    let bare = smb::challenge(&challenge_message(None)).unwrap();
    assert_eq!(bare.version, None);
    let full = challenge_message(Some((10, 0, 1)));
    for cut in 0..full.len() {
        let _ = smb::challenge(&full[..cut]);
    }
}

#[test]
fn smb_requests_are_well_framed() {
    for req in [smb::negotiate_request(), smb::session_setup_request()] {
        assert!(smb::message_complete(&req));
        assert_eq!(&req[4..8], b"\xfeSMB");
    }
    let setup = smb::session_setup_request();
    let ntlm = setup.windows(8).position(|w| w == b"NTLMSSP\0").unwrap();
    assert_eq!(setup[ntlm + 8], 1, "an NTLMSSP NEGOTIATE");
    assert_eq!(setup[4 + 64 + 24], 0x60, "SPNEGO at the announced offset");
}
