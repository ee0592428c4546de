//! The few BER/DER encodings the scanner writes by hand: type-length-value, small
//! integers and object identifiers (SNMP requests, the SPNEGO wrapper of an NTLMSSP token).

/// Definite length: short form below 128, else one or two length bytes.
fn length(n: usize) -> Vec<u8> {
    match n {
        0..=0x7f => vec![n as u8],
        0x80..=0xff => vec![0x81, n as u8],
        _ => vec![0x82, (n >> 8) as u8, n as u8],
    }
}

/// `tag`, the length of `content`, then `content`.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(length(content.len()));
    out.extend_from_slice(content);
    out
}

/// An INTEGER in the fewest two's-complement bytes.
pub fn integer(n: i64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((bytes[start] == 0 && bytes[start + 1] & 0x80 == 0)
            || (bytes[start] == 0xff && bytes[start + 1] & 0x80 != 0))
    {
        start += 1;
    }
    tlv(0x02, &bytes[start..])
}

/// An OBJECT IDENTIFIER (at least two components; the first two share a byte).
pub fn oid(components: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let first =
        components.first().copied().unwrap_or(0) * 40 + components.get(1).copied().unwrap_or(0);
    for c in std::iter::once(first).chain(components.iter().skip(2).copied()) {
        let mut groups = vec![(c & 0x7f) as u8];
        let mut rest = c >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        body.extend(groups.iter().rev());
    }
    tlv(0x06, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_the_standard_examples() {
        assert_eq!(integer(0), [2, 1, 0]);
        assert_eq!(integer(127), [2, 1, 0x7f]);
        assert_eq!(integer(128), [2, 2, 0, 0x80]);
        assert_eq!(integer(-1), [2, 1, 0xff]);
        assert_eq!(integer(65_536), [2, 3, 1, 0, 0]);
        // sysDescr.0 and the NTLMSSP mechanism (1.3.6.1.4.1.311.2.2.10).
        assert_eq!(
            oid(&[1, 3, 6, 1, 2, 1, 1, 1, 0]),
            [6, 8, 0x2b, 6, 1, 2, 1, 1, 1, 0]
        );
        assert_eq!(
            oid(&[1, 3, 6, 1, 4, 1, 311, 2, 2, 10]),
            [6, 10, 0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 2, 10]
        );
        assert_eq!(tlv(4, &[0; 200])[..3], [4, 0x81, 200]);
        assert_eq!(tlv(4, &[0; 300])[..4], [4, 0x82, 1, 44]);
    }
}
