#!/usr/bin/env python3
"""CISCO-CDP-MIB's cdpCacheTable for snmpd's pass_persist, from what a real lldpd heard over CDP.

The lab's Cisco-like switch runs lldpd speaking CDPv2 only (no LLDP, no LLDP-MIB); its
neighbours arrive in real CDP frames on the cables. This script lists them as a Catalyst's
agent does: rows indexed by the local port's ifIndex and a device index, with the columns
address (4: type ip, four octets), device id (6), device port (7), platform (8) and
capabilities (9: a four-octet mask).

Usage (snmpd.conf): pass_persist .1.3.6.1.4.1.9.9.23 /usr/bin/python3 cdp_mib.py LLDPD_SOCKET
"""
import ipaddress
import json
import socket
import subprocess
import sys

import pass_persist

SOCKET = sys.argv[1]
ENTRY = (1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1)
ADDRESS_TYPE, ADDRESS, DEVICE_ID, DEVICE_PORT, PLATFORM, CAPABILITIES = 3, 4, 6, 7, 8, 9
# lldpd's capability names as CDP's capability bits.
CAPABILITY_BITS = {
    "Router": 0x01,
    "Bridge": 0x08,
    "Station": 0x10,
    "Repeater": 0x40,
    "Telephone": 0x80,
    "Wlan": 0x4000,
}


def first(items, key="value"):
    """The first value of a json0 list of {key: value} objects, or None."""
    for item in items or []:
        if key in item:
            return item[key]
    return None


def octets(data):
    return " ".join(f"{b:02X}" for b in data)


def build_rows():
    out = subprocess.run(
        ["lldpcli", "-u", SOCKET, "-f", "json0", "show", "neighbors", "details"],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    try:
        lldp = json.loads(out.stdout or "{}").get("lldp", [])
    except json.JSONDecodeError:
        return []
    rows = {}
    for section in lldp:
        for iface in section.get("interface", []):
            if not iface.get("via", "").startswith("CDP"):
                continue
            try:
                if_index = socket.if_nametoindex(iface["name"])
            except OSError:
                continue
            index = (if_index, int(iface.get("rid", "1")))
            chassis = (iface.get("chassis") or [{}])[0]
            port = (iface.get("port") or [{}])[0]
            device = first(chassis.get("name")) or first(chassis.get("id"))
            if not device:
                continue
            rows[ENTRY + (DEVICE_ID,) + index] = ("string", device)
            port_id = first(port.get("id"))
            if port_id:
                rows[ENTRY + (DEVICE_PORT,) + index] = ("string", port_id)
            platform = first(chassis.get("descr"))
            if platform:
                rows[ENTRY + (PLATFORM,) + index] = ("string", platform.replace("\n", " "))
            mask = 0
            for cap in chassis.get("capability", []):
                if cap.get("enabled"):
                    mask |= CAPABILITY_BITS.get(cap.get("type"), 0)
            rows[ENTRY + (CAPABILITIES,) + index] = ("octet", octets(mask.to_bytes(4, "big")))
            for mgmt in chassis.get("mgmt-ip", []):
                address = ipaddress.ip_address(mgmt.get("value", "0.0.0.0"))
                if address.version == 4:
                    rows[ENTRY + (ADDRESS_TYPE,) + index] = ("integer", 1)
                    rows[ENTRY + (ADDRESS,) + index] = ("octet", octets(address.packed))
                    break
    return sorted(rows.items())


if __name__ == "__main__":
    pass_persist.serve(build_rows)
