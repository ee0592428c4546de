//! MAC addresses as the scanners report them, normalised to `aa:bb:cc:dd:ee:ff`.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A 48-bit hardware address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// Locally administered (bit 0x02 of the first octet): randomized privacy MACs, VMs.
    pub fn is_locally_administered(&self) -> bool {
        self.0[0] & 0x02 != 0
    }

    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Usable as a device identity: unicast, globally administered, not all zeros.
    pub fn is_stable_identity(&self) -> bool {
        !self.is_locally_administered() && !self.is_multicast() && self.0 != [0; 6]
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl FromStr for MacAddr {
    type Err = String;

    /// Accepts `aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aabb.ccdd.eeff`, `aabbccddeeff` and the
    /// unpadded form macOS `arp` prints (`cc:8:fa:…`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a MAC address");
        let t = s.trim();
        let parts: Vec<&str> = if t.contains(':') || t.contains('-') {
            t.split([':', '-']).collect()
        } else {
            let hex: String = t.chars().filter(|c| *c != '.').collect();
            if hex.len() != 12 || !hex.is_ascii() {
                return Err(bad());
            }
            let mut out = [0u8; 6];
            for (i, byte) in out.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| bad())?;
            }
            return Ok(MacAddr(out));
        };
        if parts.len() != 6 {
            return Err(bad());
        }
        let mut out = [0u8; 6];
        for (byte, part) in out.iter_mut().zip(parts) {
            if part.is_empty() || part.len() > 2 {
                return Err(bad());
            }
            *byte = u8::from_str_radix(part, 16).map_err(|_| bad())?;
        }
        Ok(MacAddr(out))
    }
}

impl Serialize for MacAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_common_spelling_to_one_form() {
        for s in [
            "AA:BB:CC:0D:0E:0F",
            "aa-bb-cc-0d-0e-0f",
            "aabb.cc0d.0e0f",
            "aabbcc0d0e0f",
            "aa:bb:cc:d:e:f",
        ] {
            assert_eq!(
                s.parse::<MacAddr>().unwrap().to_string(),
                "aa:bb:cc:0d:0e:0f",
                "{s}"
            );
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "aa:bb:cc",
            "zz:bb:cc:dd:ee:ff",
            "aa:bb:cc:dd:ee:ff:00",
            "aabbccddeef",
            "a::b:c:d:e",
        ] {
            assert!(s.parse::<MacAddr>().is_err(), "{s}");
        }
    }

    #[test]
    fn randomized_and_multicast_macs_are_not_identities() {
        assert!(
            !"da:a1:19:00:00:01"
                .parse::<MacAddr>()
                .unwrap()
                .is_stable_identity()
        );
        assert!(
            !"01:00:5e:00:00:01"
                .parse::<MacAddr>()
                .unwrap()
                .is_stable_identity()
        );
        assert!(
            !"00:00:00:00:00:00"
                .parse::<MacAddr>()
                .unwrap()
                .is_stable_identity()
        );
        assert!(
            "00:1b:21:3a:4f:10"
                .parse::<MacAddr>()
                .unwrap()
                .is_stable_identity()
        );
    }
}
