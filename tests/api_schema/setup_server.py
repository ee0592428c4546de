#!/usr/bin/env python3
"""Prepare a fresh `bigr serve` for the schemathesis passes of run.sh (stdlib only).

    setup_server.py BASE_URL ADMIN_USER ADMIN_PASSWORD VIEWER_PASSWORD OUT_ENV_FILE

1. Signs in as the admin ONCE (the login throttle allows 5 failures per account and 20
   per address in 15 minutes; a run must never come near that), creates the viewer and
   signs in as the viewer once.
2. Seeds a small inventory through the real API, so that schemathesis validates answers
   that hold real objects and not only empty lists: a subnet and a switch, two agents
   (one registered with an enrollment token, one revoked), an unused enrollment, two
   discovery reports for site `istanbul` (a second scan makes change rows: new, missing,
   ports opened), certificates (one expiring, one expired), an Apache 2.4.49 service so
   the CVE and risk figures are non-empty, a manual tag, a heartbeat and a shield report
   with findings.
3. Writes OUT_ENV_FILE, a shell fragment with both sessions (cookie value and CSRF token)
   and the seeding agent's bearer token, for run.sh to source. Nothing secret is printed.

Any unexpected answer ends the script with a message and exit code 1: a pass against a
half-seeded server would report confusing failures.
"""

import datetime as dt
import hashlib
import json
import shlex
import sys
import urllib.error
import urllib.request
import uuid

TIMEOUT = 30


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, body=None, cookie=None, csrf=None, bearer=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if cookie:
            headers["Cookie"] = f"bigr_session={cookie}"
        if csrf:
            headers["X-CSRF-Token"] = csrf
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as res:
                return res.status, res.headers, res.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def expect(self, want, method, path, **kw):
        status, headers, raw = self.call(method, path, **kw)
        if status not in want:
            sys.exit(f"setup: {method} {path}: HTTP {status}, expected {want}: {raw[:400]!r}")
        return (json.loads(raw) if raw else None), headers


def login(api, username, password):
    body, headers = api.expect((200,), "POST", "/api/auth/login",
                               body={"username": username, "password": password})
    cookie = None
    for line in headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        if name.strip() == "bigr_session":
            cookie = rest.split(";", 1)[0].strip()
    if not cookie:
        sys.exit(f"setup: login as {username} set no bigr_session cookie")
    return cookie, body["csrf_token"]


def iso(t):
    return t.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def asset(ip, mac, hostname, vendor, device_type, category, confidence, ports, **extra):
    a = {"ip": ip, "mac": mac, "hostname": hostname, "vendor": vendor, "open_ports": ports,
         "device_type": device_type, "category": category, "confidence": confidence}
    a.update(extra)
    return a


def cert(ip, port, cn, not_after, self_signed):
    h = hashlib.sha256(f"{ip}:{port}:{cn}:{not_after}".encode()).hexdigest()
    return {"ip": ip, "port": port, "subject_cn": cn, "sans": [cn],
            "issuer": cn if self_signed else "Schemathesis Test CA", "serial": h[:16],
            "not_before": iso(not_after - dt.timedelta(days=365)), "not_after": iso(not_after),
            "key_type": "RSA", "key_bits": 2048, "signature_algorithm": "sha256WithRSAEncryption",
            "fingerprint_sha256": h, "self_signed": self_signed}


def istanbul_assets(second):
    a = [
        asset("10.1.0.1", "00:1b:21:00:01:01", "core-router-ist", "Cisco Systems", "router",
              "ag_ve_sistemler", 0.92, [22, 443],
              services=[{"port": 22, "protocol": "tcp", "name": "ssh", "product": "OpenSSH",
                         "version": "7.4", "banner": "SSH-2.0-OpenSSH_7.4"}],
              snmp={"sys_name": "core-router-ist", "sys_descr": "Cisco IOS Software, Version 15.2(4)M",
                    "sys_object_id": "1.3.6.1.4.1.9.1.1"},
              evidence=[{"rule": "vendor:cisco", "value": "Cisco Systems", "category": "ag_ve_sistemler",
                         "device_type": "router", "weight": 0.5}]),
        asset("10.1.0.2", "00:1b:21:00:01:02", "sw-ist-floor1", "Cisco Systems", "switch",
              "ag_ve_sistemler", 0.85, [22, 80]),
        asset("10.1.0.10", "00:1b:21:00:01:10", "cam-lobby", "Hikvision", "camera", "iot", 0.8, [80, 443],
              services=[{"port": 443, "protocol": "tcp", "http_server": "App-webs/", "http_title": "Login",
                         "tls": True}],
              sensitivity="fragile",
              switch_port={"host": "sw-ist-floor1", "port": "Gi1/0/10", "port_index": 10}),
        asset("10.1.0.30", "00:50:56:00:01:30", "ist-web-0", "VMware", "vm", "uygulamalar", 0.7,
              [80, 443, 8080] if second else [80, 443],
              services=[{"port": 80, "protocol": "tcp", "name": "http", "product": "Apache httpd",
                         "version": "2.4.49", "http_server": "Apache/2.4.49"}],
              os_hint="Linux"),
        asset("10.1.0.20", "3c:22:fb:00:01:20", "ist-laptop-0", "Apple", "laptop", "tasinabilir", 0.6, []),
        asset("10.1.0.60", "00:e0:4c:00:01:60", "ist-unknown-0", "Realtek", "unknown", "unclassified", 0.2, []),
    ]
    if not second:
        a.append(asset("10.1.0.14", "00:1b:21:00:01:14", "cam-ist-park-3", "Hikvision", "camera", "iot",
                       0.75, [80, 554]))
    else:
        a.append(asset("10.1.0.70", "3c:22:fb:00:01:70", "ist-new-tablet", "Apple", "tablet",
                       "tasinabilir", 0.65, []))
    return a


