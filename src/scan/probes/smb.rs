//! SMB on port 445 without credentials: SMB2 NEGOTIATE, then a SESSION_SETUP that carries
//! an NTLMSSP NEGOTIATE. The server's CHALLENGE names the computer (NetBIOS and DNS), its
//! domain and, from Windows, the OS build. The exchange stops there: nothing is ever
//! authenticated, and the server drops the half-open session when we close.
use super::{Answer, Exchange};
use crate::model::{NameSource, Service};

const NEGOTIATE: u16 = 0;
const SESSION_SETUP: u16 = 1;
/// Dialects offered: 2.0.2 to 3.0.2 (3.1.1 would oblige us to send negotiate contexts).
const DIALECTS: [u16; 4] = [0x0202, 0x0210, 0x0300, 0x0302];
const NTLMSSP: &[u8; 8] = b"NTLMSSP\0";
/// Unicode, OEM, request target, NTLM, always sign, extended session security, target
/// info, version, 128- and 56-bit.
const NTLM_FLAGS: u32 = 0xa288_8207;
const FLAG_VERSION: u32 = 0x0200_0000;

fn header(command: u16, message_id: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(64);
    h.extend_from_slice(b"\xfeSMB");
    h.extend_from_slice(&64u16.to_le_bytes()); // structure size
    h.extend_from_slice(&0u16.to_le_bytes()); // credit charge
    h.extend_from_slice(&0u32.to_le_bytes()); // status
    h.extend_from_slice(&command.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // credits requested
    h.extend_from_slice(&0u32.to_le_bytes()); // flags
    h.extend_from_slice(&0u32.to_le_bytes()); // next command
    h.extend_from_slice(&message_id.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes()); // reserved
    h.extend_from_slice(&0u32.to_le_bytes()); // tree id
    h.extend_from_slice(&0u64.to_le_bytes()); // session id
    h.extend_from_slice(&[0u8; 16]); // signature
    h
}

/// Direct-TCP framing: a zero byte and a 24-bit length.
fn framed(message: Vec<u8>) -> Vec<u8> {
    let len = message.len() as u32;
    let mut out = vec![0, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    out.extend(message);
    out
}

pub fn negotiate_request() -> Vec<u8> {
    let mut m = header(NEGOTIATE, 0);
    m.extend_from_slice(&36u16.to_le_bytes());
    m.extend_from_slice(&(DIALECTS.len() as u16).to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes()); // signing enabled
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&0u32.to_le_bytes()); // capabilities
    m.extend_from_slice(b"bigr-discovery!!"); // client GUID
    m.extend_from_slice(&0u64.to_le_bytes()); // client start time
    for d in DIALECTS {
        m.extend_from_slice(&d.to_le_bytes());
    }
    framed(m)
}

/// NTLMSSP NEGOTIATE (type 1) with empty domain and workstation and a zero version.
fn ntlm_negotiate() -> Vec<u8> {
    let mut t = NTLMSSP.to_vec();
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&NTLM_FLAGS.to_le_bytes());
    t.extend_from_slice(&[0u8; 16]); // domain and workstation fields
    t.extend_from_slice(&[0u8; 8]); // version
    t
}

/// The NTLMSSP token wrapped in a SPNEGO NegTokenInit offering NTLMSSP only.
fn spnego(token: &[u8]) -> Vec<u8> {
    use crate::scan::ber::{oid, tlv};
    const SPNEGO: &[u64] = &[1, 3, 6, 1, 5, 5, 2];
    const NTLMSSP_MECH: &[u64] = &[1, 3, 6, 1, 4, 1, 311, 2, 2, 10];
    let mech_types = tlv(0xa0, &tlv(0x30, &oid(NTLMSSP_MECH)));
    let mech_token = tlv(0xa2, &tlv(0x04, token));
    let init = tlv(0xa0, &tlv(0x30, &[mech_types, mech_token].concat()));
    tlv(0x60, &[oid(SPNEGO), init].concat())
}

pub fn session_setup_request() -> Vec<u8> {
    let blob = spnego(&ntlm_negotiate());
    let mut m = header(SESSION_SETUP, 1);
    m.extend_from_slice(&25u16.to_le_bytes());
    m.push(0); // flags
    m.push(1); // signing enabled
    m.extend_from_slice(&0u32.to_le_bytes()); // capabilities
    m.extend_from_slice(&0u32.to_le_bytes()); // channel
    m.extend_from_slice(&(64u16 + 24).to_le_bytes()); // security buffer offset
    m.extend_from_slice(&(blob.len() as u16).to_le_bytes());
    m.extend_from_slice(&0u64.to_le_bytes()); // previous session
    m.extend(blob);
    framed(m)
}

pub fn message_complete(b: &[u8]) -> bool {
    b.len() >= 4 && b.len() >= 4 + ((b[1] as usize) << 16 | (b[2] as usize) << 8 | b[3] as usize)
}

/// The dialect a NEGOTIATE response chose, e.g. "3.0.2".
pub fn negotiated_dialect(b: &[u8]) -> Option<String> {
    let smb = b.get(4..)?;
    if !smb.starts_with(b"\xfeSMB") || u16::from_le_bytes([*smb.get(12)?, *smb.get(13)?]) != 0 {
        return None;
    }
    let d = u16::from_le_bytes([*smb.get(68)?, *smb.get(69)?]);
    Some(match d {
        0x02ff => "2.x".to_string(),
        _ => format!("{}.{}.{}", d >> 8, (d >> 4) & 0xf, d & 0xf),
    })
}

/// What an NTLMSSP CHALLENGE (type 2) says about the server.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Challenge {
    pub netbios_computer: Option<String>,
    pub netbios_domain: Option<String>,
    pub dns_computer: Option<String>,
    pub dns_domain: Option<String>,
    /// (major, minor, build) when the server sent its version.
    pub version: Option<(u8, u8, u16)>,
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    crate::scan::banner::printable(String::from_utf16_lossy(&units).as_bytes())
}

