//! Property-based fuzzing of every parser that reads untrusted bytes: ingest JSON, packets
//! off the wire, service answers, certificates, rules files. Each must return, never panic,
//! whatever it is given. `BIGR_FUZZ_CASES` sets the cases per parser (default 2 000); the
//! million-input run is `cargo bench --bench fuzz`.
mod certs;
mod mutate;
mod packets;
mod protocols;
mod reports;
mod texts;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn config() -> ProptestConfig {
    let cases = std::env::var("BIGR_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(2_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scan_report_json(json in reports::scan_json()) {
        reports::feed_scan(&json);
    }

    #[test]
    fn shield_report_json(json in reports::shield_json()) {
        reports::feed_shield(&json);
    }

    #[test]
    fn arp_frames(frame in packets::arp_input()) {
        packets::feed_arp(&frame);
    }

    #[test]
    fn icmp_replies(reply in packets::icmp_input()) {
        packets::feed_icmp(&reply);
    }

    #[test]
    fn snmp_responses(datagram in packets::snmp_input()) {
        packets::feed_snmp(&datagram);
    }

    #[test]
    fn mdns_packets(datagram in packets::dns_input()) {
        packets::feed_mdns(&datagram);
    }

    #[test]
    fn dns_answers(datagram in packets::dns_input()) {
        packets::feed_dns(&datagram);
    }

    #[test]
    fn service_banners(answer in texts::banner_input()) {
        texts::feed_banner(&answer);
    }

    #[test]
    fn http_heads(answer in texts::http_input()) {
        texts::feed_banner(&answer);
    }

    #[test]
    fn tls_certificates(der in certs::cert_input()) {
        certs::feed_cert(&der);
    }

    #[test]
    fn rules_files(text in texts::rules_input()) {
        texts::feed_rules(&text);
    }

    #[test]
    fn scan_targets(text in texts::target_input()) {
        texts::feed_target(&text);
    }

    #[test]
    fn neighbour_tables(text in texts::neighbour_input()) {
        texts::feed_neighbours(&text);
    }

    #[test]
    fn protocol_answers(answer in protocols::protocol_input()) {
        protocols::feed_protocol(&answer);
    }

    #[test]
    fn bearer_tokens(text in texts::token_input()) {
        texts::feed_token(&text);
    }
}

/// The share of `n` generated inputs that `accepted` takes: proof that a generator reaches
/// past the first checks of its parser instead of feeding it only rejects.
fn accepted_share<S: Strategy>(strategy: S, n: u32, accepted: impl Fn(&S::Value) -> bool) -> f64 {
    let mut runner = TestRunner::deterministic();
    let ok = (0..n)
        .filter(|_| accepted(&strategy.new_tree(&mut runner).expect("a value").current()))
        .count();
    ok as f64 / f64::from(n)
}

#[test]
fn generators_reach_deep() {
    assert!(
        protocols::seeds_parse(),
        "the protocol seeds are well formed"
    );
    use bigr::model::ScanReport;
    use bigr::model::shield::ShieldReport;
    let share = |json: &serde_json::Value, ok: &dyn Fn(&[u8]) -> bool| {
        ok(&serde_json::to_vec(json).expect("json"))
    };
    let checks = [
        (
            "scan reports",
            accepted_share(reports::scan_report(), 200, |v| {
                share(v, &|b| ScanReport::from_json(b).is_ok())
            }),
        ),
        (
            "shield reports",
            accepted_share(reports::shield_report(), 200, |v| {
                share(v, &|b| ShieldReport::from_json(b).is_ok())
            }),
        ),
        (
            "ARP frames",
            accepted_share(packets::arp_input(), 300, |f| {
                bigr::scan::arp::parse_sender(f).is_some()
            }),
        ),
        (
            "SNMP responses",
            accepted_share(packets::snmp_input(), 300, |d| {
                snmp2::Pdu::from_bytes(d).is_ok_and(|p| bigr::scan::snmp::owned_rows(p).is_ok())
            }),
        ),
        (
            "DNS messages",
            accepted_share(packets::dns_input(), 300, |d| {
                hickory_resolver::proto::op::Message::from_vec(d).is_ok()
            }),
        ),
        (
            "certificates",
            accepted_share(certs::cert_input(), 300, |der| {
                bigr::scan::tls::describe("10.0.0.9".parse().expect("ip"), 443, der).is_some()
            }),
        ),
        (
            "rules files",
            accepted_share(texts::rules_input(), 300, |t| {
                bigr::classify::rules::parse_file("fuzz.toml", t).is_ok()
            }),
        ),
        (
            "HTTP titles",
            accepted_share(texts::http_input(), 300, |(port, raw)| {
                bigr::scan::banner::parse(*port, raw).http_title.is_some()
            }),
        ),
    ];
    for (what, share) in checks {
        assert!(
            share >= 0.1,
            "only {share:.2} of generated {what} are accepted"
        );
    }
}
