//! A network of real switches and a router in namespaces: each switch is a namespace with a
//! Linux bridge, Debian's `lldpd` speaking LLDP on its cabled ports and exporting what it
//! hears over AgentX into that namespace's `snmpd`; cables are veth pairs wired as the test
//! says (a chain, a ring). Every switch and the router have a management address on one
//! management bridge, where the scanner namespace sits too (10.88.0.0/24, no route out).
//! Everything lives in namespaces this lab creates and deletes on drop.
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const COMMUNITY: &str = "gear-lab-community";

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sysctl(ns: &str, setting: &str) {
    let st = Command::new("ip")
        .args(["netns", "exec", ns, "sysctl", "-q", "-w", setting])
        .stdout(Stdio::null())
        .status()
        .expect("sysctl");
    assert!(st.success(), "sysctl {setting} in {ns}");
}

pub fn lldpd_path() -> Option<&'static str> {
    ["/usr/sbin/lldpd", "/usr/bin/lldpd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

/// One switch (or the router) of the lab.
pub struct Gear {
    pub ns: String,
    pub mgmt_ip: Ipv4Addr,
    /// Its LLDP system name.
    pub name: String,
    /// The object whose answer says its agent is fully up: lldpLocSysName once lldpd
    /// exports LLDP-MIB over AgentX (which it registers a moment after snmpd starts),
    /// else sysName.
    ready_oid: &'static str,
}

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";
const LLDP_LOC_SYS_NAME: &str = "1.0.8802.1.1.2.1.3.3.0";

pub struct GearLab {
    prefix: String,
    pub scanner_ns: String,
    pub gear: Vec<Gear>,
    children: Vec<Child>,
    pub dir: tempfile::TempDir,
}

impl Drop for GearLab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let mine = self.prefix.clone();
        if let Ok(out) = Command::new("ip").args(["netns", "list"]).output() {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let name = line.split_whitespace().next().unwrap_or("");
                if name.starts_with(&mine) {
                    let _ = Command::new("ip").args(["netns", "del", name]).status();
                }
            }
        }
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.scanner_ns));
    }
}

