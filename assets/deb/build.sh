#!/bin/sh
# Builds the site agent's Debian package from a bigr binary (normally the agent build:
# `cargo build --profile dist-agent --no-default-features`), with dpkg-deb alone:
#
#   assets/deb/build.sh BINARY OUT_DIR [VERSION]
#
# The package installs /usr/bin/bigr and the bigr-agent systemd unit (the one
# `bigr agent install --systemd` writes: unprivileged, CAP_NET_RAW/CAP_NET_ADMIN only); its
# maintainer scripts create the 'bigr' system user and /var/lib/bigr, restart a registered
# agent on upgrade, and remove both on purge. BIGR_DEB_COMPRESSION picks dpkg-deb's
# compressor (xz by default; the tests use none). Prints the package's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 BINARY OUT_DIR [VERSION]" >&2; exit 2; }
bin=$1
out=$2
version=${3:-$("$bin" version | awk '{print $2}')}
case "$version" in
    [0-9]*) ;;
    *) echo "$0: '$version' is not a Debian version" >&2; exit 2 ;;
esac
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

install -D -m 0755 "$bin" "$root/usr/bin/bigr"
mkdir -p "$root/lib/systemd/system"
"$bin" agent install --systemd --user bigr --agent-home /var/lib/bigr --exe /usr/bin/bigr \
    --output "$root/lib/systemd/system/bigr-agent.service" 2>/dev/null
chmod 0644 "$root/lib/systemd/system/bigr-agent.service"
install -D -m 0644 "$here/copyright" "$root/usr/share/doc/bigr-agent/copyright"

mkdir -p "$root/DEBIAN"
for script in postinst prerm postrm; do
    install -m 0755 "$here/$script" "$root/DEBIAN/$script"
done
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    "$here/control" >"$root/DEBIAN/control"

mkdir -p "$out"
deb="$out/bigr-agent_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${BIGR_DEB_COMPRESSION:-xz}" --build "$root" "$deb" >/dev/null
echo "$deb"
