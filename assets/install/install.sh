#!/bin/sh
# bigr site agent: the one-line install, served by a bigr server (GET /api/install.sh) with its
# release key written in below. Run as root on the new machine:
#
#   curl -fsSL https://SERVER/api/install.sh \
#     | sudo BIGR_ENROLL_TOKEN='bigr_enroll_…' sh -s -- --server https://SERVER --site SITE
#
# What it does, in order; any failed check stops it before anything is installed:
#   1. fetches the signed manifest of the release for this platform with the one-time
#      enrollment token (the server checks the token; registration later spends it);
#   2. verifies the manifest's Ed25519 signature with openssl against RELEASE_KEY below, never
#      against a key the server sends, and reads version, platform, size and SHA-256 only from
#      the signed bytes;
#   3. downloads the binary and checks its size and SHA-256 against the manifest;
#   4. runs the binary's own self-check (bigr version --check);
#   5. installs it as PREFIX/bigr, creates the unprivileged system user 'bigr' and its home;
#   6. registers the agent with the enrollment token (passed on stdin, never on a command line);
#   7. writes the systemd unit (CAP_NET_RAW and CAP_NET_ADMIN only) and starts it.
# Needs: curl, openssl (1.1.1 or newer), sha256sum, base64, useradd, runuser.
set -eu

RELEASE_KEY_ID='@RELEASE_KEY_ID@'
RELEASE_KEY='@RELEASE_KEY_PEM@'
MANIFEST_FORMAT='bigr-install-manifest v1'
SIGNED_CONTEXT='bigr release manifest v1'

server=""
site=""
name=""
token="${BIGR_ENROLL_TOKEN:-}"
prefix=/usr/local/bin
home=/var/lib/bigr
user=bigr
start=yes

installed=no
say() { printf 'bigr install: %s\n' "$*" >&2; }
die() {
    say "$*"
    [ "$installed" = yes ] || say "nothing was installed"
    exit 1
}

usage() {
    cat <<'EOF'
usage: install.sh --server URL [--site SITE] [--name NAME] [--token-file FILE]
                  [--prefix DIR] [--home DIR] [--no-start]
  --server URL       the bigr server (https://…; plain http only to this machine)
  --site SITE        the site the enrollment token is for
  --name NAME        this agent's name on the dashboard [default: the host name]
  --token-file FILE  a file holding the enrollment token [default: $BIGR_ENROLL_TOKEN]
  --prefix DIR       where the bigr binary goes [default: /usr/local/bin]
  --home DIR         the agent's home [default: /var/lib/bigr]
  --no-start         install and register, but do not enable or start the unit
EOF
}

# An option's value, or a clear error when it is missing.
value() {
    if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (--help)"; fi
    printf '%s' "$2"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --server) server=$(value "$@"); shift 2 ;;
        --site) site=$(value "$@"); shift 2 ;;
        --name) name=$(value "$@"); shift 2 ;;
        --token-file)
            file=$(value "$@")
            [ -r "$file" ] || die "cannot read $file"
            token=$(head -n 1 "$file")
            shift 2
            ;;
        --prefix) prefix=$(value "$@"); shift 2 ;;
        --home) home=$(value "$@"); shift 2 ;;
        --no-start) start=no; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option $1 (--help)" ;;
    esac
done

[ -n "$server" ] || die "--server URL is required (--help)"
[ -n "$token" ] || die "no enrollment token: set BIGR_ENROLL_TOKEN or give --token-file"
# Kept in this shell only: no child process sees it in its environment or arguments.
unset BIGR_ENROLL_TOKEN
server=${server%/}
case "$server" in
    https://*) ;;
    http://127.0.0.1:* | http://localhost:* | http://\[::1\]:*) ;;
    *) die "--server must be an https:// URL (plain http only to this machine)" ;;
esac
case "$token" in
    *[!A-Za-z0-9_]*) die "the enrollment token has characters no token has" ;;
esac
[ "$(uname -s)" = Linux ] || die "this installer is for Linux"
[ "$(id -u)" -eq 0 ] || die "run as root (… | sudo sh -s -- …)"
for tool in curl openssl sha256sum base64 useradd runuser; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed and not installed"
done
[ -n "$name" ] || name=$(hostname 2>/dev/null || uname -n)
target="$(uname -m)-linux"

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# The token goes to curl in a header file, not on its command line.
printf 'Authorization: Bearer %s\n' "$token" >"$work/auth"

