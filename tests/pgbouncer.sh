#!/usr/bin/env bash
# Builds PgBouncer 1.24.1 into /var/tmp/pgbouncer-1.24 (once; kept across runs) for the
# PostgreSQL tests' pooled pass (tests/it/support/pooler.rs). Debian 12 ships 1.18, which
# cannot pool the named prepared statements sqlx uses in transaction mode; 1.21 and newer
# can (max_prepared_statements), as Neon's pooler does. The source is Debian 13's own
# upstream tarball from deb.debian.org, checked against the hash its Sources index gives.
# Needs gcc, make, pkg-config, libevent-dev and libssl-dev.
set -euo pipefail
prefix=/var/tmp/pgbouncer-1.24
if [ -x "$prefix/bin/pgbouncer" ]; then exit 0; fi
version=1.24.1
sha256=da72a3aba13072876d055a3e58dd4aba4a5de4ed6148e73033185245598fd3e0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball="$work/pgbouncer_$version.orig.tar.gz"
curl -fsS --retry 3 -m 300 -o "$tarball" \
  "http://deb.debian.org/debian/pool/main/p/pgbouncer/pgbouncer_$version.orig.tar.gz"
echo "$sha256  $tarball" | sha256sum -c --quiet
tar xzf "$tarball" -C "$work"
cd "$work/pgbouncer-$version"
./configure --prefix="$prefix" --without-cares --without-systemd --without-pam >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -50 "$work/make.log"; exit 1; }
make install >/dev/null
"$prefix/bin/pgbouncer" --version | head -1
