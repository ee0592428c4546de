//! Services for the namespace lab's hosts: greeting TCP services, HTTP, HTTPS with chosen
//! certificates, an mDNS responder, firewalls that drop instead of resetting, and packet
//! loss. Each runs inside one host's namespace; sockets are created there and served by
//! plain threads of the test process, which end with it.
use crate::support::lab::Lab;
use chrono::{Datelike, Utc};
use rcgen::{CertificateParams, DnType, KeyPair, date_time_ymd};
use rustls::pki_types::PrivateKeyDer;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;

/// A TCP service that sends `greeting` to every connection (SSH, JetDirect, RTSP…).
pub fn serve_tcp(ns: &str, port: u16, greeting: &'static [u8]) {
    let listener = listen(ns, port);
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let _ = conn.write_all(greeting);
        }
    });
}

/// An HTTP server answering every request with `Server` and a page `<title>`.
pub fn serve_http(ns: &str, port: u16, server: &'static str, title: &'static str) {
    let listener = listen(ns, port);
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(http_answer(server, title).as_bytes());
        }
    });
}

fn http_answer(server: &str, title: &str) -> String {
    let body = format!("<html><head><title>{title}</title></head><body>lab</body></html>");
    format!(
        "HTTP/1.0 200 OK\r\nServer: {server}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn listen(ns: &str, port: u16) -> TcpListener {
    Lab::in_ns(ns, move || {
        TcpListener::bind(("0.0.0.0", port)).expect("bind in namespace")
    })
}

/// The validity of a lab certificate, in days from today (negative: in the past).
#[derive(Clone, Copy, Debug)]
pub struct Validity {
    pub from_days: i64,
    pub until_days: i64,
}

fn set_validity(params: &mut CertificateParams, v: Validity) {
    let ymd = |days: i64| (Utc::now() + chrono::Duration::days(days)).date_naive();
    let (from, until) = (ymd(v.from_days), ymd(v.until_days));
    params.not_before = date_time_ymd(from.year(), from.month() as u8, from.day() as u8);
    params.not_after = date_time_ymd(until.year(), until.month() as u8, until.day() as u8);
}

/// An HTTPS server with a self-signed certificate for `cn`, valid as `validity` says, that
/// answers requests like [`serve_http`].
pub fn serve_https(ns: &str, port: u16, cn: &str, validity: Validity, title: &'static str) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec![cn.to_string()]).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    set_validity(&mut params, validity);
    let cert = params.self_signed(&key).expect("self-signed");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .expect("server config");
    let config = Arc::new(config);
    let listener = listen(ns, port);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(session) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(session, conn);
                let mut buf = [0u8; 1024];
                if tls.read(&mut buf).is_ok() {
                    let _ = tls.write_all(http_answer("lab-tls/1.0", title).as_bytes());
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
}

/// Loads an nftables `script` into namespace `ns` (panics on a refused script).
pub fn nft(ns: &str, script: &str) {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .expect("nft runs");
    assert!(
        out.status.success(),
        "nft in {ns}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether nftables is usable here (the firewall and loss helpers need it).
pub fn have_nft() -> bool {
    Command::new("nft")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A host firewall that silently drops every TCP port but `open` and every ICMP echo: closed
/// ports look filtered, not reset, and ping gets no answer.
pub fn drop_closed_ports(ns: &str, open: &[u16]) {
    let allowed = if open.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = open.iter().map(u16::to_string).collect();
        format!("tcp dport {{ {} }} accept\n", list.join(", "))
    };
    nft(
        ns,
        &format!(
            "table inet labfw {{\n chain input {{\n  type filter hook input priority 0; policy accept;\n  {allowed}  meta l4proto tcp drop\n  icmp type echo-request drop\n }}\n}}\n"
        ),
    );
}

/// Drops `percent`% of every frame the scanner sends, at the bridge port it is plugged into
/// (the kernel here has no `netem` qdisc; an nftables ingress hook with a random number
/// does the same job).
pub fn lose_scanner_packets(lab: &Lab, percent: u32) {
    nft(
        &lab.hub(),
        &format!(
            // Declared, deleted and made again: a second call replaces the loss, not adds to it.
            "table netdev labloss\ndelete table netdev labloss\ntable netdev labloss {{\n chain scanner {{\n  type filter hook ingress device vs priority 0;\n  numgen random mod 100 < {percent} drop\n }}\n}}\n"
        ),
    );
}

/// An mDNS responder in `ns` announcing `instance` of `service_type` (e.g. `_ipp._tcp`).
/// Keep the returned daemon alive for as long as it should answer.
pub fn mdns_responder(
    ns: &str,
    ip: std::net::Ipv4Addr,
    host: &str,
    instance: &str,
    service_type: &str,
    port: u16,
) -> mdns_sd::ServiceDaemon {
    mdns_responder_txt(ns, ip, host, &[(instance, service_type, port, &[])])
}

/// One announced service: instance, type, port and TXT properties.
pub type Announcement<'a> = (&'a str, &'a str, u16, &'a [(&'a str, &'a str)]);

/// An mDNS responder in `ns` announcing several services of one host, e.g. a phone's
/// `_device-info._tcp` with `model=iPhone14,2`.
pub fn mdns_responder_txt(
    ns: &str,
    ip: std::net::Ipv4Addr,
    host: &str,
    services: &[Announcement],
) -> mdns_sd::ServiceDaemon {
    let host = format!("{host}.local.");
    let infos: Vec<mdns_sd::ServiceInfo> = services
        .iter()
        .map(|(instance, ty, port, txt)| {
            let props: Vec<(&str, &str)> = txt.to_vec();
            mdns_sd::ServiceInfo::new(
                &format!("{ty}.local."),
                instance,
                &host,
                std::net::IpAddr::V4(ip),
                *port,
                &props[..],
            )
            .expect("service info")
        })
        .collect();
    Lab::in_ns(ns, move || {
        // The daemon's thread starts here, so it lives in this namespace.
        let daemon = mdns_sd::ServiceDaemon::new().expect("mdns daemon");
        for info in infos {
            daemon.register(info).expect("register");
        }
        daemon
    })
}

/// A UPnP device: answers M-SEARCH on UDP 1900 with a LOCATION on its own address, and
/// serves `description` (the device description XML) there over HTTP.
pub fn ssdp_responder(ns: &str, ip: std::net::Ipv4Addr, http_port: u16, description: &'static str) {
    let socket = Lab::in_ns(ns, || {
        std::net::UdpSocket::bind(("0.0.0.0", 1900)).expect("bind 1900 in namespace")
    });
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let q = String::from_utf8_lossy(&buf[..n]);
            if !q.starts_with("M-SEARCH * HTTP/1.1") || !q.contains("ssdp:discover") {
                continue;
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n                 LOCATION: http://{ip}:{http_port}/description.xml\r\n                 SERVER: Linux/5.4 UPnP/1.0 lab/1.0\r\nST: upnp:rootdevice\r\n                 USN: uuid:lab-{ip}::upnp:rootdevice\r\n\r\n"
            );
            let _ = socket.send_to(answer.as_bytes(), from);
        }
    });
    let listener = listen(ns, http_port);
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n                 Connection: close\r\n\r\n{description}",
                description.len()
            );
            let _ = conn.write_all(reply.as_bytes());
        }
    });
}

