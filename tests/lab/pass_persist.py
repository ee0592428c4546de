"""snmpd's pass_persist protocol for the lab's MIB stand-ins: answers PING, get and getnext
from a sorted list of (oid tuple, (type, value)) rows; sets are refused."""
import sys
import time


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


def serve(build_rows, max_age=1.0):
    """Answers snmpd until it closes the pipe from `build_rows()`, the current sorted rows,
    built again when they are older than `max_age` seconds (a walk asks for every row)."""
    cache = {"at": -max_age - 1.0, "rows": []}

    def rows():
        if time.monotonic() - cache["at"] > max_age:
            cache["rows"] = build_rows()
            cache["at"] = time.monotonic()
        return cache["rows"]

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
