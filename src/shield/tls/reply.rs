//! What a server answered to one handcrafted hello, read record by record with tls-parser:
//! the version and suite it chose, its certificate chain (sent in clear before TLS 1.3), or
//! the alert it refused with.
use super::hello::TLS13;
use tls_parser::{
    TlsExtension, TlsMessage, TlsMessageHandshake, TlsRecordType, parse_tls_extensions,
    parse_tls_message_handshake, parse_tls_raw_record,
};

/// The HelloRetryRequest "random" (RFC 8446 §4.1.3): a 1.3 server asking for another key share.
const RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The server agreed: this version and suite; the chain when it came in clear.
    Accepted {
        version: u16,
        cipher: u16,
        chain: Vec<Vec<u8>>,
    },
    /// A TLS alert (handshake_failure 40, protocol_version 70, …).
    Refused { alert: u8 },
    /// The connection closed or timed out without a TLS answer.
    Silent,
    /// Bytes that are not TLS (a plain-text service on this port).
    NotTls,
}

/// Whether `buf` holds a whole answer: an alert, or a ServerHello followed by the rest of the
/// server's first flight (ServerHelloDone before 1.3, anything encrypted from 1.3 on).
pub fn complete(buf: &[u8]) -> bool {
    !matches!(read(buf, false), Reply::Silent)
}

/// Reads an answer. With `partial_ok`, a ServerHello without the rest of its flight counts
/// (the connection closed or timed out after it).
pub fn read(buf: &[u8], partial_ok: bool) -> Reply {
    let mut rest = buf;
    let mut handshake: Vec<u8> = Vec::new();
    let mut hello: Option<(u16, u16)> = None;
    let mut chain: Vec<Vec<u8>> = Vec::new();
    while !rest.is_empty() {
        let Ok((after, record)) = parse_tls_raw_record(rest) else {
            // An unknown content type or a short record: not TLS, or not whole yet.
            if rest.len() >= 5 && !(20..=24).contains(&rest[0]) {
                return Reply::NotTls;
            }
            break;
        };
        rest = after;
        match record.hdr.record_type {
            TlsRecordType::Alert if hello.is_none() => {
                return Reply::Refused {
                    alert: record.data.get(1).copied().unwrap_or(0),
                };
            }
            TlsRecordType::Handshake => handshake.extend_from_slice(record.data),
            // From 1.3 on, everything after the ServerHello is encrypted: the flight we
            // can read is over.
            TlsRecordType::ApplicationData | TlsRecordType::ChangeCipherSpec => {
                if let Some((version, cipher)) = hello {
                    return Reply::Accepted {
                        version,
                        cipher,
                        chain,
                    };
                }
            }
            _ => {}
        }
        // Handshake messages may span records: parse what is whole.
        let mut msgs: &[u8] = &handshake;
        let mut consumed = 0;
        while msgs.len() >= 4 {
            let len = u32::from_be_bytes([0, msgs[1], msgs[2], msgs[3]]) as usize;
            if msgs.len() < 4 + len {
                break;
            }
            let (one, next) = msgs.split_at(4 + len);
            match parse_tls_message_handshake(one) {
                Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)))) => {
                    let mut version = sh.version.0;
                    if let Some(ext) = sh.ext
                        && let Ok((_, exts)) = parse_tls_extensions(ext)
                    {
                        for e in exts {
                            if let TlsExtension::SupportedVersions(v) = e
                                && let Some(chosen) = v.first()
                            {
                                version = chosen.0;
                            }
                        }
                    }
                    if sh.random == &RETRY_RANDOM[..] {
                        // A retry is a 1.3 server wanting another group: 1.3 is spoken.
                        return Reply::Accepted {
                            version: TLS13,
                            cipher: sh.cipher.0,
                            chain,
                        };
                    }
                    hello = Some((version, sh.cipher.0));
                    if version == TLS13 {
                        return Reply::Accepted {
                            version,
                            cipher: sh.cipher.0,
                            chain,
                        };
                    }
                }
                Ok((_, TlsMessage::Handshake(TlsMessageHandshake::Certificate(c)))) => {
                    chain = c.cert_chain.iter().map(|c| c.data.to_vec()).collect();
                }
                Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerDone(_)))) => {
                    if let Some((version, cipher)) = hello {
                        return Reply::Accepted {
                            version,
                            cipher,
                            chain,
                        };
                    }
                }
                _ => {}
            }
            consumed += one.len();
            msgs = next;
        }
        handshake.drain(..consumed);
    }
    match hello {
        Some((version, cipher)) if partial_ok => Reply::Accepted {
            version,
            cipher,
            chain,
        },
        _ if buf.len() >= 5 && !(20..=24).contains(&buf[0]) => Reply::NotTls,
        _ => Reply::Silent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u8, version: u16, body: &[u8]) -> Vec<u8> {
        let mut r = vec![kind];
        r.extend_from_slice(&version.to_be_bytes());
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(body);
        m
    }

    fn server_hello(version: u16, cipher: u16) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(&[7; 32]);
        b.push(0);
        b.extend_from_slice(&cipher.to_be_bytes());
        b.push(0);
        handshake(2, &b)
    }

    #[test]
    fn reads_a_legacy_flight_split_across_records_with_its_chain() {
        let cert = b"not really DER but carried as bytes".to_vec();
        let mut certs = Vec::new();
        let mut entry = (cert.len() as u32).to_be_bytes()[1..].to_vec();
        entry.extend_from_slice(&cert);
        certs.extend_from_slice(&(entry.len() as u32).to_be_bytes()[1..]);
        certs.extend_from_slice(&entry);
        let mut flight = server_hello(0x0301, 0x000a);
        flight.extend(handshake(11, &certs));
        flight.extend(handshake(14, &[]));
        // Cut the handshake bytes across two records, mid-message.
        let (a, b) = flight.split_at(50);
        let mut wire = record(22, 0x0301, a);
        assert_eq!(read(&wire, false), Reply::Silent, "not whole yet");
        wire.extend(record(22, 0x0301, b));
        assert_eq!(
            read(&wire, false),
            Reply::Accepted {
                version: 0x0301,
                cipher: 0x000a,
                chain: vec![cert]
            }
        );
    }

    #[test]
    fn alerts_plain_text_and_silence_are_told_apart() {
        assert_eq!(
            read(&record(21, 0x0303, &[2, 70]), false),
            Reply::Refused { alert: 70 }
        );
        assert_eq!(read(b"SSH-2.0-OpenSSH_9.2\r\n", false), Reply::NotTls);
        assert_eq!(read(b"", false), Reply::Silent);
        // A hello with no rest of flight is whole only when the caller says the stream ended.
        let hello = record(22, 0x0303, &server_hello(0x0303, 0xc02f));
        assert_eq!(read(&hello, false), Reply::Silent);
        assert!(matches!(
            read(&hello, true),
            Reply::Accepted {
                version: 0x0303,
                cipher: 0xc02f,
                ..
            }
        ));
    }
}
