//! `cargo bench --bench fuzz`: every parser of untrusted bytes against 1 000 000 generated
//! inputs (`BIGR_FUZZ_INPUTS` to change), with the generators of `tests/it/fuzz/`, on one
//! thread (`BIGR_FUZZ_THREADS` for more). Panics are caught and counted, not fatal; the run exits
//! non-zero if any parser panicked. The seed is printed and `BIGR_FUZZ_SEED` replays it.
#[path = "../it/fuzz/certs.rs"]
mod certs;
#[path = "../it/fuzz/mutate.rs"]
mod mutate;
#[path = "../it/fuzz/packets.rs"]
mod packets;
#[path = "../it/fuzz/reports.rs"]
mod reports;
#[path = "../it/fuzz/texts.rs"]
mod texts;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Instant, SystemTime};

thread_local! {
    /// The last panic's message and place, printed when the panic is counted (mdns-sd's
    /// fuzz entry point panics on a stale invariant that `feed_mdns` catches and drops).
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Panicking inputs printed per parser; the rest are only counted.
const SHOWN_PANICS: u64 = 3;

struct Fuzz {
    inputs: u64,
    threads: u64,
    seed: u64,
    panics: u64,
}

impl Fuzz {
    /// Feeds `self.inputs` values of the strategy `make` builds to `feed`, split over the
    /// threads (each with its own strategy and generator), and prints the figures.
    fn run<S: Strategy>(
        &mut self,
        name: &str,
        make: impl Fn() -> S + Sync,
        feed: impl Fn(&S::Value) + Sync,
    ) {
        let start = Instant::now();
        let panics: u64 = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..self.threads)
                .map(|worker| {
                    let (make, feed) = (&make, &feed);
                    let share =
                        self.inputs / self.threads + u64::from(worker < self.inputs % self.threads);
                    let mut seed = [0u8; 32];
                    seed[..8].copy_from_slice(&self.seed.to_le_bytes());
                    seed[8..16].copy_from_slice(&worker.to_le_bytes());
                    let label = &name.as_bytes()[..name.len().min(16)];
                    seed[16..16 + label.len()].copy_from_slice(label);
                    scope.spawn(move || fuzz_share(name, share, seed, make(), feed))
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or(u64::MAX))
                .sum()
        });
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "{name:<18} {:>9} inputs {elapsed:>8.1} s {:>10.0} inputs/s {panics:>6} panics",
            self.inputs,
            self.inputs as f64 / elapsed.max(1e-9)
        );
        self.panics = self.panics.saturating_add(panics);
    }
}

/// One thread's share of a parser's inputs; returns how many panicked.
fn fuzz_share<S: Strategy>(
    name: &str,
    inputs: u64,
    seed: [u8; 32],
    strategy: S,
    feed: &impl Fn(&S::Value),
) -> u64 {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let mut panics = 0u64;
    for _ in 0..inputs {
        let value = match strategy.new_tree(&mut runner) {
            Ok(tree) => tree.current(),
            Err(e) => panic!("{name}: the generator failed: {e}"),
        };
        if catch_unwind(AssertUnwindSafe(|| feed(&value))).is_err() {
            panics += 1;
            if panics <= SHOWN_PANICS {
                let shown: String = format!("{value:?}").chars().take(4000).collect();
                let why = LAST_PANIC.with(|p| p.borrow().clone());
                eprintln!("{name}: {why}\n  input: {shown}");
            }
        }
    }
    panics
}

fn from_env(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()?
        .trim()
        .replace('_', "")
        .parse()
        .ok()
}

fn main() {
    let inputs = from_env("BIGR_FUZZ_INPUTS").unwrap_or(1_000_000);
    // One thread by default: the figures stay comparable on a machine shared with builds.
    let threads = from_env("BIGR_FUZZ_THREADS").unwrap_or(1).max(1);
    let seed = from_env("BIGR_FUZZ_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string());
    }));
    println!("fuzz: {inputs} inputs per parser on {threads} threads, BIGR_FUZZ_SEED={seed}");
    let total = Instant::now();
    let mut fuzz = Fuzz {
        inputs,
        threads,
        seed,
        panics: 0,
    };
    fuzz.run("scan_report_json", reports::scan_json, |j| {
        reports::feed_scan(j)
    });
    fuzz.run("shield_report_json", reports::shield_json, |j| {
        reports::feed_shield(j)
    });
    fuzz.run("arp_frames", packets::arp_input, |f| packets::feed_arp(f));
    fuzz.run("icmp_replies", packets::icmp_input, packets::feed_icmp);
    fuzz.run("snmp_responses", packets::snmp_input, |d| {
        packets::feed_snmp(d)
    });
    fuzz.run("mdns_packets", packets::dns_input, |d| {
        packets::feed_mdns(d)
    });
    fuzz.run("dns_answers", packets::dns_input, |d| packets::feed_dns(d));
    fuzz.run("service_banners", texts::banner_input, texts::feed_banner);
    fuzz.run("http_heads", texts::http_input, texts::feed_banner);
    fuzz.run("tls_certificates", certs::cert_input, |d| {
        certs::feed_cert(d)
    });
    fuzz.run("rules_files", texts::rules_input, |t| texts::feed_rules(t));
    fuzz.run("scan_targets", texts::target_input, |t| {
        texts::feed_target(t)
    });
    fuzz.run("neighbour_tables", texts::neighbour_input, |t| {
        texts::feed_neighbours(t)
    });
    fuzz.run("bearer_tokens", texts::token_input, |t| {
        texts::feed_token(t)
    });
    println!(
        "fuzz: all parsers in {:.1} s, {} panics",
        total.elapsed().as_secs_f64(),
        fuzz.panics
    );
    if fuzz.panics > 0 {
        std::process::exit(1);
    }
}
