//! SNMP write with a default community: sysContact is read, then written back unchanged.
use super::super::net::Budget;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

const SYS_CONTACT: [u64; 9] = [1, 3, 6, 1, 2, 1, 1, 4, 0];

/// Communities (of `private` and `public`) that accept a write of sysContact.
pub async fn snmp_write(budget: &Budget, ip: IpAddr) -> Vec<&'static str> {
    use crate::scan::ber::{integer, oid, tlv};
    let mut writable = Vec::new();
    let Some(_permit) = budget.permit().await else {
        return writable;
    };
    let bind = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let Ok(sock) = tokio::net::UdpSocket::bind(bind).await else {
        return writable;
    };
    let to = SocketAddr::new(ip, 161);
    let message = |community: &str, kind: u8, id: i32, value: &[u8]| {
        let bind = tlv(0x30, &[oid(&SYS_CONTACT), value.to_vec()].concat());
        let pdu = tlv(
            kind,
            &[integer(id.into()), integer(0), integer(0), tlv(0x30, &bind)].concat(),
        );
        tlv(
            0x30,
            &[integer(1), tlv(0x04, community.as_bytes()), pdu].concat(),
        )
    };
    let wait = budget.exchange_timeout.min(Duration::from_secs(2));
    for (i, community) in ["private", "public"].into_iter().enumerate() {
        let id = 0x6c00 + i as i32 * 2;
        let ask = |packet: Vec<u8>, id: i32| {
            let sock = &sock;
            async move {
                sock.send_to(&packet, to).await.ok()?;
                let mut buf = [0u8; 2048];
                tokio::time::timeout(wait, async {
                    loop {
                        let (n, from) = sock.recv_from(&mut buf).await.ok()?;
                        let Ok(pdu) = snmp2::Pdu::from_bytes(&buf[..n]) else {
                            continue;
                        };
                        if from == to && pdu.req_id == id {
                            let value = pdu.varbinds.clone().next().and_then(|(_, v)| match v {
                                snmp2::Value::OctetString(b) => Some(b.to_vec()),
                                _ => None,
                            });
                            return Some((pdu.error_status, value));
                        }
                    }
                })
                .await
                .ok()?
            }
        };
        // Read the current value first: the write puts back exactly that.
        let Some((0, Some(current))) = ask(message(community, 0xa0, id, &[0x05, 0x00]), id).await
        else {
            continue;
        };
        let set = message(community, 0xa3, id + 1, &tlv(0x04, &current));
        if matches!(ask(set, id + 1).await, Some((0, _))) {
            writable.push(community);
        }
    }
    writable
}
