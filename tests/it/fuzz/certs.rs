//! TLS certificates as a handshake delivers them: made with rcgen from generated fields
//! (subject keys of every kind, RSA of any size, names in every string type), then mutated.
use super::mutate::{PRINTABLE, junk, lower, mutated, unicode, word};
use bigr::scan::tls;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::LazyLock;

/// A subject key of any kind, with the signature algorithm it claims.
struct SubjectKey(Vec<u8>, &'static rcgen::SignatureAlgorithm);

impl rcgen::PublicKeyData for SubjectKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.1
    }
}

/// The key that signs generated certificates (signatures are never checked).
static SIGNER: LazyLock<rcgen::KeyPair> =
    LazyLock::new(|| rcgen::KeyPair::generate().expect("P-256 key"));

/// Subject keys: real P-256, P-384 and Ed25519 ones, and RSA ones of any modulus size.
static SUBJECT_KEYS: LazyLock<Vec<SubjectKey>> = LazyLock::new(|| {
    use rcgen::{PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_ED25519, PKCS_RSA_SHA256};
    let real = |alg: &'static rcgen::SignatureAlgorithm| {
        let key = rcgen::KeyPair::generate_for(alg).expect("key");
        SubjectKey(rcgen::PublicKeyData::der_bytes(&key).to_vec(), alg)
    };
    let rsa = |modulus: usize| {
        let modulus = [vec![0x00, 0xc5], vec![0x5a; modulus]].concat();
        let mut n = der_len(0x02, modulus.len());
        n.extend(modulus);
        n.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
        let mut key = der_len(0x30, n.len());
        key.extend(n);
        SubjectKey(key, &PKCS_RSA_SHA256)
    };
    vec![
        real(&PKCS_ECDSA_P256_SHA256),
        real(&PKCS_ECDSA_P384_SHA384),
        real(&PKCS_ED25519),
        rsa(0),
        rsa(127),
        rsa(255),
        rsa(511),
        rsa(9000),
        SubjectKey(b"not a key".to_vec(), &PKCS_RSA_SHA256),
        SubjectKey(Vec::new(), &PKCS_ECDSA_P256_SHA256),
    ]
});

/// A DER header (tag and definite length) for `len` bytes of content.
fn der_len(tag: u8, len: usize) -> Vec<u8> {
    match u8::try_from(len) {
        Ok(n) if n < 0x80 => vec![tag, n],
        Ok(n) => vec![tag, 0x81, n],
        Err(_) => [vec![tag, 0x82], (len as u16).to_be_bytes().to_vec()].concat(),
    }
}

type CertFields = (
    Option<String>,
    u8,
    Vec<(u8, String, IpAddr)>,
    (i32, i32),
    Vec<u8>,
    usize,
);

fn cert_fields() -> impl Strategy<Value = CertFields> {
    (
        prop::option::of(
            prop_oneof![4 => word(PRINTABLE, 0..25), 1 => unicode(0..13), 1 => (250usize..301).prop_map(|n| "x".repeat(n))],
        ),
        0u8..6,
        prop::collection::vec((0u8..4, lower(".*-", 0..21), any::<IpAddr>()), 0..6),
        (
            prop_oneof![1950i32..2100, Just(1949), Just(2050)],
            prop_oneof![1950i32..2100, Just(9999)],
        ),
        prop::collection::vec(any::<u8>(), 0..24),
        0usize..10,
    )
}

