#!/usr/bin/env python3
"""Regenerates registry.txt, bigr's embedded copy of the IEEE MAC address registries.

Usage: update.py DIR   where DIR holds the IEEE CSV exports oui.csv (MA-L), mam.csv or
oui28.csv (MA-M), oas.csv or oui36.csv (MA-S), cid.csv and iab.csv, as published at
https://standards-oui.ieee.org/ (columns: Registry, Assignment, Organization Name, ...).

registry.txt keeps each organisation name once: a header line, the names (one per line),
a line "%%", then "PREFIX<TAB>NAME_INDEX" lines sorted by prefix (6, 7 or 9 hex digits).
"""
import csv, os, sys

def main(src):
    files = [("oui.csv",), ("mam.csv", "oui28.csv"), ("oas.csv", "oui36.csv"), ("cid.csv",), ("iab.csv",)]
    entries = {}
    for names in files:
        path = next((os.path.join(src, n) for n in names if os.path.exists(os.path.join(src, n))), None)
        if path is None:
            sys.exit(f"missing one of {names} in {src}")
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                prefix = row["Assignment"].strip().upper()
                org = " ".join(row["Organization Name"].split())
                if prefix and org and len(prefix) in (6, 7, 9):
                    # MA-L wins over CID/IAB for the same 24-bit prefix (first file first).
                    entries.setdefault(prefix, org)
    names = sorted(set(entries.values()))
    index = {n: i for i, n in enumerate(names)}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "registry.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# IEEE MA-L/MA-M/MA-S/CID/IAB registry: {len(entries)} prefixes, {len(names)} organisations\n")
        for n in names:
            f.write(n + "\n")
        f.write("%%\n")
        for prefix in sorted(entries):
            f.write(f"{prefix}\t{index[entries[prefix]]}\n")
    print(f"{out}: {len(entries)} prefixes, {len(names)} organisations")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
