//! A Windows 10 PC for the namespace lab, answering the way Windows does where Debian has no
//! Windows: SMB2 negotiate and an NTLMSSP challenge carrying its names and build (Samba,
//! used elsewhere, sends build 0), the RPC endpoint mapper's bind_ack and RDP's X.224
//! connection confirm. Its NetBIOS name comes from `lab_services::netbios_responder`.
use crate::support::lab::Lab;
use std::io::{Read, Write};
use std::net::TcpListener;

/// Who the PC says it is.
#[derive(Clone, Copy)]
pub struct WindowsPc {
    pub name: &'static str,
    pub domain: &'static str,
    pub dns_domain: &'static str,
    pub build: u16,
}

fn listen(ns: &str, port: u16) -> TcpListener {
    Lab::in_ns(ns, move || {
        TcpListener::bind(("0.0.0.0", port)).expect("bind in namespace")
    })
}

/// Serves SMB (445), MSRPC (135) and RDP (3389) in `ns`.
pub fn serve(ns: &str, pc: WindowsPc) {
    let smb = listen(ns, 445);
    std::thread::spawn(move || {
        for conn in smb.incoming().flatten() {
            std::thread::spawn(move || smb_session(conn, pc));
        }
    });
    answer_first_message(listen(ns, 135), |req| {
        // bind (11) → bind_ack (12) with the same call id.
        (req.len() >= 16 && req[0] == 5 && req[2] == 11).then(|| {
            let mut ack = vec![5, 0, 12, 3, 0x10, 0, 0, 0, 60, 0, 0, 0];
            ack.extend_from_slice(&req[12..16]);
            ack.resize(60, 0);
            ack
        })
    });
    answer_first_message(listen(ns, 3389), |req| {
        // X.224 connection request → confirm, selecting CredSSP (NLA).
        (req.len() >= 11 && req[0] == 3 && req[5] == 0xe0).then(|| {
            vec![
                3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0,
            ]
        })
    });
}

fn answer_first_message(listener: TcpListener, answer: fn(&[u8]) -> Option<Vec<u8>>) {
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let mut buf = [0u8; 1024];
            if let Ok(n) = conn.read(&mut buf)
                && let Some(reply) = answer(&buf[..n])
            {
                let _ = conn.write_all(&reply);
            }
        }
    });
}

/// Reads one direct-TCP SMB message (4-byte length prefix), bounded.
fn read_message(conn: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    let mut head = [0u8; 4];
    conn.read_exact(&mut head).ok()?;
    let len = (head[1] as usize) << 16 | (head[2] as usize) << 8 | head[3] as usize;
    if len > 65_536 {
        return None;
    }
    let mut body = vec![0u8; len];
    conn.read_exact(&mut body).ok()?;
    Some(body)
}

fn smb_header(command: u16, status: u32, message_id: u64) -> Vec<u8> {
    let mut h = b"\xfeSMB".to_vec();
    h.extend_from_slice(&64u16.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&status.to_le_bytes());
    h.extend_from_slice(&command.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes()); // a response
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&message_id.to_le_bytes());
    h.extend_from_slice(&[0u8; 4 + 4 + 8 + 16]);
    h
}

fn framed(m: Vec<u8>) -> Vec<u8> {
    let len = m.len() as u32;
    let mut out = vec![0, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    out.extend(m);
    out
}

fn negotiate_response() -> Vec<u8> {
    let mut m = smb_header(0, 0, 0);
    m.extend_from_slice(&65u16.to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes()); // signing enabled
    m.extend_from_slice(&0x0302u16.to_le_bytes()); // SMB 3.0.2
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(b"lab-windows-guid");
    m.extend_from_slice(&0u32.to_le_bytes());
    for _ in 0..3 {
        m.extend_from_slice(&65_536u32.to_le_bytes());
    }
    m.extend_from_slice(&[0u8; 16]); // times
    m.extend_from_slice(&128u16.to_le_bytes());
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&0u32.to_le_bytes());
    framed(m)
}

fn challenge(pc: WindowsPc) -> Vec<u8> {
    let pair = |id: u16, text: &str| {
        let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut p = id.to_le_bytes().to_vec();
        p.extend_from_slice(&(units.len() as u16).to_le_bytes());
        p.extend(units);
        p
    };
    let fqdn = format!("{}.{}", pc.name.to_lowercase(), pc.dns_domain);
    let info = [
        pair(2, pc.domain),
        pair(1, pc.name),
        pair(4, pc.dns_domain),
        pair(3, &fqdn),
        vec![0, 0, 0, 0],
    ]
    .concat();
    let mut m = b"NTLMSSP\0".to_vec();
    m.extend_from_slice(&2u32.to_le_bytes());
    m.extend_from_slice(&[0u8; 8]);
    m.extend_from_slice(&0x0289_8205u32.to_le_bytes()); // … with NEGOTIATE_VERSION
    m.extend_from_slice(&[0x5a; 8]);
    m.extend_from_slice(&[0u8; 8]);
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&56u32.to_le_bytes());
    m.extend_from_slice(&[10, 0]);
    m.extend_from_slice(&pc.build.to_le_bytes());
    m.extend_from_slice(&[0, 0, 0, 15]);
    m.extend(info);
    m
}

fn smb_session(mut conn: std::net::TcpStream, pc: WindowsPc) {
    let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
    let Some(first) = read_message(&mut conn) else {
        return;
    };
    if !first.starts_with(b"\xfeSMB") || first.get(12..14) != Some(&[0, 0]) {
        return;
    }
    let _ = conn.write_all(&negotiate_response());
    let Some(second) = read_message(&mut conn) else {
        return;
    };
    if second.get(12..14) != Some(&[1, 0]) {
        return;
    }
    let token = challenge(pc);
    // STATUS_MORE_PROCESSING_REQUIRED: the client would now authenticate; ours never does.
    let mut m = smb_header(1, 0xc000_0016, 1);
    m.extend_from_slice(&9u16.to_le_bytes());
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&72u16.to_le_bytes());
    m.extend_from_slice(&(token.len() as u16).to_le_bytes());
    m.extend(token);
    let _ = conn.write_all(&framed(m));
}
