#!/usr/bin/env python3
"""Error paths schemathesis does not reach, checked against the OpenAPI document (stdlib only).

    probes.py BASE_URL SESSIONS_ENV

Schemathesis always sends the pass's session cookie and CSRF token and keeps bodies small,
so some answers every client can get are never generated. This sends one request per
operation and probe. Every answer must be a status code the operation documents; the
probes marked * must also be exactly the refusal named (a 2xx there would be a hole, and
any other code means something other than the refusal decided the answer):

  anonymous *    no session cookie (agent channel: no bearer token)       -> 401
                 (health, agent registration, install script: only documented)
  no-csrf *      admin session, a write without X-CSRF-Token              -> 403
  viewer-write * viewer session and CSRF token, a valid write             -> 403
  auth-order *   viewer session and CSRF token, a write with an invalid
                 body: the role is checked before the body               -> 403 (not 400)
  unknown-site   ?site=st-no-such-site on operations that take a site (admin)
  unknown-query  ?st_unknown=1 on every operation (admin)
  bad-id         a path id that is not a UUID (admin)
  big-body       a JSON body over the 64 KiB limit (admin)

Writes carry a valid sample body (SAMPLE_BODY) unless the probe is about the body, so the
answer is about what the probe targets. Ids are the zero UUID or not UUIDs and usernames
do not exist, so nothing existing is touched; a probe whose write the server accepts
(admin, unknown-query) may add a sample subnet, switch, enrollment or user.

Exit status 0 when every answer is as expected, 1 otherwise.
"""

import json
import shlex
import sys
import urllib.error
import urllib.request

ZERO = "00000000-0000-0000-0000-000000000000"
SKIP = {"login", "logout"}  # see run.sh: the throttle and the run's own session
# Valid values for required query parameters that match nothing.
SAMPLE_QUERY = {"cidr": "10.254.254.0/24", "host": "st-probe-switch"}
# A valid body per operation that takes one (default {}).
SAMPLE_BODY = {
    "enrollment_add": {"site": "st-probe-site", "expires_hours": 1},
    "subnet_add": {"cidr": "10.254.254.0/24", "site": "st-probe-site"},
    "switch_add": {"host": "st-probe-switch", "community": "public", "site": "st-probe-site"},
    "user_add": {"username": "st-probe-user", "password": "st-probe-password-1", "role": "viewer"},
    "user_change": {"role": "viewer"},
    "tag": {"category": "iot"},
    "register": {"name": "st-probe-agent", "enroll_token": "bigr_enr_st_probe_invalid"},
    "heartbeat": {"activity": "idle"},
}


def load_env(path):
    env = {}
    for line in open(path):
        key, _, value = line.strip().partition("=")
        env[key] = shlex.split(value)[0] if value else ""
    return env


class Prober:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.bad = []

    def send(self, method, path, cookie, csrf, body):
        headers = {}
        if cookie:
            headers["Cookie"] = f"bigr_session={cookie}"
        if csrf:
            headers["X-CSRF-Token"] = csrf
        if body is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def probe(self, name, op, method, path, documented, expected=None, cookie=None, csrf=None,
              body=None, who="COOKIE"):
        csrf = csrf if method != "GET" else None
        status, raw = self.send(method, path, cookie, csrf, body)
        allowed = expected if isinstance(expected, (set, frozenset)) else {expected}
        if str(status) in documented and (expected is None or status in allowed):
            return
        parts = ["curl", "-sS", "-X", method]
        if cookie:
            parts += ["-H", f'"Cookie: bigr_session=${who}"']
        if csrf:
            parts += ["-H", f'"X-CSRF-Token: ${who.replace("COOKIE", "CSRF")}"']
        if body is not None:
            parts += ["-H", shlex.quote("Content-Type: application/json"), "--data-binary",
                      shlex.quote(body.decode()) if len(body) < 300 else f"<{len(body)} bytes of JSON>"]
        why = []
        if str(status) not in documented:
            why.append(f"undocumented (documented: {', '.join(sorted(documented))})")
        if expected is not None and status not in allowed:
            why.append(f"expected {expected}")
        self.bad.append((name, op, status, "; ".join(why), raw[:200].decode("utf-8", "replace"),
                         " ".join(parts + [f'"$BASE{path}"'])))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, env_file = sys.argv[1:]
    env = load_env(env_file)
    admin, admin_csrf = env["ADMIN_COOKIE"], env["ADMIN_CSRF"]
    viewer, viewer_csrf = env["VIEWER_COOKIE"], env["VIEWER_CSRF"]
    with urllib.request.urlopen(base.rstrip("/") + "/api/openapi.json", timeout=30) as res:
        doc = json.load(res)
    p = Prober(base)
    as_admin = {"cookie": admin, "csrf": admin_csrf}
    for template, ops in doc["paths"].items():
        for method, op in ops.items():
            if op.get("operationId") in SKIP:
                continue
            m = method.upper()
            label = f"{m} {template}"
            documented = set(op.get("responses", {}))
            query = [q for q in op.get("parameters", []) if q["in"] == "query"]
            # Required query parameters get a valid value, so the probe reaches its target.
            required = [f"{q['name']}={SAMPLE_QUERY.get(q['name'], 'st-probe')}" for q in query if q.get("required")]

            def url(extra=(), pid=ZERO):
                path = template.replace("{id}", pid).replace("{username}", "st-probe-nobody")
                q = "&".join(list(required) + list(extra))
                return path + ("?" + q if q else "")

            body = None
            if "requestBody" in op:
                body = json.dumps(SAMPLE_BODY.get(op.get("operationId"), {})).encode()
            write = m != "GET"
            agent = "agent channel" in op.get("tags", [])
            # The health check, the agent registration and the install script take no
            # session by design.
            public = op.get("operationId") in ("health", "register", "install_script")
            p.probe("anonymous", label, m, url(), documented, expected=None if public else 401, body=body)
            if agent:
                continue
            if write:
                p.probe("no-csrf", label, m, url(), documented, expected=403, cookie=admin, body=body,
                        who="ADMIN_COOKIE")
                p.probe("viewer-write", label, m, url(), documented, expected=403, cookie=viewer,
                        csrf=viewer_csrf, body=body, who="VIEWER_COOKIE")
                if body is not None:
                    p.probe("auth-order", label, m, url(), documented, expected=403, cookie=viewer,
                            csrf=viewer_csrf, body=b'{"st_bogus": 1}', who="VIEWER_COOKIE")
            if any(q["name"] == "site" for q in query):
                p.probe("unknown-site", label, m, url(["site=st-no-such-site"]), documented, body=body,
                        who="ADMIN_COOKIE", **as_admin)
            p.probe("unknown-query", label, m, url(["st_unknown=1"]), documented, body=body,
                    who="ADMIN_COOKIE", **as_admin)
            if "{id}" in template:
                p.probe("bad-id", label, m, url(pid="not-a-uuid"), documented, body=body,
                        who="ADMIN_COOKIE", **as_admin)
            if body is not None:
                big = json.dumps({"st_padding": "x" * (80 << 10)}).encode()
                p.probe("big-body", label, m, url(), documented, body=big, who="ADMIN_COOKIE", **as_admin)
    if not p.bad:
        print("probes: every answer is as expected")
        return 0
    print(f"probes: {len(p.bad)} unexpected answers")
    for name, op, status, why, answer, line in sorted(p.bad, key=lambda b: (b[2] < 500, b[0], b[2], b[1])):
        print(f"  [{name}] {op}: HTTP {status}, {why}: {answer}")
        print(f"      {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
