//! A switch that answers one request late, after bigr has asked again: the late answer
//! must not poison the rest of the walk. A real snmpd in a namespace of the test's own,
//! behind a UDP relay (in the test) that holds one answer back and slows the others so the
//! walk is still running when the held answer arrives.
use crate::support::gear::Agent;
use crate::support::lab::Lab;
use bigr::model::snmp_access::{GearRole, SwitchCredentials};
use bigr::scan::snmp::{Session, SnmpOptions};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

const AGENT_PORT: u16 = 1161;
/// Which answer the relay holds back, and for how long (longer than bigr's wait, shorter
/// than the walk).
const HELD_ANSWER: usize = 3;
const HELD_FOR: Duration = Duration::from_millis(700);
/// Every other answer's delay: the walk of the whole MIB takes seconds.
const ANSWER_DELAY: Duration = Duration::from_millis(10);

/// Relays datagrams between bigr and the agent, answering each to the latest client socket.
async fn relay(front: UdpSocket, agent: SocketAddr) {
    let back = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    back.connect(agent).await.unwrap();
    let front = std::sync::Arc::new(front);
    let mut client: Option<SocketAddr> = None;
    let mut answers = 0;
    let (mut up, mut down) = (vec![0u8; 65_535], vec![0u8; 65_535]);
    loop {
        tokio::select! {
            got = front.recv_from(&mut up) => {
                let (n, from) = got.unwrap();
                client = Some(from);
                back.send(&up[..n]).await.unwrap();
            }
            got = back.recv(&mut down) => {
                let n = got.unwrap();
                let Some(to) = client else { continue };
                answers += 1;
                let delay = if answers == HELD_ANSWER { HELD_FOR } else { ANSWER_DELAY };
                let (front, datagram) = (front.clone(), down[..n].to_vec());
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = front.send_to(&datagram, to).await;
                });
            }
        }
    }
}

fn walk_all(port: u16) -> Result<usize, String> {
    let access = SwitchCredentials {
        host: "127.0.0.1".into(),
        community: "public".into(),
        snmp_version: "2c".into(),
        usm: None,
        role: GearRole::Switch,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let front = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let relay_port = front.local_addr().unwrap().port();
        tokio::spawn(relay(front, SocketAddr::from(([127, 0, 0, 1], AGENT_PORT))));
        let opts = SnmpOptions {
            port: if port == 0 { relay_port } else { port },
            ..SnmpOptions::default()
        };
        let mut s = Session::open(&access, &opts)
            .await
            .map_err(|e| e.to_string())?;
        s.walk(&[1, 3, 6, 1])
            .await
            .map(|rows| rows.len())
            .map_err(|e| format!("{e:?}"))
    })
}

#[test]
fn a_late_answer_does_not_poison_the_rest_of_a_walk() {
    if crate::lab_services::snmpd_path().is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install snmpd");
        return;
    }
    let Some(lab) = Lab::up(0) else { return };
    let ns = lab.scanner_ns.clone();
    let _agent = Agent::snmpd(
        &ns,
        &format!("agentAddress udp:127.0.0.1:{AGENT_PORT}\nrocommunity public 127.0.0.1\n"),
    );
    let direct = Lab::in_ns(&ns, || {
        // snmpd takes a moment to bind.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match walk_all(AGENT_PORT) {
                Ok(rows) => return rows,
                Err(e) if std::time::Instant::now() > deadline => panic!("snmpd: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    });
    assert!(direct > 500, "the MIB of a bare snmpd: {direct} rows");
    let relayed = Lab::in_ns(&ns, || walk_all(0));
    let rows = relayed.unwrap_or_else(|e| panic!("the walk failed after a late answer: {e}"));
    // Counters and socket tables move between two walks; the rows are the same tables.
    assert!(
        rows.abs_diff(direct) * 20 <= direct,
        "{rows} rows through the relay, {direct} directly"
    );
}
