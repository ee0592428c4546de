//! A test network of real hosts: network namespaces joined by a bridge, one namespace per
//! host (distinct MACs, real OUIs), and a scanner namespace with no route out. Everything
//! lives in namespaces this lab creates and deletes (on drop, even after a panic); nothing
//! touches the machine's own interfaces. Needs root; without it `Lab::up` says why and the
//! test skips.
use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// One host of the lab.
pub struct LabHost {
    pub ns: String,
    pub ip: Ipv4Addr,
    pub mac: String,
}

pub struct Lab {
    prefix: String,
    pub scanner_ns: String,
    pub scanner_ip: Ipv4Addr,
    pub hosts: Vec<LabHost>,
    /// Addresses in the lab subnet with no host behind them.
    pub gaps: Vec<Ipv4Addr>,
    /// Tells the lab's own services (its resolver) to stop.
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The NXDOMAIN answer to a DNS query: its header and question, flagged as a response.
fn nxdomain(query: &[u8]) -> Option<Vec<u8>> {
    if query.len() < 12 || query[2] & 0x80 != 0 {
        return None;
    }
    let mut end = 12;
    while *query.get(end)? != 0 {
        end += 1 + *query.get(end)? as usize;
    }
    let question_end = end + 5;
    let mut answer = query.get(..question_end)?.to_vec();
    answer[2] = 0x80 | (query[2] & 0x79);
    answer[3] = 0x80 | 0x03;
    answer[4..12].copy_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
    Some(answer)
}

fn run_ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A Hikvision OUI: the lab's hosts look like cameras to the vendor table.
const OUI: &str = "54:8c:81";

impl Lab {
    /// Brings up `n` hosts on 10.77.0.0/24 (from .10, every fifth address left as a gap) or
    /// returns None with the reason printed.
    pub fn up(n: usize) -> Option<Lab> {
        Self::up_with(n, 10, 5)
    }

    /// `n` hosts from `.first` upward, leaving every `gap_every`-th address empty (at most
    /// 250 hosts: the lab is one /24 beside the scanner at .2).
    pub fn up_with(n: usize, first: u8, gap_every: u8) -> Option<Lab> {
        if !may_make_namespaces("namespace lab") {
            return None;
        }
        let prefix = namespace_prefix("bl");
        let mut lab = Lab {
            scanner_ns: format!("{prefix}s"),
            scanner_ip: Ipv4Addr::new(10, 77, 0, 2),
            hosts: Vec::new(),
            gaps: Vec::new(),
            prefix,
            stop: Default::default(),
        };
        match lab.build(n, first, gap_every) {
            Ok(()) => Some(lab),
            Err(e) => panic!("cannot build the lab network: {e}"),
        }
    }

    /// Gives host `i` another MAC (a real vendor's OUI for its role: the lab's default is a
    /// camera maker's).
    pub fn set_mac(&mut self, i: usize, mac: &str) {
        let ns = self.hosts[i].ns.clone();
        run_ip(&["-n", &ns, "link", "set", "eth0", "address", mac]).expect("set MAC");
        self.hosts[i].mac = mac.to_string();
    }

    /// The namespace holding the bridge (and the scanner's bridge port `vs`).
    pub fn hub(&self) -> String {
        format!("{}h", self.prefix)
    }

    fn attach(&self, ns: &str, port: &str, addr: Ipv4Addr, mac: &str) -> Result<(), String> {
        let hub = self.hub();
        run_ip(&["netns", "add", ns])?;
        run_ip(&[
            "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", &hub,
        ])?;
        run_ip(&["-n", ns, "link", "set", "eth0", "address", mac])?;
        run_ip(&[
            "-n",
            ns,
            "addr",
            "add",
            &format!("{addr}/24"),
            "dev",
            "eth0",
        ])?;
        run_ip(&["-n", ns, "link", "set", "lo", "up"])?;
        run_ip(&["-n", ns, "link", "set", "eth0", "up"])?;
        run_ip(&["-n", &hub, "link", "set", port, "master", "br0", "up"])
    }

