//! IPP Get-Printer-Attributes (RFC 8010/8011) over HTTP on port 631: the printer's make and
//! model, its firmware version and its IEEE 1284 device id. Read-only by definition.
use super::Answer;
use crate::model::Service;
use crate::scan::banner::{self, printable};
use std::net::IpAddr;

const GET_PRINTER_ATTRIBUTES: u16 = 0x000b;
const OPERATION_ATTRIBUTES: u8 = 0x01;
const END_OF_ATTRIBUTES: u8 = 0x03;
const CHARSET: u8 = 0x47;
const LANGUAGE: u8 = 0x48;
const URI: u8 = 0x45;
const KEYWORD: u8 = 0x44;
/// The attributes asked for, and the only ones read back.
const WANTED: [&str; 4] = [
    "printer-make-and-model",
    "printer-device-id",
    "printer-firmware-string-version",
    "printer-info",
];

fn attribute(out: &mut Vec<u8>, tag: u8, name: &str, value: &str) {
    out.push(tag);
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

/// The IPP message (version 2.0, request id 1).
pub fn body(printer_uri: &str) -> Vec<u8> {
    let mut b = vec![0x02, 0x00];
    b.extend_from_slice(&GET_PRINTER_ATTRIBUTES.to_be_bytes());
    b.extend_from_slice(&1u32.to_be_bytes());
    b.push(OPERATION_ATTRIBUTES);
    attribute(&mut b, CHARSET, "attributes-charset", "utf-8");
    attribute(&mut b, LANGUAGE, "attributes-natural-language", "en");
    attribute(&mut b, URI, "printer-uri", printer_uri);
    for (i, wanted) in WANTED.iter().enumerate() {
        // Further values of a multi-valued attribute carry an empty name.
        let name = if i == 0 { "requested-attributes" } else { "" };
        attribute(&mut b, KEYWORD, name, wanted);
    }
    b.push(END_OF_ATTRIBUTES);
    b
}

pub fn request(ip: IpAddr, port: u16) -> Vec<u8> {
    let host = match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    };
    let body = body(&format!("ipp://{host}/ipp/print"));
    let mut out = format!(
        "POST /ipp/print HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/ipp\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: bigr/{}\r\n\r\n",
        body.len(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The wanted attributes of an IPP answer body, in the order found; anything malformed
/// ends the walk.
pub fn attributes(body: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 8; // version, status, request id
    let mut last_name = String::new();
    let u16_at = |i: usize| -> Option<usize> {
        Some(u16::from_be_bytes([*body.get(i)?, *body.get(i + 1)?]) as usize)
    };
    while let Some(&tag) = body.get(at) {
        if tag == END_OF_ATTRIBUTES {
            break;
        }
        if tag < 0x10 {
            at += 1; // a group delimiter
            continue;
        }
        let Some(name_len) = u16_at(at + 1) else {
            break;
        };
        let name_end = at + 3 + name_len;
        let Some(value_len) = u16_at(name_end) else {
            break;
        };
        let (Some(name), Some(value)) = (
            body.get(at + 3..name_end),
            body.get(name_end + 2..name_end + 2 + value_len),
        ) else {
            break;
        };
        if !name.is_empty() {
            last_name = String::from_utf8_lossy(name).into_owned();
        }
        if WANTED.contains(&last_name.as_str()) && out.len() < 16 {
            out.push((last_name.clone(), printable(value)));
        }
        at = name_end + 2 + value_len;
    }
    out
}

/// `MFG:HP;MDL:LaserJet M404;...` → ("HP", "LaserJet M404").
fn device_id(id: &str) -> (Option<String>, Option<String>) {
    let field = |keys: &[&str]| {
        id.split(';').find_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            keys.iter()
                .any(|key| k.trim().eq_ignore_ascii_case(key))
                .then(|| v.trim().to_string())
                .filter(|v| !v.is_empty())
        })
    };
    (field(&["MFG", "MANUFACTURER"]), field(&["MDL", "MODEL"]))
}

pub fn parse(raw: &[u8]) -> Option<Answer> {
    if !raw.starts_with(b"HTTP/1.") {
        return None;
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let is_ipp = banner::header(&head, "content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/ipp"));
    let mut service = Service {
        name: Some("ipp".into()),
        protocol: "tcp".into(),
        http_server: banner::header(&head, "server").map(|s| printable(s.as_bytes())),
        banner: Some(printable(head.as_bytes())),
        ..Default::default()
    };
    let mut a = Answer::default();
    if is_ipp {
        for (name, value) in attributes(&raw[split + 4..]) {
            match name.as_str() {
                "printer-make-and-model" => service.product = service.product.or(Some(value)),
                "printer-firmware-string-version" => {
                    service.version = service.version.or(Some(value))
                }
                "printer-device-id" => {
                    let (mfg, mdl) = device_id(&value);
                    a.device.manufacturer = a.device.manufacturer.or(mfg);
                    a.device.model = a.device.model.or(mdl);
                }
                _ => {}
            }
        }
    }
    if a.device.model.is_none() {
        a.device.model = service.product.clone();
    }
    a.service = service;
    Some(a)
}
