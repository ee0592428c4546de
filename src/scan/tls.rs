//! TLS certificates as served on ip:port — recorded even when expired, self-signed or issued
//! for another name. The handshake uses a verifier that accepts anything: we describe the
//! certificate, we never trust the connection.
use super::error::ProbeError;
use crate::model::CertificateObservation;
use crate::model::limits;
use chrono::{DateTime, Utc};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use x509_parser::prelude::*;

/// Accepts every certificate and signature: this client only records what it is shown.
#[derive(Debug)]
struct RecordOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for RecordOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The client configuration of certificate capture (TLS 1.2 and 1.3, ring).
pub fn recording_config() -> Result<Arc<ClientConfig>, ProbeError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::setup("TLS setup", e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RecordOnly(provider)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Connects to ip:port, completes a handshake (sending `server_name` as SNI when given) and
/// describes the leaf certificate. None when nothing speaks TLS there in time.
pub async fn fetch_certificate(
    config: Arc<ClientConfig>,
    ip: IpAddr,
    port: u16,
    server_name: Option<&str>,
    timeout: Duration,
) -> Option<CertificateObservation> {
    let chain = fetch_chain(config, ip, port, server_name, timeout).await?;
    describe(ip, port, chain.first()?)
}

/// The certificate chain served on ip:port (leaf first), as DER. None when nothing speaks
/// TLS 1.2/1.3 there in time.
pub async fn fetch_chain(
    config: Arc<ClientConfig>,
    ip: IpAddr,
    port: u16,
    server_name: Option<&str>,
    timeout: Duration,
) -> Option<Vec<Vec<u8>>> {
    let name = server_name
        .and_then(|n| ServerName::try_from(n.to_string()).ok())
        .unwrap_or_else(|| ServerName::IpAddress(ip.into()));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect(SocketAddr::new(ip, port))
            .await
            .ok()?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .ok()?;
        let chain: Vec<Vec<u8>> = tls
            .get_ref()
            .1
            .peer_certificates()?
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        (!chain.is_empty()).then_some(chain)
    };
    tokio::time::timeout(timeout, handshake).await.ok()?
}

/// What one TLS port showed: its certificate and, when asked for, the HTTP answer spoken
/// inside the tunnel (HTTPS `Server` header and `<title>`).
pub struct TlsProbe {
    pub certificate: Option<CertificateObservation>,
    pub http_answer: Vec<u8>,
}