    fn build(&mut self, n: usize, first: u8, gap_every: u8) -> Result<(), String> {
        let hub = self.hub();
        run_ip(&["netns", "add", &hub])?;
        run_ip(&["-n", &hub, "link", "add", "br0", "type", "bridge"])?;
        run_ip(&["-n", &hub, "link", "set", "br0", "up"])?;
        let scanner = self.scanner_ns.clone();
        self.attach(&scanner, "vs", self.scanner_ip, "02:00:00:00:00:02")?;
        let mut k = 0u8;
        let mut last = first;
        while self.hosts.len() < n {
            let addr = first
                .checked_add(k)
                .filter(|a| *a < 255)
                .ok_or("the lab holds at most one /24 of hosts")?;
            k += 1;
            last = addr;
            if addr.is_multiple_of(gap_every) && addr != first {
                self.gaps.push(Ipv4Addr::new(10, 77, 0, addr));
                continue;
            }
            let i = self.hosts.len();
            let ns = format!("{}n{i}", self.prefix);
            let mac = format!("{OUI}:00:{:02x}:{:02x}", i / 256, i % 256);
            let host_ip = Ipv4Addr::new(10, 77, 0, addr);
            self.attach(&ns, &format!("v{i}"), host_ip, &mac)?;
            self.hosts.push(LabHost {
                ns,
                ip: host_ip,
                mac,
            });
        }
        if last < 254 {
            self.gaps.push(Ipv4Addr::new(10, 77, 0, last + 1));
        }
        // Name resolution for commands run with `ip netns exec` in the scanner namespace:
        // names of the lab hosts, and a resolver on 127.0.0.1 that knows no other name (as
        // an office's resolver answers NXDOMAIN at once for addresses it has no PTR for).
        let etc = self.etc_dir();
        std::fs::create_dir_all(&etc).map_err(|e| format!("{etc}: {e}"))?;
        let mut hosts = String::from("127.0.0.1 localhost\n");
        for (i, h) in self.hosts.iter().enumerate() {
            hosts.push_str(&format!("{} labhost{i}.lab\n", h.ip));
        }
        std::fs::write(format!("{etc}/hosts"), hosts).map_err(|e| e.to_string())?;
        std::fs::write(format!("{etc}/resolv.conf"), "nameserver 127.0.0.1\n")
            .map_err(|e| e.to_string())?;
        self.serve_dns();
        Ok(())
    }

    /// Answers every DNS question sent to 127.0.0.1:53 in the scanner namespace with
    /// NXDOMAIN, until the lab is dropped.
    fn serve_dns(&self) {
        let socket = Self::in_ns(&self.scanner_ns, || {
            std::net::UdpSocket::bind(("127.0.0.1", 53)).expect("bind the lab resolver")
        });
        socket
            .set_read_timeout(Some(std::time::Duration::from_millis(200)))
            .expect("timeout");
        let stop = self.stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !stop.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if let Some(answer) = nxdomain(&buf[..n]) {
                    let _ = socket.send_to(&answer, from);
                }
            }
        });
    }

    /// `ip netns exec` bind-mounts these files over /etc inside the scanner namespace.
    fn etc_dir(&self) -> String {
        format!("/etc/netns/{}", self.scanner_ns)
    }

    /// Runs the `bigr` binary inside the scanner namespace with `args`.
    pub fn bigr(&self, args: &[&str]) -> std::process::Output {
        self.bigr_as(None, args)
    }

    /// Like [`Lab::bigr`], as an unprivileged user (uid/gid 65534, no capabilities).
    pub fn bigr_unprivileged(&self, args: &[&str]) -> std::process::Output {
        self.bigr_as(Some(65534), args)
    }

    fn bigr_as(&self, uid: Option<u32>, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.scanner_ns]);
        if let Some(uid) = uid {
            let id = uid.to_string();
            cmd.args([
                "setpriv",
                "--reuid",
                &id,
                "--regid",
                &id,
                "--clear-groups",
                "--inh-caps=-all",
            ]);
        }
        cmd.arg(env!("CARGO_BIN_EXE_bigr"))
            .args(args)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .output()
            .expect("run bigr in the scanner namespace")
    }

    /// Runs `f` on a thread that has entered namespace `ns`: sockets it creates live there.
    pub fn in_ns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/var/run/netns/{ns}");
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            nix::sched::setns(file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Deleting a namespace deletes its veth ends and the bridge with it.
        for h in &self.hosts {
            let _ = run_ip(&["netns", "del", &h.ns]);
        }
        let _ = run_ip(&["netns", "del", &self.scanner_ns]);
        let _ = run_ip(&["netns", "del", &self.hub()]);
        let _ = std::fs::remove_dir_all(self.etc_dir());
    }
}

/// Whether this process may create network namespaces (root). Otherwise `part` is noted as
/// skipped, and under CI, where a skipped half would pass unseen, the test fails instead,
/// as it does without PostgreSQL.
pub fn may_make_namespaces(part: &str) -> bool {
    if nix::unistd::geteuid().as_raw() == 0 {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the {part} needs root under CI (run the tests as root)"
    );
    super::skipped(part, "creating network namespaces needs root");
    false
}

/// A namespace name prefix no other lab of this or a concurrent test process uses: `tag`,
/// the process id and a sequence number.
pub fn namespace_prefix(tag: &str) -> String {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    format!(
        "{tag}{}x{}",
        std::process::id() % 100_000,
        SEQ.fetch_add(1, Ordering::SeqCst)
    )
}
