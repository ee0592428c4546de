#!/usr/bin/env python3
"""BRIDGE-MIB and Q-BRIDGE-MIB for snmpd's pass_persist, read from a real Linux bridge.

The lab's switch is the kernel bridge in the hub namespace; this script lets snmpd answer
for its forwarding table exactly as the kernel has learned it, so the test's ground truth
is the bridge itself. Learned MACs with an even last octet are served in dot1dTpFdbTable,
odd ones in dot1qTpFdbTable (FDB id 1), so both tables a scanner must read are exercised.
Bridge ports are numbered 1..n in ifindex order; dot1dBasePortIfIndex maps them back.

With VLANs (`ID=NAME@PORT+PORT,...`, each port an access port of that VLAN) it also serves
Q-BRIDGE-MIB's VLAN tables: names, member and untagged ports as PortLists, each port's
PVID, FDB id = VLAN id; every learned MAC is then served in dot1qTpFdbTable under its
VLAN. Membership comes from `bridge vlan show` when the bridge filters VLANs; a kernel
without bridge VLAN filtering (as on the CI machines) keeps the given membership, the
switch's configuration, and files each MAC under its port's VLAN as such a switch would.

A third argument answers as a Cisco switch does, which keeps one table per VLAN and no
Q-BRIDGE-MIB: `cisco` serves the bridge ports only (its default context), `vtp` serves
CISCO-VTP-MIB's VLAN states and names (register it at .1.3.6.1.4.1.9.9.46), and `vlan:ID`
serves that VLAN's own BRIDGE-MIB (its ports and the MACs learned on them) for the agent
that answers the VLAN's context (community `C@ID`, context `vlan-ID`).

Usage (snmpd.conf): pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 bridge_mib.py BRIDGE [VLANS [MODE]]
"""
import json
import subprocess
import sys

import pass_persist

BRIDGE = sys.argv[1] if len(sys.argv) > 1 else "br0"
BASE_PORT_IF_INDEX = (1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2)
FDB_PORT = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2)
FDB_STATUS = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3)
QFDB_PORT = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2)
QFDB_STATUS = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 3)
VLAN_NAME = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 1)
VLAN_FDB_ID = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 3)
VLAN_EGRESS = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 4)
VLAN_UNTAGGED = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 5)
PORT_PVID = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 5, 1, 1)
LEARNED, SELF = 3, 4

def parse_vlans(spec):
    """`10=office@v0+v1,20=cameras@v2` -> ({10: "office", 20: "cameras"}, {"v0": 10, ...})."""
    names, access = {}, {}
    for item in filter(None, spec.split(",")):
        vid, rest = item.split("=", 1)
        name, _, ports = rest.partition("@")
        names[int(vid)] = name
        for port in filter(None, ports.split("+")):
            access[port] = int(vid)
    return names, access


NAMES, ACCESS = parse_vlans(sys.argv[2] if len(sys.argv) > 2 else "")
MODE = sys.argv[3] if len(sys.argv) > 3 else ""
VTP_STATE = (1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 3, 1, 1, 2)
VTP_NAME = (1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 3, 1, 1, 4)



def bridge_json(*args):
    out = subprocess.run(["bridge", "-j", *args], capture_output=True, text=True, timeout=5)
    return json.loads(out.stdout or "[]")


def filters_vlans():
    out = subprocess.run(["ip", "-j", "-d", "link", "show", BRIDGE], capture_output=True, text=True, timeout=5)
    links = json.loads(out.stdout or "[]")
    return bool(links) and links[0].get("linkinfo", {}).get("info_data", {}).get("vlan_filtering") == 1


