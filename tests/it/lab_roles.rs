//! Office roles for a lab host, shared by the identification tests and the discovery bench:
//! what a Windows PC, a printer, an iPhone, a NAS and a TV answer on the network.
use crate::lab_services as svc;
use crate::support::lab::LabHost;

/// A vendor's OUI per role (Dell, HP, a randomized phone MAC, Synology, Samsung, Hikvision).
pub const PC_OUI: &str = "14:18:77";
pub const PRINTER_OUI: &str = "a0:8c:fd";
pub const PHONE_OUI: &str = "5e:1a:77";
pub const NAS_OUI: &str = "00:11:32";
pub const TV_OUI: &str = "8c:79:f5";
pub const CAMERA_OUI: &str = "54:8c:81";

/// The ports a Windows PC's firewall lets through.
pub const PC_PORTS: [u16; 3] = [135, 445, 3389];

fn mac_bytes(mac: &str) -> [u8; 6] {
    let mut out = [0u8; 6];
    for (slot, part) in out.iter_mut().zip(mac.split(':')) {
        *slot = u8::from_str_radix(part, 16).expect("a lab MAC");
    }
    out
}

/// Answers SSDP searches with a UPnP description (`device_type`, friendly name, maker and
/// model) served over HTTP on `http_port`.
fn announce_upnp(
    host: &LabHost,
    http_port: u16,
    device_type: &str,
    friendly: &str,
    manufacturer: &str,
    model: &str,
) {
    let xml = svc::upnp_description(device_type, friendly, manufacturer, model);
    svc::ssdp_responder(&host.ns, host.ip, http_port, xml);
}

/// A Windows 10 PC in domain CORP: NetBIOS, SMB with its names and build, MSRPC, RDP, and
/// a firewall that drops every other port and ICMP echo.
pub fn windows_pc(host: &LabHost, name: &'static str) {
    svc::netbios_responder(&host.ns, name, "CORP", mac_bytes(&host.mac));
    svc::reverse_name_responder(host, bigr::scan::reverse_names::LLMNR_PORT, name);
    crate::lab_windows::serve(
        &host.ns,
        crate::lab_windows::WindowsPc {
            name,
            domain: "CORP",
            dns_domain: "corp.lab",
            build: 19045,
        },
    );
    svc::drop_closed_ports(&host.ns, &PC_PORTS);
}

/// An HP laser printer: IPP (631), PJL (9100), and UPnP with `friendly` as its friendly name.
pub fn printer(host: &LabHost, friendly: &str) {
    svc::serve_exchange(&host.ns, 631, svc::ipp_answer);
    svc::serve_exchange(&host.ns, 9100, svc::pjl_answer);
    announce_upnp(
        host,
        49152,
        "urn:schemas-upnp-org:device:Printer:1",
        friendly,
        "HP",
        "HP LaserJet Pro M404dn",
    );
}

/// An iPhone announcing itself over mDNS (`_device-info` model iPhone14,2); keep the daemon.
pub fn iphone(host: &LabHost, hostname: &str, instance: &str) -> mdns_sd::ServiceDaemon {
    svc::mdns_responder_txt(
        &host.ns,
        host.ip,
        hostname,
        &[
            (instance, "_companion-link._tcp", 49153, &[]),
            (instance, "_device-info._tcp", 0, &[("model", "iPhone14,2")]),
        ],
    )
}

/// Network gear answering SNMP v2c (`public`): what the scanner's SNMP sweep names and
/// types. Keep the agent.
pub fn network_device(host: &LabHost, kind: NetworkGear, name: &str) -> svc::SnmpAgent {
    let (descr, oid) = match kind {
        NetworkGear::Router => (
            "Cisco IOS Software [Amsterdam], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.4a, RELEASE SOFTWARE (fc3)",
            ".1.3.6.1.4.1.9.1.2068",
        ),
        NetworkGear::Switch => (
            "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)",
            ".1.3.6.1.4.1.9.1.1208",
        ),
        NetworkGear::AccessPoint => (
            "Cisco IOS Software, C3700 Software (AP3G2-K9W8-M), Version 15.3(3)JF15, RELEASE SOFTWARE (fc1) Cisco Aironet AIR-CAP3702I",
            ".1.3.6.1.4.1.9.1.1656",
        ),
    };
    svc::snmp_agent(host, "public", name, descr, oid)
}

/// The kinds of network gear the office has (the bench's office has each; the
/// identification tests need only the router).
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkGear {
    Router,
    Switch,
    AccessPoint,
}

/// The DHCP requests of a Windows 10 PC: its name, "MSFT 5.0" and Windows' option list.
pub fn windows_dhcp(host: &LabHost, name: &str) -> svc::DhcpClient {
    svc::dhcp_client(
        host,
        vec![
            (12, name.as_bytes().to_vec()),
            (60, b"MSFT 5.0".to_vec()),
            (
                55,
                vec![1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252],
            ),
        ],
    )
}

/// The DHCP requests of an iPhone: its name and iOS's option list, no vendor class.
pub fn iphone_dhcp(host: &LabHost, name: &str) -> svc::DhcpClient {
    svc::dhcp_client(
        host,
        vec![
            (12, name.as_bytes().to_vec()),
            (55, vec![1, 121, 3, 6, 15, 108, 114, 119, 252]),
        ],
    )
}

/// A Hikvision IP camera: RTSP (554), its web page (80), and UPnP with `friendly` as its
/// friendly name.
pub fn camera(host: &LabHost, friendly: &str) {
    svc::serve_exchange(&host.ns, 554, svc::rtsp_answer);
    svc::serve_http(&host.ns, 80, "App-webs/", "Network Camera");
    announce_upnp(
        host,
        49152,
        "urn:schemas-upnp-org:device:Basic:1",
        friendly,
        "Hikvision",
        "DS-2CD2143G2-I",
    );
}

/// A Synology DS920+'s UPnP description, served over HTTP on `http_port`.
pub fn nas_upnp(host: &LabHost, friendly: &str, http_port: u16) {
    announce_upnp(
        host,
        http_port,
        "urn:schemas-upnp-org:device:Basic:1",
        friendly,
        "Synology",
        "DS920+",
    );
}

/// A Samsung TV known by its UPnP MediaRenderer description.
pub fn tv(host: &LabHost, friendly: &str) {
    announce_upnp(
        host,
        9197,
        "urn:schemas-upnp-org:device:MediaRenderer:1",
        friendly,
        "Samsung Electronics",
        "QE55Q70TAT",
    );
}
