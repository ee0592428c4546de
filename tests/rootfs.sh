#!/bin/sh
# A clean Debian root filesystem for the packaging tests (the .deb and the one-line install
# are run in a chroot of a copy of it, never on this machine). Made once with debootstrap from
# the machine's own Debian mirror and kept under /var/tmp; prints its path.
#
#   tests/rootfs.sh [DIR]      default DIR: /var/tmp/bigr-rootfs/bookworm
#
# minbase plus what an agent machine has: systemd (its units are verified against it),
# libpcap (the agent's one library), and curl, openssl and ca-certificates (the install
# script's tools). A root made with another list is made again.
set -eu
dir=${1:-/var/tmp/bigr-rootfs/bookworm}
include=systemd,libpcap0.8,curl,openssl,ca-certificates
if [ "$(cat "$dir/.complete" 2>/dev/null)" = "$include" ]; then
    echo "$dir"
    exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is needed (apt-get install debootstrap)" >&2; exit 1; }
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
# shellcheck disable=SC1091
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
rm -rf "$dir" "$dir.partial"
mkdir -p "$(dirname "$dir")"
debootstrap --variant=minbase --include="$include" \
    "$suite" "$dir.partial" "$mirror" >"$dir.log" 2>&1 || {
    echo "debootstrap failed; its log: $dir.log" >&2
    exit 1
}
mv "$dir.partial" "$dir"
echo "$include" >"$dir/.complete"
echo "$dir"