# GET $1 into $2; on anything but 200 the server's own words are shown.
fetch() {
    code=$(curl -sS --proto '=https,http' --max-time 900 --retry 2 -H "@$work/auth" \
        -o "$2" -w '%{http_code}' "$server$1") || die "cannot reach $server"
    [ "$code" = 200 ] || die "$server$1 answered HTTP $code: $(head -c 300 "$2")"
}

say "fetching the signed release for $target from $server"
fetch "/api/install/manifest?target=$target" "$work/manifest"
[ "$(head -n 1 "$work/manifest")" = "$MANIFEST_FORMAT" ] || die "the server's manifest is not in a format this script reads"
line() { sed -n "s/^$1 //p" "$work/manifest" | head -n 1; }
release=$(line release)
key_id=$(line key_id)
[ "$key_id" = "$RELEASE_KEY_ID" ] || die "the release is signed by key '$key_id', not this server's key $RELEASE_KEY_ID"
line signature | base64 -d >"$work/signature" 2>/dev/null || die "the signature is not base64"
line message | base64 -d >"$work/message" 2>/dev/null || die "the signed manifest is not base64"
printf '%s\n' "$RELEASE_KEY" >"$work/key.pem"
openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in "$work/message" \
    -sigfile "$work/signature" >/dev/null 2>&1 || die "the release's signature does not verify"

# From here on, every claim comes from the verified bytes: the context line, then the
# manifest as one line of compact JSON.
[ "$(head -n 1 "$work/message")" = "$SIGNED_CONTEXT" ] || die "the signed bytes are not a bigr manifest"
manifest=$(sed -n 2p "$work/message")
claim() {
    printf '%s' "$manifest" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"
}
version=$(claim version)
signed_target=$(claim target)
size=$(claim size)
sha256=$(claim sha256)
[ "$signed_target" = "$target" ] || die "the release is for $signed_target, this machine is $target"
case "$size" in '' | *[!0-9]*) die "the manifest's size is not a number" ;; esac
case "$sha256" in *[!0-9a-f]* | '') die "the manifest's SHA-256 is not hex" ;; esac
case "$release" in *[!0-9a-f-]* | '') die "the release id is not a UUID" ;; esac

say "downloading bigr $version ($size bytes)"
fetch "/api/install/releases/$release" "$work/bigr"
got=$(wc -c <"$work/bigr" | tr -d ' ')
[ "$got" = "$size" ] || die "the download is $got bytes, the signed manifest says $size"
printf '%s  %s\n' "$sha256" "$work/bigr" | sha256sum -c --status - || die "the download's SHA-256 is not the signed one"

# The new binary is placed beside its final name (the temporary folder may be noexec), checks
# itself, and only then takes the name in one rename.
mkdir -p "$prefix" || die "cannot create $prefix"
staged="$prefix/.bigr.install.$$"
install -m 0755 "$work/bigr" "$staged" || die "cannot write $staged"
if ! "$staged" version --check >"$work/check" 2>&1; then
    rm -f "$staged"
    die "bigr $version failed its self-check: $(head -c 300 "$work/check")"
fi
mv -f "$staged" "$prefix/bigr" || die "cannot replace $prefix/bigr"
installed=yes
say "installed $prefix/bigr ($version)"

if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --home-dir "$home" --no-create-home --shell /usr/sbin/nologin \
        --user-group "$user"
    say "created the system user $user"
fi
install -d -o "$user" -g "$user" -m 0700 "$home"

if [ -f "$home/agent.yaml" ]; then
    say "$home/agent.yaml exists: this machine is registered already, keeping it"
else
    printf '%s\n' "$token" | runuser -u "$user" -- "$prefix/bigr" --home "$home" agent register \
        --api-url "$server" --name "$name" --site "$site" --enroll-token-file - \
        || die "registration failed; $prefix/bigr stays installed: run the script again with a new token"
fi

unit=/etc/systemd/system/bigr-agent.service
mkdir -p /etc/systemd/system
"$prefix/bigr" agent install --systemd --user "$user" --agent-home "$home" \
    --exe "$prefix/bigr" --output "$unit" 2>"$work/unit.log" \
    || die "cannot write the unit: $(head -c 300 "$work/unit.log")"
chmod 0644 "$unit"
if [ "$start" = yes ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable --now bigr-agent.service
    say "the agent runs: systemctl status bigr-agent"
else
    say "unit written to $unit; start it with: systemctl enable --now bigr-agent"
fi
