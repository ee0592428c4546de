#!/usr/bin/env python3
"""The success paths schemathesis rarely reaches, each answer checked against the document.

    <venv>/bin/python positive.py BASE_URL SESSIONS_ENV

Schemathesis makes up ids, so it almost never gets a 2xx from operations that need an
existing object (GET /api/assets/{id}, the findings of a shield scan, an agent's rotate),
and the server is stricter than the schema on some bodies (a user's password length, a
subnet's CIDR), so it seldom creates one either; the agent channel is mostly rate limited.
This walks those paths once with real ids and valid bodies, and checks each answer: the
status code is the one expected, the operation documents it, and the body matches the
documented schema (JSON Schema 2020-12 with formats, via jsonschema_rs, which ships with
schemathesis; hence the venv's python).

Exit status 0 when every answer is as expected, 1 otherwise.
"""

import datetime as dt
import json
import os
import sys
import time
import uuid
from urllib.parse import quote

import jsonschema_rs

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probes import load_env  # noqa: E402
from setup_server import Api, iso, istanbul_assets, scan_report  # noqa: E402


def looks_like(media_type, raw):
    """Whether a file answer's bytes are what its documented media type says."""
    if "html" in media_type:
        return raw.lstrip().startswith(b"<!DOCTYPE html>")
    if media_type == "application/pdf":
        return raw.startswith(b"%PDF-")
    if media_type == "text/x-shellscript":
        return raw.startswith(b"#!/bin/sh\n")
    if media_type.startswith("text/"):
        try:
            raw.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False
    return media_type == "application/octet-stream"

