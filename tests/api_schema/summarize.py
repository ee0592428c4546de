#!/usr/bin/env python3
"""Group the failures of one or more schemathesis NDJSON reports (stdlib only).

    summarize.py REPORT.ndjson [REPORT.ndjson ...]

Schemathesis prints every failing test case; the same fault shows up many times (once per
operation, per phase, per generated value). This folds them into distinct failures keyed by
(check, status code, the error text with the generated values blanked out) and prints, per
failure, the passes (backend-role) and operations it was seen on, and for each operation
its smallest reproduction as a curl line. Server errors (5xx) come first.

The curl lines use $BASE, $COOKIE and $CSRF (a session from POST /api/auth/login) and
$AGENT_TOKEN (a real agent token in the agent pass; any made-up one elsewhere, where the
generated token was random).
Exit status: 0 when there are no failures, 1 otherwise.
"""

import base64
import json
import re
import shlex
import sys
from collections import OrderedDict

# Headers worth keeping in a reproduction; the session ones are replaced by placeholders.
KEEP_HEADERS = {"content-type", "authorization", "accept"}
# Reproductions printed per failure; the other operations are only named.
MAX_REPROS = 6


def decode(body):
    if not body:
        return None
    raw = base64.b64decode(body["$base64"]) if "$base64" in body else body.get("string", "").encode()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def normalize(text, schema_message=False):
    """The error text with generated values blanked, so one fault is one group.

    The server quotes the offending value ('…' or `…`), and generated values contain quotes
    and backticks themselves, so an answer is reduced to the text before its first quote and
    after its last one: "invalid query parameter `x`: contains a NUL character" becomes
    ("invalid query parameter ", ": contains a NUL character").
    """
    text = text or ""
    try:  # answers are {"error": "..."}
        text = json.loads(text).get("error", text)
    except (ValueError, AttributeError):
        pass
    if not schema_message:
        quotes = [i for i, ch in enumerate(text) if ch in "'`"]
        if quotes:
            text = text[: quotes[0]] + "…" + text[quotes[-1] + 1 :]
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<uuid>", text)
    text = re.sub(r"-?\d+(\.\d+)?", "N", text)
    return text[:160]


def printable(text):
    """Text with control and other unprintable characters escaped, for a terminal."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\u{ord(ch):04x}" for ch in text)


def shell_word(word):
    """A shell word for `word`: single-quoted, or $'...' when it holds unprintable characters."""
    if all(ch.isprintable() for ch in word):
        return shlex.quote(word)
    out = []
    for ch in word:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "$'" + "".join(out) + "'"


def curl(request):
    parts = ["curl", "-sS", "-X", request["method"]]
    for name, values in (request.get("headers") or {}).items():
        low = name.lower()
        if low == "authorization" and "Filtered" in values[0]:
            parts += ["-H", "Authorization: Bearer $AGENT_TOKEN"]
        elif low == "cookie":
            parts += ["-H", "Cookie: bigr_session=$COOKIE"]
        elif low == "x-csrf-token":
            parts += ["-H", "X-CSRF-Token: $CSRF"]
        elif low in KEEP_HEADERS:
            parts += ["-H", f"{name}: {values[0]}"]
    body = decode(request.get("body"))
    if body is not None:
        # --data-binary would read a file for a body that starts with @.
        parts += ["--data-raw" if body.startswith("@") else "--data-binary", body]
    url = re.sub(r"^https?://[^/]+", "$BASE", request["uri"])
    # Keep $BASE/$COOKIE/$CSRF expandable: double-quote those words, single-quote the rest.
    out = []
    for p in parts:
        if any(v in p for v in ("$BASE", "$COOKIE", "$CSRF", "$AGENT_TOKEN")):
            out.append('"' + p.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"')
        else:
            out.append(shell_word(p))
    out.append('"' + url.replace('"', '%22').replace("`", "%60") + '"')
    return " ".join(out)


def failures(path):
    """Yield one dict per failed check of every case in an NDJSON report."""
    for line in open(path, encoding="utf-8"):
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished or finished.get("status") != "failure":
            continue
        rec = finished["recorder"]
        for case_id, checks in (rec.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                info = check["failure_info"]["failure"]
                inter = (rec.get("interactions") or {}).get(case_id)
                if not inter:
                    continue
                case = rec["cases"][case_id]["value"]
                response = inter.get("response") or {}
                yield {
                    "check": check["name"],
                    "code": info.get("code", ""),
                    "title": info.get("title", ""),
                    "message": info.get("message", ""),
                    "operation": f"{case['method']} {info['operation'].split(' ', 1)[1]}",
                    "status": response.get("status_code"),
                    "body": decode(response.get("content")) or "",
                    "phase": finished.get("phase"),
                    "request": inter["request"],
                }


def main():
    groups = OrderedDict()
    for path in sys.argv[1:]:
        label = path.rsplit("/", 2)[-2] if "/" in path else path
        for f in failures(path):
            schema = f["check"] == "response_schema_conformance"
            key = (f["status"] or 0, f["check"], normalize(f["message"] if schema else f["body"], schema))
            g = groups.setdefault(key, {"count": 0, "passes": set(), "phases": set(), "ops": {}})
            g["count"] += 1
            g["passes"].add(label)
            g["phases"].add(f["phase"])
            # Per operation, keep the smallest reproduction: the most readable one.
            best = g["ops"].get(f["operation"])
            if best is None or len(curl(f["request"])) < len(curl(best["request"])):
                g["ops"][f["operation"]] = f
    if not groups:
        print("no failures")
        return 0
    # Server errors first, then by check and status.
    order = sorted(groups.items(), key=lambda kv: (kv[0][0] < 500, kv[0][1], kv[0][0], kv[0][2]))
    print(f"{len(groups)} distinct failures "
          f"({sum(len(g['ops']) for g in groups.values())} operation/failure pairs)")
    for n, ((status, check, _), g) in enumerate(order, 1):
        ops = sorted(g["ops"], key=lambda o: (o.split(" ", 1)[1], o))
        first = g["ops"][ops[0]]
        print(f"\n[{n}] {check} ({first['code']} {first['title']}): HTTP {status} "
              f"on {len(ops)} operation(s)")
        print(f"    seen {g['count']}x in {', '.join(sorted(g['passes']))}; "
              f"phases {', '.join(sorted(g['phases']))}")
        if first["check"] == "response_schema_conformance" and first["message"]:
            print("    " + printable(first["message"].strip()).replace("\n", "\n    ")[:1500])
        print(f"    answer: {printable(first['body'][:300])}")
        for op in ops[:MAX_REPROS]:
            print(f"    {op}:\n      {curl(g['ops'][op]['request'])}")
        if len(ops) > MAX_REPROS:
            print(f"    and the same on: {', '.join(ops[MAX_REPROS:])}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
