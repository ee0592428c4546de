#!/usr/bin/env python3
"""BRIDGE-MIB and Q-BRIDGE-MIB for snmpd's pass_persist, read from a real Linux bridge.

The lab's switch is the kernel bridge in the hub namespace; this script lets snmpd answer
for its forwarding table exactly as the kernel has learned it, so the test's ground truth
is the bridge itself. Learned MACs with an even last octet are served in dot1dTpFdbTable,
odd ones in dot1qTpFdbTable (FDB id 1), so both tables a scanner must read are exercised.
Bridge ports are numbered 1..n in ifindex order; dot1dBasePortIfIndex maps them back.

Usage (snmpd.conf): pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 bridge_mib.py BRIDGE
"""
import json
import subprocess
import sys
import time

BRIDGE = sys.argv[1] if len(sys.argv) > 1 else "br0"
BASE_PORT_IF_INDEX = (1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2)
FDB_PORT = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2)
FDB_STATUS = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3)
QFDB_PORT = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2)
QFDB_STATUS = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 3)
LEARNED, SELF = 3, 4

_cache = {"at": 0.0, "rows": []}


def bridge_json(*args):
    out = subprocess.run(["bridge", "-j", *args], capture_output=True, text=True, timeout=5)
    return json.loads(out.stdout or "[]")


def build_rows():
    links = [l for l in bridge_json("link", "show") if l.get("master") == BRIDGE]
    links.sort(key=lambda l: l["ifindex"])
    port_of = {l["ifname"]: n for n, l in enumerate(links, start=1)}
    rows = {}
    for name, n in port_of.items():
        ifindex = next(l["ifindex"] for l in links if l["ifname"] == name)
        rows[BASE_PORT_IF_INDEX + (n,)] = ("integer", ifindex)
    for entry in bridge_json("fdb", "show", "br", BRIDGE):
        port = port_of.get(entry.get("ifname"))
        mac = entry.get("mac", "")
        if port is None or "self" in entry.get("flags", []) or mac.startswith(("01:", "33:33")):
            continue
        octets = tuple(int(x, 16) for x in mac.split(":"))
        status = SELF if entry.get("state") == "permanent" else LEARNED
        if octets[-1] % 2 == 0:
            rows[FDB_PORT + octets] = ("integer", port)
            rows[FDB_STATUS + octets] = ("integer", status)
        else:
            rows[QFDB_PORT + (1,) + octets] = ("integer", port)
            rows[QFDB_STATUS + (1,) + octets] = ("integer", status)
    return sorted(rows.items())


def rows():
    if time.monotonic() - _cache["at"] > 1.0:
        _cache["rows"] = build_rows()
        _cache["at"] = time.monotonic()
    return _cache["rows"]


def parse(oid):
    return tuple(int(x) for x in oid.strip().strip(".").split(".") if x)


def answer(found):
    if found is None:
        print("NONE")
    else:
        oid, (kind, value) = found
        print("." + ".".join(map(str, oid)))
        print(kind)
        print(value)


def main():
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "PING":
            print("PONG")
        elif cmd in ("get", "getnext"):
            oid = parse(sys.stdin.readline())
            table = rows()
            if cmd == "get":
                answer(next(((o, v) for o, v in table if o == oid), None))
            else:
                answer(next(((o, v) for o, v in table if o > oid), None))
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            print("not-writable")
        elif cmd == "":
            break
        sys.stdout.flush()


if __name__ == "__main__":
    main()