class Walk:
    def __init__(self, base, doc):
        self.api = Api(base)
        self.doc = doc
        self.bad = []
        self.count = 0

    def call(self, method, template, want, params=None, query="", body=None, **auth):
        path = template
        for key, value in (params or {}).items():
            path = path.replace("{" + key + "}", quote(str(value), safe=""))
        path += ("?" + query) if query else ""
        status, _, raw = self.api.call(method, path, body=body, **auth)
        self.count += 1
        label = f"{method} {template}"
        op = self.doc["paths"].get(template, {}).get(method.lower())
        problems = []
        if op is None:
            problems.append("operation not in the document")
        elif str(status) not in op["responses"]:
            problems.append(f"status {status} undocumented (documented: {', '.join(sorted(op['responses']))})")
        if want is not None and status != want:
            problems.append(f"expected {want}")
        data = None
        documented = (op or {}).get("responses", {}).get(str(status), {}).get("content", {})
        if raw and documented and "application/json" not in documented:
            # A file answer (the compliance report, the install script): its documented
            # type, not JSON.
            if not any(looks_like(t, raw) for t in documented):
                problems.append(f"body is not one of {', '.join(documented)}")
            raw = b""
        if raw:
            try:
                data = json.loads(raw)
            except ValueError:
                problems.append("body is not JSON")
        if op is not None and str(status) in op["responses"] and data is not None:
            schema = (op["responses"][str(status)].get("content", {})
                      .get("application/json", {}).get("schema"))
            if schema is None:
                problems.append("a body where the document has none")
            else:
                root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                        "components": self.doc["components"], "allOf": [schema]}
                errors = list(jsonschema_rs.Draft202012Validator(root, validate_formats=True).iter_errors(data))
                problems += ["schema: " + str(e).split("\n\n")[0] + f" at {list(e.instance_path)}" for e in errors[:5]]
        if problems:
            self.bad.append((label, status, path, body, "; ".join(problems), raw[:300]))
        return data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, env_file = sys.argv[1:]
    env = load_env(env_file)
    admin = {"cookie": env["ADMIN_COOKIE"], "csrf": env["ADMIN_CSRF"]}
    viewer = {"cookie": env["VIEWER_COOKIE"]}
    w = Walk(base, json.loads(Api(base).call("GET", "/api/openapi.json")[2]))

    # Every GET on the seeded site: lists with real objects in them. As the admin they must
    # all answer 200; as the viewer, whatever is documented (some lists are admin-only).
    for template, ops in w.doc["paths"].items():
        op = ops.get("get")
        # The agent channel's GETs take an agent's token, not a session: walked below.
        agent_only = op and any("agent_token" in sec for sec in op.get("security", []))
        if op and "{" not in template and not agent_only:
            site = any(p["name"] == "site" for p in op.get("parameters", []))
            w.call("GET", template, 200, query="site=istanbul" if site else "", **admin)
            w.call("GET", template, None, query="site=istanbul" if site else "", **viewer)
    w.call("GET", "/api/vulnerabilities", 200, query="kev=true", **viewer)
    w.call("GET", "/api/certificates", 200, query="expiring_days=30&self_signed=true", **viewer)

    # Each seeded asset's page, and each shield scan's findings.
    inv = w.call("GET", "/api/data", 200, query="per_page=100", **viewer) or {"items": []}
    for a in inv["items"]:
        w.call("GET", "/api/assets/{id}", 200, params={"id": a["id"]}, **viewer)
    scans = w.call("GET", "/api/shield/scans", 200, **viewer) or {"items": []}
    for s in scans["items"]:
        w.call("GET", "/api/shield/scans/{id}/findings", 200, params={"id": s["id"]}, **viewer)
        w.call("GET", "/api/shield/scans/{id}", 200, params={"id": s["id"]}, **viewer)
    w.call("GET", "/api/shield/findings", 200, query="status=open&severity=medium&module=ports", **viewer)

    # Tags, users, subnets and switches: create, change, remove.
    if inv["items"]:
        aid = {"id": inv["items"][0]["id"]}
        w.call("PUT", "/api/assets/{id}/tag", 200, params=aid, body={"category": "tasinabilir", "note": "st"}, **admin)
        w.call("DELETE", "/api/assets/{id}/tag", 200, params=aid, **admin)
    user = {"username": "st-positive"}
    w.call("POST", "/api/users", 201, body={"username": "st-positive", "password": "st-positive-password-1",
                                           "role": "viewer"}, **admin)
    w.call("PUT", "/api/users/{username}", 200, params=user, body={"role": "admin"}, **admin)
    w.call("PUT", "/api/users/{username}", 200, params=user, body={"password": "st-positive-password-2"}, **admin)
    w.call("DELETE", "/api/users/{username}", 204, params=user, **admin)
    w.call("POST", "/api/subnets", 201, body={"cidr": "10.3.0.0/24", "label": "st", "site": "st-positive",
                                             "vlan_id": 3}, **admin)
    w.call("DELETE", "/api/subnets", 204, query="cidr=10.3.0.0/24&site=st-positive", **admin)
    w.call("POST", "/api/switches", 201, body={"host": "st-positive-sw", "community": "c", "site": "st-positive",
                                              "snmp_version": "1"}, **admin)
    w.call("DELETE", "/api/switches", 204, query="host=st-positive-sw&site=st-positive", **admin)
    # An SNMPv3 router (pass phrases accepted, never returned), the layer-2 graph with it and a
    # VLAN filter, and a candidate nobody heard (refused).
    w.call("POST", "/api/switches", 201, body={
        "host": "st-positive-rt", "site": "st-positive", "snmp_version": "3", "role": "router",
        "usm": {"user": "st", "auth": "sha256", "auth_pass": "st-auth-pass", "privacy": "aes128",
                "priv_pass": "st-priv-pass", "context": ""}}, **admin)
    w.call("GET", "/api/topology/layer2", 200, query="site=st-positive&vlan=20", **viewer)
    w.call("POST", "/api/switches/candidates", 404, body={
        "site": "st-positive", "address": "10.9.9.9", "heard_by": "st-positive-rt"}, **admin)
    w.call("DELETE", "/api/switches", 204, query="host=st-positive-rt&site=st-positive", **admin)
    w.call("GET", "/api/data", 200, query="vlan=20", **viewer)

    # A site's configuration: read, saved, refused by field; the audit log shows the change.
    site = {"site": "istanbul"}
    w.call("GET", "/api/sites/{site}/config", None, params=site, **viewer)
    w.call("PUT", "/api/sites/{site}/config", 200, params=site, body={
        "targets": ["10.1.0.0/24"], "ports": "22,80", "interval_seconds": 600,
        "maintenance": {"start": "01:00", "end": "03:00", "days": ["sun"]}}, **admin)
    w.call("PUT", "/api/sites/{site}/config", 400, params=site, body={"interval_seconds": 5}, **admin)
    w.call("GET", "/api/sites/{site}/config", 200, params=site, **admin)
    w.call("GET", "/api/audit", 200, query="action=site.&per_page=10", **admin)

    # An agent's life: enrol, register, report, rotate, revoke, remove.
    enr = w.call("POST", "/api/agents/enrollments", 201, body={"site": "st-positive", "expires_hours": 1}, **admin)
    spare = w.call("POST", "/api/agents/enrollments", 201, body={}, **admin)
    w.call("GET", "/api/agents/enrollments", 200, **admin)
    if spare:
        w.call("DELETE", "/api/agents/enrollments/{id}", 204, params={"id": spare["id"]}, **admin)
    reg = enr and w.call("POST", "/api/agents/register", 201, body={
        "name": "st-positive-agent", "site": "st-positive", "enroll_token": enr["token"],
        "version": "st", "subnets": ["10.1.0.0/24"]})
    if reg:
        bearer = {"bearer": reg["token"]}
        now = dt.datetime.now(dt.timezone.utc)
        w.call("POST", "/api/agents/heartbeat", 200, body={
            "activity": "scanning", "heartbeat_seconds": 30, "queue_depth": 2, "last_error": "st",
            "last_scan_at": iso(now), "subnets": ["10.1.0.0/24"], "version": "st"}, **bearer)
        report = scan_report(now, istanbul_assets(True), [])
        w.call("POST", "/api/ingest/discovery", 201, body=report, **bearer)
        w.call("POST", "/api/ingest/discovery", 200, body=report, **bearer)  # the same report again
        shield = {"id": str(uuid.uuid4()), "target": "10.1.0.1", "preset": "standard",
                  "modules": ["ports"], "started_at": iso(now),
                  "findings": [{"check_id": "ports.telnet", "module": "ports", "severity": "high",
                                "title": "Telnet exposed", "target_ip": "10.1.0.1", "port": 23}],
                  "hosts": [{"ip": "10.1.0.1", "modules": ["ports"]}],
                  "not_assessed": [{"target": "10.1.0.2", "reason": "no open port answered"}]}
        w.call("POST", "/api/ingest/shield", 201, body=shield, **bearer)
        w.call("POST", "/api/ingest/shield", 200, body=shield, **bearer)
        # Its site's configuration, and a command followed to its end.
        w.call("GET", "/api/agents/config", 200, **bearer)
        cmd = w.call("POST", "/api/agents/{id}/commands", 201, params={"id": reg["agent_id"]},
                     body={"kind": "scan_now", "targets": ["10.1.0.0/24"], "ports": "22"}, **admin)
        if cmd:
            c = {"id": cmd["id"]}
            w.call("POST", "/api/agents/commands/{id}", 200, params=c, body={"state": "acked"}, **bearer)
            w.call("POST", "/api/agents/commands/{id}", 409, params=c, body={"state": "acked"}, **bearer)
            w.call("POST", "/api/agents/commands/{id}", 200, params=c, body={
                "state": "running", "progress": {"phase": "scanning", "hosts_found": 3, "percent": 50}}, **bearer)
            w.call("POST", "/api/agents/commands/{id}", 200, params=c, body={
                "state": "completed", "result": {"assets": 3, "changes": 0}}, **bearer)
            w.call("GET", "/api/commands/{id}", 200, params=c, **viewer)
            w.call("GET", "/api/agents/{id}/commands", 200, params={"id": reg["agent_id"]}, **viewer)
        w.call("POST", "/api/agents/rotate-token", 200, **bearer)
        agent = {"id": reg["agent_id"]}
        w.call("POST", "/api/agents/{id}/rotate", 200, params=agent, **admin)
        w.call("POST", "/api/agents/{id}/revoke", 200, params=agent, **admin)
        w.call("POST", "/api/agents/{id}/rotate", None, params=agent, **admin)  # revoked: only documented
        w.call("DELETE", "/api/agents/{id}", 204, params=agent, **admin)
        w.call("DELETE", "/api/agents/{id}", 404, params=agent, **admin)
    w.call("GET", "/api/agents", 200, **admin)
    w.call("GET", "/api/agents/versions", 200, **admin)
    w.call("GET", "/api/releases", 200, **admin)

    # Alerts: rules changed, a channel added, tested (loopback's discard port) and removed;
    # the alerts the reports above raised (the worker looks every 2 s), read and acknowledged.
    w.call("PUT", "/api/alerts/rules/{kind}", 200, params={"kind": "cert_expiring"},
           body={"params": {"days": 14}}, **admin)
    w.call("PUT", "/api/alerts/rules/{kind}", 200, params={"kind": "new_device"}, query="site=istanbul",
           body={"enabled": True, "severity": "high"}, **admin)
    ch = w.call("POST", "/api/alerts/channels", 201,
                body={"kind": "syslog", "name": "st", "address": "udp://127.0.0.1:9"}, **admin)
    if ch:
        c = {"id": ch["channel"]["id"]}
        w.call("PATCH", "/api/alerts/channels/{id}", 200, params=c,
               body={"schedule": {"digest": "daily", "daily_at": "09:00", "quiet_hours": "22:00-07:00",
                                  "timezone": "Europe/Istanbul", "urgent": "high"}}, **admin)
        w.call("POST", "/api/alerts/channels/{id}/test", 200, params=c, **admin)
        w.call("GET", "/api/alerts/deliveries", 200, query="channel=" + ch["channel"]["id"], **admin)
        w.call("DELETE", "/api/alerts/channels/{id}", 204, params=c, **admin)
    time.sleep(3)
    alerts = w.call("GET", "/api/alerts", 200, query="status=active", **viewer) or {"items": []}
    for a in alerts["items"][:3]:
        w.call("GET", "/api/alerts/{id}", 200, params={"id": a["id"]}, **viewer)
        w.call("POST", "/api/alerts/{id}/ack", 200, params={"id": a["id"]}, body={"note": "st"}, **admin)

    if not w.bad:
        print(f"positive: {w.count} answers, every one as expected")
        return 0
    print(f"positive: {len(w.bad)} of {w.count} answers not as expected")
    for label, status, path, body, why, raw in w.bad:
        print(f"  {label}: HTTP {status}: {why}")
        print(f"      {path} {json.dumps(body)[:200] if body is not None else ''}")
        print(f"      answer: {raw.decode('utf-8', 'replace')}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
