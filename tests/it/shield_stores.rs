//! Data stores for the Shield lab, open and locked: memcached itself, and stand-ins for
//! MongoDB and Elasticsearch, which Debian does not package. The stand-ins answer the one
//! read-only request Shield sends with the bytes the real servers send (an OP_MSG with a
//! BSON document; Elasticsearch's banner JSON or its 401), nothing more.
use crate::shield_servers::{Proc, spawn_in, write};
use crate::support::lab::Lab;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

/// memcached on `ip`:11211; with `password`, ASCII authentication is on (-Y), and every
/// command before `set` of the credentials is refused.
pub fn memcached(ns: &str, ip: std::net::Ipv4Addr, dir: &Path, password: Option<&str>) -> Proc {
    let ip = ip.to_string();
    let mut args = vec!["-u", "nobody", "-l", &ip, "-p", "11211", "-U", "0"];
    let auth;
    if let Some(p) = password {
        auth = write(dir, "memcached.auth", &format!("lab:{p}\n"));
        std::fs::set_permissions(&auth, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        args.extend(["-Y", &auth]);
    }
    spawn_in(ns, "memcached", &args)
}

/// A BSON document of (name, value) with values already encoded: (type byte, bytes).
fn bson(elements: &[(&str, u8, Vec<u8>)]) -> Vec<u8> {
    let mut doc = Vec::new();
    for (name, kind, value) in elements {
        doc.push(*kind);
        doc.extend_from_slice(name.as_bytes());
        doc.push(0);
        doc.extend_from_slice(value);
    }
    doc.push(0);
    let mut out = ((doc.len() + 4) as i32).to_le_bytes().to_vec();
    out.extend_from_slice(&doc);
    out
}

fn bson_string(s: &str) -> Vec<u8> {
    let mut out = ((s.len() + 1) as i32).to_le_bytes().to_vec();
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out
}

/// The OP_MSG reply of mongod to `listDatabases`: the list when authorization is off,
/// error 13 (Unauthorized) when it is on.
fn mongo_reply(request_id: i32, open: bool) -> Vec<u8> {
    let doc = if open {
        let admin = bson(&[("name", 0x02, bson_string("admin"))]);
        let list = bson(&[("0", 0x03, admin)]);
        bson(&[
            ("databases", 0x04, list),
            ("ok", 0x01, 1f64.to_le_bytes().to_vec()),
        ])
    } else {
        bson(&[
            ("ok", 0x01, 0f64.to_le_bytes().to_vec()),
            (
                "errmsg",
                0x02,
                bson_string("command listDatabases requires authentication"),
            ),
            ("code", 0x10, 13i32.to_le_bytes().to_vec()),
            ("codeName", 0x02, bson_string("Unauthorized")),
        ])
    };
    let mut body = 0u32.to_le_bytes().to_vec();
    body.push(0);
    body.extend_from_slice(&doc);
    let mut msg = ((body.len() + 16) as i32).to_le_bytes().to_vec();
    msg.extend_from_slice(&7i32.to_le_bytes());
    msg.extend_from_slice(&request_id.to_le_bytes());
    msg.extend_from_slice(&2013i32.to_le_bytes());
    msg.extend_from_slice(&body);
    msg
}

/// A MongoDB stand-in on 27017 (see the module's comment).
pub fn mongo_stand_in(ns: &str, open: bool) {
    let listener = Lab::in_ns(ns, || TcpListener::bind(("0.0.0.0", 27017)).unwrap());
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut header = [0u8; 16];
            if conn.read_exact(&mut header).is_err() {
                continue;
            }
            let len = i32::from_le_bytes(header[..4].try_into().unwrap()).clamp(16, 1 << 16);
            let mut rest = vec![0u8; len as usize - 16];
            if conn.read_exact(&mut rest).is_err() {
                continue;
            }
            let id = i32::from_le_bytes(header[4..8].try_into().unwrap());
            let _ = conn.write_all(&mongo_reply(id, open));
        }
    });
}

/// An Elasticsearch stand-in on 9200: the cluster banner, or with security on, the 401
/// Elasticsearch 8 sends to a request without credentials.
pub fn elasticsearch_stand_in(ns: &str, open: bool) {
    let listener = Lab::in_ns(ns, || TcpListener::bind(("0.0.0.0", 9200)).unwrap());
    let (status, extra, body) = if open {
        (
            "200 OK",
            "",
            r#"{"name":"es01","cluster_name":"lab","version":{"number":"8.11.1","lucene_version":"9.8.0"},"tagline":"You Know, for Search"}"#,
        )
    } else {
        (
            "401 Unauthorized",
            "WWW-Authenticate: Basic realm=\"security\" charset=\"UTF-8\"\r\n",
            r#"{"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/]"}],"type":"security_exception"},"status":401}"#,
        )
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\n{extra}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(reply.as_bytes());
        }
    });
}