impl GearLab {
    /// The management network with the scanner on it, and no gear yet. None (with the
    /// reason printed) without root, outside CI.
    pub fn up() -> Option<GearLab> {
        if !super::lab::may_make_namespaces("gear lab") {
            return None;
        }
        let prefix = super::lab::namespace_prefix("bg");
        let lab = GearLab {
            scanner_ns: format!("{prefix}s"),
            prefix,
            gear: Vec::new(),
            children: Vec::new(),
            dir: tempfile::tempdir().unwrap(),
        };
        let mgmt = lab.mgmt_ns();
        ip(&["netns", "add", &mgmt]);
        ip(&["-n", &mgmt, "link", "add", "mgmt0", "type", "bridge"]);
        ip(&["-n", &mgmt, "link", "set", "mgmt0", "up"]);
        lab.attach_mgmt(
            &lab.scanner_ns.clone(),
            Ipv4Addr::new(10, 88, 0, 2),
            "02:88:00:00:00:02",
        );
        // `ip netns exec` gives the scanner an /etc/hosts that knows nothing else.
        let etc = format!("/etc/netns/{}", lab.scanner_ns);
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::write(format!("{etc}/hosts"), "127.0.0.1 localhost\n").unwrap();
        std::fs::write(format!("{etc}/resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
        Some(lab)
    }

    fn mgmt_ns(&self) -> String {
        format!("{}m", self.prefix)
    }

    /// A namespace with its management interface on the management bridge.
    fn attach_mgmt(&self, ns: &str, addr: Ipv4Addr, mac: &str) {
        let mgmt = self.mgmt_ns();
        let port = format!("m{}", addr.octets()[3]);
        ip(&["netns", "add", ns]);
        ip(&["-n", ns, "link", "set", "lo", "up"]);
        ip(&[
            "-n", ns, "link", "add", "mgmt", "type", "veth", "peer", "name", &port, "netns", &mgmt,
        ]);
        ip(&["-n", ns, "link", "set", "mgmt", "address", mac]);
        ip(&[
            "-n",
            ns,
            "addr",
            "add",
            &format!("{addr}/24"),
            "dev",
            "mgmt",
        ]);
        ip(&["-n", ns, "link", "set", "mgmt", "up"]);
        ip(&["-n", &mgmt, "link", "set", &port, "master", "mgmt0", "up"]);
    }

    /// Adds switch `i` (management address 10.88.0.(10+i), LLDP name `lab-sw<i>`): a bridge
    /// with STP (the wiring may hold a ring), no IPv6 on its ports (nothing but LLDP and
    /// STP crosses the cables).
    pub fn add_switch(&mut self, i: u8) -> usize {
        let ns = format!("{}w{i}", self.prefix);
        let addr = Ipv4Addr::new(10, 88, 0, 10 + i);
        self.attach_mgmt(&ns, addr, &format!("02:88:00:00:00:{:02x}", 10 + i));
        sysctl(&ns, "net.ipv6.conf.all.disable_ipv6=1");
        sysctl(&ns, "net.ipv6.conf.default.disable_ipv6=1");
        ip(&[
            "-n",
            &ns,
            "link",
            "add",
            "br0",
            "type",
            "bridge",
            "stp_state",
            "1",
            "forward_delay",
            "200",
        ]);
        ip(&["-n", &ns, "link", "set", "br0", "up"]);
        self.gear.push(Gear {
            ns,
            mgmt_ip: addr,
            name: format!("lab-sw{i}"),
            ready_oid: SYS_NAME,
        });
        self.gear.len() - 1
    }

    /// A cable between gear `a`'s port `p<b>` and gear `b`'s port `p<a>` (their indexes).
    pub fn cable(&mut self, a: usize, b: usize) {
        let (na, nb) = (self.gear[a].ns.clone(), self.gear[b].ns.clone());
        let (pa, pb) = (format!("p{b}"), format!("p{a}"));
        ip(&[
            "-n", &na, "link", "add", &pa, "type", "veth", "peer", "name", &pb, "netns", &nb,
        ]);
        ip(&[
            "-n",
            &na,
            "link",
            "set",
            &pa,
            "address",
            &format!("02:99:{a:02x}:{b:02x}:00:01"),
        ]);
        ip(&[
            "-n",
            &nb,
            "link",
            "set",
            &pb,
            "address",
            &format!("02:99:{b:02x}:{a:02x}:00:01"),
        ]);
        for (ns, port) in [(&na, &pa), (&nb, &pb)] {
            ip(&["-n", ns, "link", "set", port, "master", "br0", "up"]);
        }
    }

    /// Plugs `n` devices into gear `g`'s access ports `a1`…`a<n>`: veth pairs whose other
    /// ends (distinct MACs) sit in one shared devices namespace; their IPv6 start-up frames
    /// teach the bridge where each MAC is. (The gear bench's 48-port switches.)
    #[allow(dead_code)]
    pub fn add_access_ports(&mut self, g: usize, n: usize) {
        let devices = format!("{}d", self.prefix);
        if !std::path::Path::new(&format!("/var/run/netns/{devices}")).exists() {
            ip(&["netns", "add", &devices]);
            ip(&["-n", &devices, "link", "set", "lo", "up"]);
        }
        let ns = self.gear[g].ns.clone();
        for port in 1..=n {
            let (inside, outside) = (format!("a{port}"), format!("d{g}x{port}"));
            ip(&[
                "-n", &ns, "link", "add", &inside, "type", "veth", "peer", "name", &outside,
                "netns", &devices,
            ]);
            ip(&[
                "-n",
                &devices,
                "link",
                "set",
                &outside,
                "address",
                &format!("00:1b:21:{g:02x}:{:02x}:{:02x}", port / 256, port % 256),
            ]);
            ip(&["-n", &ns, "link", "set", &inside, "master", "br0", "up"]);
            ip(&["-n", &devices, "link", "set", &outside, "up"]);
        }
    }

    /// Waits (bounded) until gear `g`'s bridge has learned `ports` access-port devices.
    #[allow(dead_code)]
    pub fn wait_for_learning(&self, g: usize, ports: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let g = &self.gear[g];
        loop {
            let out = std::process::Command::new("bridge")
                .args(["-n", &g.ns, "fdb", "show", "br", "br0"])
                .output()
                .expect("bridge fdb");
            let learned = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("00:1b:21") && !l.contains("permanent"))
                .count();
            if learned >= ports {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} learned {learned} of {ports} MACs",
                g.name
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// Starts snmpd (v2c with [`COMMUNITY`], plus `extra` config lines such as v3 users) and
    /// lldpd (exporting LLDP-MIB into it over AgentX) in gear `g`.
    pub fn start(&mut self, g: usize, extra: &str) {
        self.start_speaking(g, extra, Speaks::Lldp);
    }

    /// [`GearLab::start`], with the neighbour protocols gear `g` speaks.
    pub fn start_speaking(&mut self, g: usize, extra: &str, speaks: Speaks) {
        let lldpd_bin = lldpd_path().expect("lldpd");
        let gear = &self.gear[g];
        let dir = self.dir.path().join(&gear.ns);
        std::fs::create_dir_all(&dir).unwrap();
        let agentx = dir.join("agentx");
        let lab = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab");
        // A CDP-only switch has no LLDP-MIB: its agent serves CISCO-CDP-MIB from what its
        // lldpd heard in CDP frames.
        let mibs = match speaks {
            Speaks::CdpOnly => format!(
                "pass_persist .1.3.6.1.4.1.9.9.23 /usr/bin/python3 {lab}/cdp_mib.py {}\n",
                dir.join("lldpd.sock").display()
            ),
            _ => format!(
                "master agentx\nagentXSocket unix:{}\nagentXTimeout 5\n",
                agentx.display()
            ),
        };
        std::fs::write(
            dir.join("snmpd.conf"),
            format!(
                "agentAddress udp:{}:161\nrocommunity {COMMUNITY} 10.88.0.0/24\nsysName {}\n\
                 sysObjectID .1.3.6.1.4.1.8072.3.2.10\n{mibs}\
                 pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 {lab}/bridge_mib.py br0\n{extra}\n",
                gear.mgmt_ip, gear.name,
            ),
        )
        .unwrap();
        let snmpd = spawn_snmpd(&gear.ns, &dir);
        self.children.push(snmpd);
        if speaks != Speaks::CdpOnly {
            wait_for(&agentx, "snmpd's AgentX socket");
        }
        std::fs::write(
            dir.join("lldpd.conf"),
            format!(
                "configure system hostname {}\nconfigure lldp portidsubtype ifname\n\
                 configure lldp tx-interval 1\n",
                gear.name
            ),
        )
        .unwrap();
        // -c answers CDP; -ll -cccc sends CDPv2 and no LLDP, as a Cisco switch with LLDP off.
        let (protocols, subagent): (&[&str], bool) = match speaks {
            Speaks::Lldp => (&[], true),
            Speaks::LldpAndCdp => (&["-c"], true),
            Speaks::CdpOnly => (&["-ll", "-cccc"], false),
        };
        let mut lldpd = Command::new("ip");
        lldpd
            .args([
                "netns", "exec", &gear.ns, lldpd_bin, "-d", "-k", "-I", "p*", "-C", "p*",
            ])
            .args(protocols)
            .arg("-u")
            .arg(dir.join("lldpd.sock"))
            .args(["-m", &gear.mgmt_ip.to_string()]);
        if subagent {
            lldpd.arg("-x").arg("-X").arg(&agentx);
        }
        let lldpd = lldpd
            .arg("-O")
            .arg(dir.join("lldpd.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lldpd");
        self.children.push(lldpd);
        if subagent {
            self.gear[g].ready_oid = LLDP_LOC_SYS_NAME;
        }
    }

    /// Waits (bounded) until every gear's lldpd has heard `expected[g]` neighbours.
    pub fn wait_for_neighbours(&self, expected: &[usize]) {
        let deadline = Instant::now() + Duration::from_secs(30);
        for (g, want) in expected.iter().enumerate() {
            let sock = self.dir.path().join(&self.gear[g].ns).join("lldpd.sock");
            loop {
                let out = Command::new("lldpcli")
                    .arg("-u")
                    .arg(&sock)
                    .args(["-f", "keyvalue", "show", "neighbors"])
                    .output();
                let heard = out
                    .map(|o| {
                        String::from_utf8_lossy(&o.stdout)
                            .lines()
                            .filter(|l| l.contains(".chassis.name="))
                            .count()
                    })
                    .unwrap_or(0);
                if heard >= *want {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{} heard {heard} of {want} neighbours",
                    self.gear[g].name
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }

    /// Runs `bigr` in the scanner namespace.
    pub fn bigr(&self, home: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.scanner_ns])
            .arg(env!("CARGO_BIN_EXE_bigr"))
            .arg("--home")
            .arg(home)
            .args(args)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .output()
            .expect("run bigr");
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    /// A router: management address 10.88.0.1 on the management bridge, and two routed
    /// subnets behind it (10.91.1.0/24 and 10.91.2.0/24), each with `hosts` hosts (their own
    /// namespaces, real vendor OUIs) that it has talked to, so its neighbour table lists
    /// them. snmpd answers there with its real IP-MIB. Returns each host's (IP, MAC).
    pub fn add_router(&mut self, hosts: u8, extra: &str) -> Vec<(Ipv4Addr, String)> {
        let ns = format!("{}r", self.prefix);
        let addr = Ipv4Addr::new(10, 88, 0, 1);
        self.attach_mgmt(&ns, addr, "02:88:00:00:00:01");
        sysctl(&ns, "net.ipv4.ip_forward=1");
        let ouis = ["00:1b:21", "3c:d9:2b", "f0:9f:c2", "00:0c:29"];
        let mut out = Vec::new();
        for net in 1..=2u8 {
            let lan = format!("lan{net}");
            let hub = format!("{}h{net}", self.prefix);
            ip(&["netns", "add", &hub]);
            ip(&["-n", &hub, "link", "add", "br0", "type", "bridge"]);
            ip(&["-n", &hub, "link", "set", "br0", "up"]);
            ip(&[
                "-n", &ns, "link", "add", &lan, "type", "veth", "peer", "name", "up0", "netns",
                &hub,
            ]);
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("10.91.{net}.1/24"),
                "dev",
                &lan,
            ]);
            ip(&["-n", &ns, "link", "set", &lan, "up"]);
            ip(&["-n", &hub, "link", "set", "up0", "master", "br0", "up"]);
            for h in 0..hosts {
                let host_ns = format!("{}n{net}x{h}", self.prefix);
                let host_ip = Ipv4Addr::new(10, 91, net, 10 + h);
                let mac = format!("{}:{net:02x}:00:{h:02x}", ouis[usize::from(h) % ouis.len()]);
                ip(&["netns", "add", &host_ns]);
                ip(&[
                    "-n",
                    &host_ns,
                    "link",
                    "add",
                    "eth0",
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &format!("v{h}"),
                    "netns",
                    &hub,
                ]);
                ip(&["-n", &host_ns, "link", "set", "eth0", "address", &mac]);
                ip(&[
                    "-n",
                    &host_ns,
                    "addr",
                    "add",
                    &format!("{host_ip}/24"),
                    "dev",
                    "eth0",
                ]);
                ip(&["-n", &host_ns, "link", "set", "eth0", "up"]);
                ip(&[
                    "-n",
                    &hub,
                    "link",
                    "set",
                    &format!("v{h}"),
                    "master",
                    "br0",
                    "up",
                ]);
                out.push((host_ip, mac));
            }
        }
        // The router sends each host one datagram (bash's /dev/udp: the machine has no
        // ping); resolving its address puts the host in the router's neighbour table.
        let deadline = Instant::now() + Duration::from_secs(10);
        for (host_ip, mac) in &out {
            loop {
                let _ = Command::new("ip")
                    .args(["netns", "exec", &ns, "bash", "-c"])
                    .arg(format!("echo x > /dev/udp/{host_ip}/9"))
                    .stderr(Stdio::null())
                    .status();
                let neigh = Command::new("ip")
                    .args(["-n", &ns, "neigh", "show", &host_ip.to_string()])
                    .output()
                    .expect("ip neigh");
                if String::from_utf8_lossy(&neigh.stdout).contains(mac.as_str()) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the router never resolved {host_ip} ({mac})"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        self.gear.push(Gear {
            ns,
            mgmt_ip: addr,
            name: "lab-router".into(),
            ready_oid: SYS_NAME,
        });
        let g = self.gear.len() - 1;
        let dir = self.dir.path().join("router");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("snmpd.conf"),
            format!(
                "agentAddress udp:10.88.0.1:161\nrocommunity {COMMUNITY} 10.88.0.0/24\n\
                 sysName lab-router\n{extra}\n"
            ),
        )
        .unwrap();
        let child = spawn_snmpd(&self.gear[g].ns, &dir);
        self.children.push(child);
        out
    }

    /// Waits (bounded) until gear `g`'s agent is fully up: snmpd answers, and LLDP-MIB too
    /// where lldpd exports it (a poll reads LLDP in its first request).
    pub fn wait_for_snmp(&self, g: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let answered = Command::new("ip")
                .args([
                    "netns",
                    "exec",
                    &self.scanner_ns,
                    "snmpget",
                    "-v2c",
                    "-c",
                    COMMUNITY,
                ])
                .args([
                    "-t",
                    "0.3",
                    "-r",
                    "0",
                    &self.gear[g].mgmt_ip.to_string(),
                    self.gear[g].ready_oid,
                ])
                .env("SNMP_PERSISTENT_DIR", self.dir.path())
                .output();
            // v2c answers an object not (yet) registered with an exception, not an error.
            let ok = answered.is_ok_and(|o| {
                o.status.success() && !String::from_utf8_lossy(&o.stdout).contains("No Such")
            });
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "snmpd of {} never answered",
                self.gear[g].name
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The neighbour protocols a lab switch speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaks {
    /// LLDP, exported into LLDP-MIB.
    Lldp,
    /// LLDP, and CDP when a neighbour speaks it.
    #[allow(dead_code)]
    LldpAndCdp,
    /// CDPv2 only, served in CISCO-CDP-MIB.
    #[allow(dead_code)]
    CdpOnly,
}

/// An snmpd of a test's own, stopped (and its files removed) on drop.
pub struct Agent {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Agent {
    /// Debian's snmpd in namespace `ns` with configuration `conf`.
    pub fn snmpd(ns: &str, conf: &str) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("snmpd.conf"), conf).unwrap();
        let child = spawn_snmpd(ns, dir.path());
        Agent { child, _dir: dir }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's snmpd in namespace `ns` on `dir/snmpd.conf`, keeping its state in `dir`.
fn spawn_snmpd(ns: &str, dir: &std::path::Path) -> Child {
    let snmpd = crate::lab_services::snmpd_path().expect("snmpd");
    Command::new("ip")
        .args(["netns", "exec", ns, snmpd, "-f", "-Lo", "-C", "-c"])
        .arg(dir.join("snmpd.conf"))
        .arg("-p")
        .arg(dir.join("snmpd.pid"))
        .env("SNMP_PERSISTENT_DIR", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmpd")
}

fn wait_for(path: &std::path::Path, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(Instant::now() < deadline, "{what} never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}