def scan_report(at, assets, certificates):
    return {"id": str(uuid.uuid4()), "target": "10.1.0.0/24", "networks": ["10.1.0.0/24"],
            "method": "hybrid", "started_at": iso(at - dt.timedelta(minutes=5)), "completed_at": iso(at),
            "partial": False, "ports_probed": "22,80,443,554,8080", "scanner_version": "schemathesis-seed",
            "privileges": {"raw_sockets": True, "arp": True, "icmp": True},
            "assets": assets, "certificates": certificates}


def seed(api, cookie, csrf):
    adm = {"cookie": cookie, "csrf": csrf}
    now = dt.datetime.now(dt.timezone.utc)
    api.expect((201,), "POST", "/api/subnets", body={"cidr": "10.1.0.0/24", "label": "istanbul lan",
                                                     "site": "istanbul", "vlan_id": 10}, **adm)
    api.expect((201,), "POST", "/api/switches", body={"host": "sw-ist-floor1", "community": "public",
                                                      "label": "floor 1", "site": "istanbul"}, **adm)
    agents = []
    for name in ("st-agent-ist", "st-agent-revoked"):
        enr, _ = api.expect((201,), "POST", "/api/agents/enrollments",
                            body={"site": "istanbul", "expires_hours": 1}, **adm)
        reg, _ = api.expect((201,), "POST", "/api/agents/register",
                            body={"name": name, "site": "istanbul", "enroll_token": enr["token"],
                                  "version": "schemathesis", "subnets": ["10.1.0.0/24"]})
        agents.append(reg)
    api.expect((200,), "POST", f"/api/agents/{agents[1]['agent_id']}/revoke", **adm)
    # An enrollment left unused, so the list has an active one too.
    api.expect((201,), "POST", "/api/agents/enrollments", body={"site": "ankara", "expires_hours": 2}, **adm)
    token = agents[0]["token"]
    api.expect((200,), "POST", "/api/agents/heartbeat", bearer=token,
               body={"activity": "idle", "heartbeat_seconds": 60, "queue_depth": 0, "version": "schemathesis"})
    certs = [cert("10.1.0.10", 443, "cam-lobby.ist.example", now + dt.timedelta(days=5), True),
             cert("10.1.0.30", 443, "ist-web-0.ist.example", now - dt.timedelta(days=3), False)]
    for i, second in enumerate((False, True)):
        at = now - dt.timedelta(hours=3 - 2 * i)
        api.expect((201,), "POST", "/api/ingest/discovery", bearer=token,
                   body=scan_report(at, istanbul_assets(second), certs))
    api.expect((201,), "POST", "/api/ingest/shield", bearer=token, body={
        "id": str(uuid.uuid4()), "target": "10.1.0.30", "preset": "quick", "modules": ["tls", "headers"],
        "started_at": iso(now - dt.timedelta(minutes=10)), "completed_at": iso(now), "score": 62.5, "grade": "C",
        "findings": [
            {"module": "tls", "severity": "high", "title": "Expired certificate", "description": "not_after passed",
             "remediation": "renew", "target_ip": "10.1.0.30", "port": 443, "evidence": {"days": -3}},
            {"module": "headers", "severity": "low", "title": "No HSTS", "cve_id": None, "cvss_score": 3.1,
             "attack_technique": "T1557"},
        ]})
    # Found by listing, not by `q`: the search is not what this step is about.
    inv, _ = api.expect((200,), "GET", "/api/data?site=istanbul&per_page=100", cookie=cookie)
    unknown = [a for a in inv["items"] if a.get("hostname") == "ist-unknown-0"]
    if not unknown:
        sys.exit("setup: the seeded asset ist-unknown-0 is not in /api/data?site=istanbul")
    api.expect((200,), "PUT", f"/api/assets/{unknown[0]['id']}/tag",
               body={"category": "iot", "note": "tagged by the schemathesis seed"}, **adm)
    return token


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    base, admin_user, admin_password, viewer_password, out = sys.argv[1:]
    api = Api(base)
    admin_cookie, admin_csrf = login(api, admin_user, admin_password)
    api.expect((201,), "POST", "/api/users", cookie=admin_cookie, csrf=admin_csrf,
               body={"username": "viewer", "password": viewer_password, "role": "viewer"})
    viewer_cookie, viewer_csrf = login(api, "viewer", viewer_password)
    agent_token = seed(api, admin_cookie, admin_csrf)
    with open(out, "w") as f:
        for key, value in (("ADMIN_COOKIE", admin_cookie), ("ADMIN_CSRF", admin_csrf),
                           ("VIEWER_COOKIE", viewer_cookie), ("VIEWER_CSRF", viewer_csrf),
                           ("AGENT_TOKEN", agent_token)):
            f.write(f"{key}={shlex.quote(value)}\n")


if __name__ == "__main__":
    main()