/// A UPnP root device description with the facts the scanner reads.
pub fn upnp_description(
    device_type: &str,
    friendly: &str,
    manufacturer: &str,
    model: &str,
) -> &'static str {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n         <specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n         <deviceType>{device_type}</deviceType>\n<friendlyName>{friendly}</friendlyName>\n         <manufacturer>{manufacturer}</manufacturer>\n<modelName>{model}</modelName>\n         <serialNumber>LAB-0001</serialNumber>\n</device>\n</root>\n"
    );
    Box::leak(xml.into_boxed_str())
}

/// The lab's switch made manageable: its bridge gets a management address and MAC (a Cisco
/// OUI) and Debian's `snmpd` answers there with a known sysName, and with the bridge's real
/// forwarding table through `tests/lab/bridge_mib.py`. Stopped on drop.
pub struct SwitchAgent {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    pub ip: std::net::Ipv4Addr,
    pub mac: &'static str,
    pub sys_name: &'static str,
}

impl Drop for SwitchAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where Debian installs the agent (`/usr/sbin` is not on every PATH).
pub fn snmpd_path() -> Option<&'static str> {
    ["/usr/sbin/snmpd", "/usr/bin/snmpd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

/// Debian's snmpd answering on one lab host as a network device does: the system group
/// (`sys_name`, `sys_descr`, `sys_object_id`) to `community`. Stopped on drop.
pub struct SnmpAgent {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for SnmpAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn snmp_agent(
    host: &crate::support::lab::LabHost,
    community: &str,
    sys_name: &str,
    sys_descr: &str,
    sys_object_id: &str,
) -> SnmpAgent {
    let snmpd = snmpd_path().expect("snmpd is installed");
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(
        &conf,
        format!(
            "agentAddress udp:{}:161\nrocommunity {community} 10.77.0.0/24\nsysName {sys_name}\n\
             sysDescr {sys_descr}\nsysObjectID {sys_object_id}\nsysLocation lab\nsysContact lab\n",
            host.ip
        ),
    )
    .unwrap();
    let child = Command::new("ip")
        .args(["netns", "exec", &host.ns, snmpd, "-f", "-Lo", "-C", "-c"])
        .arg(&conf)
        .arg("-p")
        .arg(dir.path().join("snmpd.pid"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start snmpd");
    SnmpAgent { child, _dir: dir }
}

pub fn switch_agent(lab: &Lab, community: &str) -> SwitchAgent {
    switch_agent_with_vlans(lab, community, "")
}

/// [`switch_agent`] naming the bridge's VLANs (`10=office,20=cameras`) in Q-BRIDGE-MIB.
pub fn switch_agent_with_vlans(lab: &Lab, community: &str, vlan_names: &str) -> SwitchAgent {
    let snmpd = snmpd_path().expect("snmpd is installed");
    let (ip, mac, sys_name) = (
        std::net::Ipv4Addr::new(10, 77, 0, 254),
        "00:00:0c:77:00:fe",
        "lab-switch-1",
    );
    let hub = lab.hub();
    for args in [
        vec!["-n", &hub, "link", "set", "br0", "address", mac],
        vec!["-n", &hub, "addr", "add", "10.77.0.254/24", "dev", "br0"],
        vec!["-n", &hub, "link", "set", "lo", "up"],
    ] {
        let st = Command::new("ip").args(&args).status().expect("ip");
        assert!(st.success(), "ip {args:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/bridge_mib.py");
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(
        &conf,
        format!(
            "agentAddress udp:{ip}:161\nrocommunity {community} 10.77.0.0/24\nsysName {sys_name}\n\
             sysDescr Lab bridge switch, Linux kernel bridge br0\nsysObjectID .1.3.6.1.4.1.9.1.1208\n\
             sysLocation lab rack 1\nsysContact lab\n\
             pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 {script} br0 {vlan_names}\n"
        ),
    )
    .unwrap();
    let child = Command::new("ip")
        .args(["netns", "exec", &hub, snmpd, "-f", "-Lo", "-C", "-c"])
        .arg(&conf)
        .arg("-p")
        .arg(dir.path().join("snmpd.pid"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start snmpd");
    let agent = SwitchAgent {
        child,
        _dir: dir,
        ip,
        mac,
        sys_name,
    };
    // Ready when it answers; bounded.
    for _ in 0..50 {
        let ok = Command::new("ip")
            .args(["netns", "exec", &hub, "snmpget", "-v2c", "-c", community])
            .args(["-t", "0.2", "-r", "0", "10.77.0.254", "1.3.6.1.2.1.1.5.0"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return agent;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("snmpd did not answer in the lab's hub namespace");
}

/// A responder answering reverse (PTR) questions for its own address on UDP `port`: LLMNR
/// (5355) as Windows answers, or mDNS legacy unicast (5353) as printers and Avahi do, with
/// `name`. Questions about other addresses get no answer, as the RFCs want.
pub fn reverse_name_responder(host: &crate::support::lab::LabHost, port: u16, name: &'static str) {
    let own = bigr::scan::reverse_names::reverse_name(host.ip);
    let socket = Lab::in_ns(&host.ns, move || {
        std::net::UdpSocket::bind(("0.0.0.0", port)).expect("bind the name port in namespace")
    });
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let q = &buf[..n];
            // A question (QR clear) about this host's own reverse name.
            let asks_own = q.len() > 12 && q[2] & 0x80 == 0 && {
                let labels: Vec<&str> = own.split('.').collect();
                let mut wire = Vec::new();
                for l in labels {
                    wire.push(l.len() as u8);
                    wire.extend_from_slice(l.as_bytes());
                }
                q[12..].starts_with(&wire)
            };
            if asks_own {
                let _ = socket.send_to(&bigr::scan::reverse_names::answer(q, name), from);
            }
        }
    });
}

/// A DHCP client that stops sending when dropped.
pub struct DhcpClient(Arc<std::sync::atomic::AtomicBool>);

impl Drop for DhcpClient {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A DHCP client on `host` renewing its lease over and over: REQUESTs with `options`
/// broadcast to the lab subnet (port 67) every 200 ms while the returned client lives. No
/// server answers; the scanner only listens.
pub fn dhcp_client(host: &crate::support::lab::LabHost, options: Vec<(u8, Vec<u8>)>) -> DhcpClient {
    let mac: Vec<u8> = host
        .mac
        .split(':')
        .map(|b| u8::from_str_radix(b, 16).expect("lab MAC"))
        .collect();
    let [a, b, c, _] = host.ip.octets();
    let socket = Lab::in_ns(&host.ns, || {
        let s = std::net::UdpSocket::bind(("0.0.0.0", 68)).expect("bind 68 in namespace");
        s.set_broadcast(true).expect("broadcast");
        s
    });
    let mut with_type = vec![(53u8, vec![3u8])];
    with_type.extend(options);
    let borrowed: Vec<(u8, &[u8])> = with_type.iter().map(|(c, v)| (*c, v.as_slice())).collect();
    let packet = bigr::scan::dhcp::request_packet(mac.try_into().expect("6 bytes"), &borrowed);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::spawn(move || {
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = socket.send_to(&packet, (std::net::Ipv4Addr::new(a, b, c, 255), 67));
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    });
    DhcpClient(stop)
}

/// A NetBIOS name service answering node-status questions (UDP 137) the way Windows does:
/// the computer name, the workgroup and the adapter's MAC. Samba's nmbd would need a full
/// smb.conf and a broadcast domain per host; the answer format is all the scanner reads.
pub fn netbios_responder(ns: &str, name: &'static str, group: &'static str, mac: [u8; 6]) {
    let socket = Lab::in_ns(ns, || {
        std::net::UdpSocket::bind(("0.0.0.0", 137)).expect("bind 137 in namespace")
    });
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            // Only NBSTAT questions (QTYPE 0x21) get an answer.
            if n < 50 || buf[2] & 0x80 != 0 || buf[46..48] != [0x00, 0x21] {
                continue;
            }
            let id = u16::from_be_bytes([buf[0], buf[1]]);
            let names = [
                (name, 0x00, false),
                (group, 0x00, true),
                (name, 0x20, false),
            ];
            let p = bigr::scan::netbios::status_answer(id, &names, mac);
            let _ = socket.send_to(&p, from);
        }
    });
}

/// Debian's Samba (`smbd`, and `nmbd` when `with_nmbd`) serving one lab host as a Windows
/// machine would: SMB on 445 and 139, a NetBIOS name and workgroup. Its state lives in a
/// temporary directory; stopped on drop.
pub struct Samba {
    children: Vec<std::process::Child>,
    _dir: tempfile::TempDir,
}

impl Drop for Samba {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn smbd_path() -> Option<&'static str> {
    ["/usr/sbin/smbd", "/usr/bin/smbd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

pub fn samba(ns: &str, name: &str, workgroup: &str, with_nmbd: bool) -> Samba {
    let smbd = smbd_path().expect("smbd is installed");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let conf = dir.path().join("smb.conf");
    let mut text = format!(
        "[global]\nworkgroup = {workgroup}\nnetbios name = {name}\n\
         server role = standalone server\nsmb ports = 445 139\nload printers = no\n\
         printcap name = /dev/null\ndisable spoolss = yes\nlog file = {d}/log\n"
    );
    for sub in ["lock", "state", "cache", "private", "pid", "ncalrpc"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let key = match sub {
            "private" => "private dir".to_string(),
            "ncalrpc" => "ncalrpc dir".to_string(),
            other => format!("{other} directory"),
        };
        text.push_str(&format!("{key} = {d}/{sub}\n"));
    }
    std::fs::write(&conf, text).unwrap();
    let mut daemons = vec![smbd.to_string()];
    if with_nmbd {
        daemons.push(smbd.replace("smbd", "nmbd"));
    }
    let children = daemons
        .iter()
        .map(|daemon| {
            Command::new("ip")
                .args([
                    "netns",
                    "exec",
                    ns,
                    daemon,
                    "--foreground",
                    "--no-process-group",
                ])
                .arg("-s")
                .arg(&conf)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start samba")
        })
        .collect();
    let samba = Samba {
        children,
        _dir: dir,
    };
    // Ready when 445 accepts; bounded.
    for _ in 0..100 {
        let up = Lab::in_ns(ns, || {
            std::net::TcpStream::connect_timeout(
                &"127.0.0.1:445".parse().unwrap(),
                std::time::Duration::from_millis(100),
            )
            .is_ok()
        });
        if up {
            return samba;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("smbd did not listen in {ns}");
}

/// A TCP service that reads the client's first message (up to 4 KiB, each read waiting at most
/// two seconds) and answers what `answer` makes of it: nothing, for a question it does not
/// understand. The lab's printers, cameras and brokers are such services.
pub fn serve_exchange(ns: &str, port: u16, answer: fn(&[u8]) -> Option<Vec<u8>>) {
    let listener = listen(ns, port);
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                // Long enough for TCP to resend a lost segment or two under lab loss.
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = vec![0u8; 4096];
                let mut len = 0;
                while len < buf.len() {
                    match conn.read(&mut buf[len..]) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if answer(&buf[..len]).is_some() {
                        break;
                    }
                }
                if let Some(reply) = answer(&buf[..len]) {
                    let _ = conn.write_all(&reply);
                }
            });
        }
    });
}

/// A network printer's PJL port: `@PJL INFO ID` gets the model, anything else nothing.
pub fn pjl_answer(request: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(request);
    text.contains("@PJL INFO ID\r\n")
        .then(|| b"@PJL INFO ID\r\n\"HP LaserJet Pro M404dn\"\r\n\x0c".to_vec())
}

/// A printer's IPP service: a Get-Printer-Attributes request (operation 0x000b after the
/// HTTP head) gets make, model and firmware.
pub fn ipp_answer(request: &[u8]) -> Option<Vec<u8>> {
    let split = request.windows(4).position(|w| w == b"\r\n\r\n")?;
    let body = &request[split + 4..];
    if !request.starts_with(b"POST ") || body.len() < 9 || body[2..4] != [0x00, 0x0b] {
        return None;
    }
    let mut out = vec![2, 0, 0, 0, body[4], body[5], body[6], body[7], 0x01];
    ipp_attribute(&mut out, 0x47, "attributes-charset", "utf-8");
    ipp_attribute(&mut out, 0x48, "attributes-natural-language", "en");
    out.push(0x04);
    ipp_attribute(
        &mut out,
        0x41,
        "printer-make-and-model",
        "HP LaserJet Pro M404dn",
    );
    let id = "MFG:HP;MDL:LaserJet Pro M404dn;CMD:PJL,PCL,PDF;";
    ipp_attribute(&mut out, 0x41, "printer-device-id", id);
    ipp_attribute(
        &mut out,
        0x41,
        "printer-firmware-string-version",
        "002.2149B",
    );
    out.push(0x03);
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nServer: HP HTTP Server; HP LaserJet Pro M404dn\r\nContent-Length: {}\r\n\r\n",
        out.len()
    )
    .into_bytes();
    reply.extend(out);
    Some(reply)
}

fn ipp_attribute(out: &mut Vec<u8>, tag: u8, name: &str, value: &str) {
    out.push(tag);
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

/// An IP camera's RTSP service: OPTIONS gets the methods and the server's name.
pub fn rtsp_answer(request: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(request);
    if !text.starts_with("OPTIONS rtsp://") || !text.contains("\r\n\r\n") {
        return None;
    }
    let cseq = text
        .lines()
        .find_map(|l| l.strip_prefix("CSeq: "))
        .unwrap_or("1");
    Some(
        format!(
            "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\
             Server: Hikvision-Webs/2.0\r\n\r\n"
        )
        .into_bytes(),
    )
}

/// An MQTT broker that lets anyone in: CONNECT gets CONNACK "accepted".
pub fn mqtt_answer(request: &[u8]) -> Option<Vec<u8>> {
    (request.len() >= 12 && request[0] == 0x10 && &request[4..8] == b"MQTT")
        .then(|| vec![0x20, 0x02, 0x00, 0x00])
}