/// Handshakes with ip:port, records the leaf certificate and, with `http`, sends one GET and
/// reads the answer (at most 8 KiB). Every step is bounded by `timeout`.
pub async fn probe(
    config: Arc<ClientConfig>,
    ip: IpAddr,
    port: u16,
    http: bool,
    timeout: Duration,
) -> TlsProbe {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut out = TlsProbe {
        certificate: None,
        http_answer: Vec::new(),
    };
    let connect = async {
        let tcp = tokio::net::TcpStream::connect(SocketAddr::new(ip, port))
            .await
            .ok()?;
        tokio_rustls::TlsConnector::from(config)
            .connect(ServerName::IpAddress(ip.into()), tcp)
            .await
            .ok()
    };
    let Ok(Some(mut stream)) = tokio::time::timeout(timeout, connect).await else {
        return out;
    };
    out.certificate = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .and_then(|leaf| describe(ip, port, leaf.as_ref()));
    if !http {
        return out;
    }
    let request = format!(
        "GET / HTTP/1.0\r\nHost: {ip}\r\nUser-Agent: bigr/{}\r\nAccept: */*\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if !matches!(
        tokio::time::timeout(timeout, stream.write_all(request.as_bytes())).await,
        Ok(Ok(()))
    ) {
        return out;
    }
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        match tokio::time::timeout(timeout, stream.read(&mut buf[len..])).await {
            Ok(Ok(n)) if n > 0 => len += n,
            _ => break,
        }
    }
    buf.truncate(len);
    out.http_answer = buf;
    out
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The fields of a DER certificate that the inventory keeps.
pub fn describe(ip: IpAddr, port: u16, der: &[u8]) -> Option<CertificateObservation> {
    let (_, cert) = parse_x509_certificate(der).ok()?;
    let subject_cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(|s| cut(s, limits::SHORT_TEXT));
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(d) => sans.push(cut(d, limits::SHORT_TEXT)),
                GeneralName::IPAddress(b) if b.len() == 4 => {
                    sans.push(IpAddr::from(<[u8; 4]>::try_from(*b).ok()?).to_string())
                }
                GeneralName::IPAddress(b) if b.len() == 16 => {
                    sans.push(IpAddr::from(<[u8; 16]>::try_from(*b).ok()?).to_string())
                }
                _ => {}
            }
        }
    }
    sans.truncate(limits::SANS_PER_CERT);
    let (key_type, key_bits) = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => (Some("RSA"), Some(k.key_size() as u32)),
        Ok(x509_parser::public_key::PublicKey::EC(k)) => (Some("EC"), Some(k.key_size() as u32)),
        _ if cert.public_key().algorithm.algorithm.to_id_string() == "1.3.101.112" => {
            (Some("Ed25519"), Some(256))
        }
        _ => (None, None),
    };
    let time = |t: ASN1Time| DateTime::<Utc>::from_timestamp(t.timestamp(), 0);
    let algorithm = &cert.signature_algorithm.algorithm;
    let signature_algorithm =
        x509_parser::objects::oid2sn(algorithm, x509_parser::objects::oid_registry())
            .map(str::to_string)
            .unwrap_or_else(|_| algorithm.to_id_string());
    let fingerprint = ring::digest::digest(&ring::digest::SHA256, der);
    Some(CertificateObservation {
        ip,
        port,
        subject_cn,
        sans,
        issuer: Some(cut(&cert.issuer().to_string(), limits::TARGET)),
        serial: Some(cut(&cert.raw_serial_as_string(), 128)),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        key_type: key_type.map(str::to_string),
        key_bits,
        signature_algorithm: Some(cut(&signature_algorithm, 64)),
        fingerprint_sha256: fingerprint
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair, date_time_ymd};
    use rustls::pki_types::PrivateKeyDer;
    use tokio::net::TcpListener;

    /// A loopback TLS server presenting a self-signed certificate valid in [from, until].
    async fn tls_server(cn: &str, from: (i32, u8, u8), until: (i32, u8, u8)) -> u16 {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec![cn.to_string(), "10.0.0.9".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.not_before = date_time_ymd(from.0, from.1, from.2);
        params.not_after = date_time_ymd(until.0, until.1, until.2);
        let cert = params.self_signed(&key).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = acceptor.accept(tcp).await;
                });
            }
        });
        port
    }

    #[tokio::test]
    async fn records_expired_self_signed_certificates_for_other_names() {
        let port = tls_server("nas.lan", (2020, 1, 1), (2021, 1, 1)).await;
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let config = recording_config().unwrap();
        // Asked for another name than the certificate's: still recorded.
        let c = fetch_certificate(
            config,
            local,
            port,
            Some("printer.lan"),
            Duration::from_secs(5),
        )
        .await
        .expect("certificate");
        assert_eq!(c.subject_cn.as_deref(), Some("nas.lan"));
        assert_eq!(c.sans, ["nas.lan", "10.0.0.9"]);
        assert!(c.self_signed);
        assert!(c.not_after.unwrap() < Utc::now(), "expired");
        assert_eq!((c.key_type.as_deref(), c.key_bits), (Some("EC"), Some(256)));
        assert!(
            c.signature_algorithm
                .unwrap()
                .to_lowercase()
                .contains("ecdsa")
        );
        assert_eq!(c.fingerprint_sha256.len(), 64);
        // What the scanner records always passes report validation.
        assert!(c.issuer.unwrap().contains("nas.lan"));
    }

    #[tokio::test]
    async fn plain_tcp_and_closed_ports_give_nothing() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = plain.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = plain.accept().await {
                let _ = tokio::io::AsyncWriteExt::write_all(&mut s, b"SSH-2.0-x\r\n").await;
            }
        });
        let config = recording_config().unwrap();
        assert!(
            fetch_certificate(config.clone(), local, port, None, Duration::from_secs(2))
                .await
                .is_none()
        );
        let closed = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert!(
            fetch_certificate(config, local, closed, None, Duration::from_secs(2))
                .await
                .is_none()
        );
        assert!(describe(local, 443, b"not a certificate").is_none());
    }
}