def port_list(ports):
    """A PortList: the first octet's high bit is port 1, as pass_persist's hex octets."""
    size = max(ports, default=0) // 8 + 1
    octets = [0] * size
    for p in ports:
        octets[(p - 1) // 8] |= 0x80 >> ((p - 1) % 8)
    return " ".join(f"{o:02X}" for o in octets)


def configured_vlans():
    """The given access ports as `bridge -j vlan show` would list them."""
    return [
        {"ifname": port, "vlans": [{"vlan": vid, "flags": ["PVID", "Egress Untagged"]}]}
        for port, vid in ACCESS.items()
    ]


def vlan_rows(rows, port_of, filtering):
    members, untagged = {}, {}
    for entry in bridge_json("vlan", "show") if filtering else configured_vlans():
        port = port_of.get(entry.get("ifname"))
        if port is None:
            continue
        for v in entry.get("vlans", []):
            vid = v["vlan"]
            members.setdefault(vid, set()).add(port)
            flags = v.get("flags", [])
            if "Egress Untagged" in flags:
                untagged.setdefault(vid, set()).add(port)
            if "PVID" in flags:
                rows[PORT_PVID + (port,)] = ("integer", vid)
    for vid in sorted(members):
        rows[VLAN_NAME + (vid,)] = ("string", NAMES.get(vid, f"VLAN{vid:04d}"))
        rows[VLAN_FDB_ID + (0, vid)] = ("gauge", vid)
        rows[VLAN_EGRESS + (0, vid)] = ("octet", port_list(members[vid]))
        rows[VLAN_UNTAGGED + (0, vid)] = ("octet", port_list(untagged.get(vid, set())))


def cisco_rows():
    """The `vtp` and `vlan:ID` modes (see the module's text); None for the others."""
    if MODE == "vtp":
        rows = {}
        for vid in set(ACCESS.values()) | {1, 1002}:
            rows[VTP_STATE + (1, vid)] = ("integer", 1)
            rows[VTP_NAME + (1, vid)] = ("string", NAMES.get(vid, "default" if vid == 1 else "fddi-default"))
        return sorted(rows.items())
    if MODE.startswith("vlan:"):
        vid = int(MODE.split(":", 1)[1])
        links = [l for l in bridge_json("link", "show") if l.get("master") == BRIDGE and ACCESS.get(l["ifname"]) == vid]
        links.sort(key=lambda l: l["ifindex"])
        port_of = {l["ifname"]: n for n, l in enumerate(links, start=1)}
        rows = {}
        for l in links:
            rows[BASE_PORT_IF_INDEX + (port_of[l["ifname"]],)] = ("integer", l["ifindex"])
        for entry in bridge_json("fdb", "show", "br", BRIDGE):
            port = port_of.get(entry.get("ifname"))
            if port is None or entry.get("state") == "permanent" or entry.get("mac", "").startswith(("01:", "33:33")):
                continue
            octets = tuple(int(x, 16) for x in entry["mac"].split(":"))
            rows[FDB_PORT + octets] = ("integer", port)
            rows[FDB_STATUS + octets] = ("integer", LEARNED)
        return sorted(rows.items())
    return None


def build_rows():
    cisco = cisco_rows()
    if cisco is not None:
        return cisco
    links = [l for l in bridge_json("link", "show") if l.get("master") == BRIDGE]
    links.sort(key=lambda l: l["ifindex"])
    port_of = {l["ifname"]: n for n, l in enumerate(links, start=1)}
    rows = {}
    for name, n in port_of.items():
        ifindex = next(l["ifindex"] for l in links if l["ifname"] == name)
        rows[BASE_PORT_IF_INDEX + (n,)] = ("integer", ifindex)
    if MODE == "cisco":
        return sorted(rows.items())
    filtering = filters_vlans()
    vlans = filtering or bool(ACCESS)
    if vlans:
        vlan_rows(rows, port_of, filtering)
    for entry in bridge_json("fdb", "show", "br", BRIDGE):
        port = port_of.get(entry.get("ifname"))
        mac = entry.get("mac", "")
        if port is None or "self" in entry.get("flags", []) or mac.startswith(("01:", "33:33")):
            continue
        octets = tuple(int(x, 16) for x in mac.split(":"))
        status = SELF if entry.get("state") == "permanent" else LEARNED
        if vlans:
            vid = entry.get("vlan", ACCESS.get(entry.get("ifname")))
            if vid is not None:
                rows[QFDB_PORT + (vid,) + octets] = ("integer", port)
                rows[QFDB_STATUS + (vid,) + octets] = ("integer", status)
        elif octets[-1] % 2 == 0:
            rows[FDB_PORT + octets] = ("integer", port)
            rows[FDB_STATUS + octets] = ("integer", status)
        else:
            rows[QFDB_PORT + (1,) + octets] = ("integer", port)
            rows[QFDB_STATUS + (1,) + octets] = ("integer", status)
    return sorted(rows.items())


if __name__ == "__main__":
    pass_persist.serve(build_rows)