/// A certificate built from `fields` (None when rcgen refuses them).
fn certificate((cn, cn_kind, sans, (from, until), serial, key): &CertFields) -> Option<Vec<u8>> {
    use rcgen::{CertificateParams, DnType, DnValue, SanType};
    let mut params = CertificateParams::default();
    if let Some(cn) = cn {
        let value = match cn_kind {
            // rcgen accepts '?' in a PrintableString, yasna then panics writing it.
            0 => DnValue::PrintableString(cn.replace('?', "").as_str().try_into().ok()?),
            1 => DnValue::BmpString(cn.as_str().try_into().ok()?),
            2 => DnValue::TeletexString(cn.as_str().try_into().ok()?),
            3 => DnValue::UniversalString(cn.as_str().try_into().ok()?),
            4 => DnValue::Ia5String(cn.as_str().try_into().ok()?),
            _ => DnValue::Utf8String(cn.clone()),
        };
        params.distinguished_name.push(DnType::CommonName, value);
    }
    for (kind, name, ip) in sans {
        params.subject_alt_names.push(match kind {
            0 => SanType::DnsName(name.as_str().try_into().ok()?),
            1 => SanType::IpAddress(*ip),
            2 => SanType::Rfc822Name(name.as_str().try_into().ok()?),
            _ => SanType::URI(name.as_str().try_into().ok()?),
        });
    }
    params.not_before = rcgen::date_time_ymd(*from, 1, 1);
    params.not_after = rcgen::date_time_ymd(*until, 12, 31);
    if !serial.is_empty() {
        params.serial_number = Some(rcgen::SerialNumber::from_slice(serial));
    }
    let issuer = rcgen::Issuer::from_params(&params, &*SIGNER);
    let subject = &SUBJECT_KEYS[key % SUBJECT_KEYS.len()];
    let cert = params.signed_by(subject, &issuer).ok()?;
    Some(cert.der().to_vec())
}

/// Certificates made once and mutated; a fresh one costs a signature.
static SEED_CERTS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let many_sans: Vec<_> = (0..1100)
        .map(|i| {
            (
                0,
                format!("h{i}.lan"),
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            )
        })
        .collect();
    let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9));
    let mut seeds: Vec<CertFields> = vec![
        (
            Some("nas.lan".into()),
            5,
            vec![(0, "nas.lan".into(), ip), (1, String::new(), ip)],
            (2020, 2030),
            vec![1, 2, 3],
            0,
        ),
        (
            Some("ünïcødé".repeat(40)),
            5,
            vec![],
            (1950, 9999),
            vec![0xff; 20],
            2,
        ),
        (None, 0, many_sans, (2049, 2051), vec![], 7),
        (
            Some("Printer".into()),
            1,
            vec![(2, "a@b.c".into(), ip), (3, "http://x".into(), ip)],
            (2024, 2025),
            vec![0x80],
            4,
        ),
    ];
    seeds.extend((0..SUBJECT_KEYS.len()).map(|key| {
        (
            Some(format!("key {key}")),
            key as u8 % 6,
            vec![(1, String::new(), "::1".parse().expect("ip"))],
            (2000, 2100),
            vec![7],
            key,
        )
    }));
    seeds.iter().filter_map(certificate).collect()
});

/// Inputs of `tls::describe`: leaf certificates as a handshake delivers them.
pub fn cert_input() -> impl Strategy<Value = Vec<u8>> {
    let seed = prop::sample::select(SEED_CERTS.as_slice());
    prop_oneof![
        1 => cert_fields().prop_map(|f| certificate(&f).unwrap_or_default()),
        1 => seed.clone(),
        6 => mutated(seed, DER_TOKENS),
        1 => junk(),
    ]
}

const DER_TOKENS: &[&[u8]] = &[
    b"\x0c",
    b"\x13",
    b"\x14",
    b"\x16",
    b"\x1c",
    b"\x1e",
    b"\x17",
    b"\x18",
    b"\x87\x04",
    b"\x87\x05",
    b"\x87\x10",
    b"\x82\x00",
    b"\x30\x00",
    b"\x30\x80",
    b"\x00\x00",
    b"\x05\x00",
    b"\x06\x03\x55\x04\x03",
    b"\x06\x03\x2b\x65\x70",
    b"\x02\x01\x00",
    b"\x81\xff",
    b"\x84\xff\xff\xff\xff",
];

/// Describes a certificate as the TLS probe does.
pub fn feed_cert(der: &[u8]) {
    let _ = tls::describe(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9)), 443, der);
}