/// Finds the CHALLENGE anywhere in `b` (raw or inside SPNEGO) and reads its target info.
pub fn challenge(b: &[u8]) -> Option<Challenge> {
    let at = b.windows(8).position(|w| w == NTLMSSP)?;
    let m = &b[at..];
    let u16_at = |i: usize| Some(u16::from_le_bytes([*m.get(i)?, *m.get(i + 1)?]));
    let u32_at = |i: usize| {
        Some(u32::from_le_bytes([
            *m.get(i)?,
            *m.get(i + 1)?,
            *m.get(i + 2)?,
            *m.get(i + 3)?,
        ]))
    };
    if u32_at(8)? != 2 {
        return None;
    }
    let flags = u32_at(20)?;
    let mut c = Challenge::default();
    if flags & FLAG_VERSION != 0 {
        c.version = Some((*m.get(48)?, *m.get(49)?, u16_at(50)?));
    }
    let (info_len, info_at) = (u16_at(40)? as usize, u32_at(44)? as usize);
    let info = m.get(info_at..info_at.checked_add(info_len)?)?;
    let mut i = 0;
    // AV pairs: id, length, value; MsvAvEOL (0) ends the list.
    while i + 4 <= info.len() {
        let id = u16::from_le_bytes([info[i], info[i + 1]]);
        let len = u16::from_le_bytes([info[i + 2], info[i + 3]]) as usize;
        let Some(value) = info.get(i + 4..i + 4 + len) else {
            break;
        };
        let text = || Some(utf16(value)).filter(|s| !s.is_empty());
        match id {
            0 => break,
            1 => c.netbios_computer = text(),
            2 => c.netbios_domain = text(),
            3 => c.dns_computer = text(),
            4 => c.dns_domain = text(),
            _ => {}
        }
        i += 4 + len;
    }
    Some(c)
}

/// The Windows release a version triple names. Samba sends build 0, which no Windows does.
pub fn windows_release(major: u8, minor: u8, build: u16) -> Option<String> {
    if build == 0 {
        return None;
    }
    let name = match (major, minor) {
        (5, 1) => "Windows XP",
        (5, 2) => "Windows Server 2003",
        (6, 0) => "Windows Vista / Server 2008",
        (6, 1) => "Windows 7 / Server 2008 R2",
        (6, 2) => "Windows 8 / Server 2012",
        (6, 3) => "Windows 8.1 / Server 2012 R2",
        (10, 0) if build == 20348 => "Windows Server 2022",
        (10, 0) if build >= 22000 => "Windows 11",
        (10, 0) => "Windows 10",
        _ => return Some(format!("Windows {major}.{minor} (build {build})")),
    };
    Some(format!("{name} (build {build})"))
}

/// The Windows domain a challenge names. A machine in no domain (a workgroup PC, a
/// standalone Samba) names itself as its domain: that is no domain.
pub(super) fn domain_of(c: &Challenge) -> Option<String> {
    let own = |d: &String| {
        c.netbios_computer
            .as_ref()
            .is_some_and(|n| n.eq_ignore_ascii_case(d))
            || c.dns_computer
                .as_ref()
                .is_some_and(|n| n.eq_ignore_ascii_case(d))
    };
    c.dns_domain
        .clone()
        .filter(|d| d.contains('.') && !own(d))
        .or_else(|| c.netbios_domain.clone().filter(|d| !own(d)))
}

/// Negotiate, then the NTLMSSP challenge; an SMB server that stops after the negotiate is
/// still named.
pub(super) async fn identify(io: &mut Exchange<'_>) -> Option<Answer> {
    let negotiated = io.ask(&negotiate_request(), message_complete).await;
    let dialect = negotiated_dialect(&negotiated)?;
    let challenged = io.ask(&session_setup_request(), message_complete).await;
    Some(described(&dialect, &challenged))
}

/// One buffer holding a NEGOTIATE response followed by a SESSION_SETUP answer, as replayed
/// answers come.
pub(super) fn describe(raw: &[u8]) -> Option<Answer> {
    let dialect = negotiated_dialect(raw)?;
    Some(described(&dialect, raw))
}

fn described(dialect: &str, challenged: &[u8]) -> Answer {
    let mut a = Answer::of(Service {
        name: Some("smb".into()),
        protocol: "tcp".into(),
        ..Default::default()
    });
    let mut facts = vec![format!("SMB {dialect}")];
    if let Some(c) = challenge(challenged) {
        let windows = c.version.and_then(|(ma, mi, b)| windows_release(ma, mi, b));
        a.service.product = Some(
            if windows.is_some() {
                "Microsoft Windows SMB"
            } else {
                "Samba"
            }
            .into(),
        );
        if let Some((major, minor, build)) = c.version.filter(|_| windows.is_some()) {
            a.service.version = Some(format!("{major}.{minor}.{build}"));
        }
        a.device.os = windows;
        a.device.domain = domain_of(&c);
        let fqdn = match (&c.dns_computer, &c.dns_domain) {
            (Some(host), Some(domain)) if !host.contains('.') && domain.contains('.') => {
                Some(format!("{host}.{domain}"))
            }
            (host, _) => host.clone(),
        };
        a.name(fqdn, NameSource::Smb);
        a.name(c.netbios_computer.clone(), NameSource::Netbios);
        facts.extend(c.netbios_computer.map(|n| format!("computer {n}")));
        facts.extend(a.device.domain.clone().map(|d| format!("domain {d}")));
        facts.extend(a.device.os.clone());
    }
    a.service.banner = Some(facts.join("; "));
    a
}
