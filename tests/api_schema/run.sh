#!/usr/bin/env bash
# Schema-driven test of the JSON API: schemathesis generates requests from the OpenAPI
# document that a real `bigr serve` publishes (/api/openapi.json) and checks every answer
# against that same document. It runs against SQLite, then PostgreSQL when one is
# reachable, then that PostgreSQL through PgBouncer in transaction mode (as Neon's pooled
# endpoint; skipped with a note when no PgBouncer >= 1.21 is found, see tests/pgbouncer.sh).
# On each, after seeding a small inventory through the API (setup_server.py):
#   admin   every operation but login/logout, signed in as the admin
#   viewer  the same, signed in as a viewer (admin-only operations must refuse cleanly)
#   agent   the agent channel with a real agent token
#   probes  probes.py: no session, no CSRF token, a viewer's write, oversized body,
#           unknown site/query/id (answers schemathesis never provokes), one request each
#   positive  positive.py: real ids and valid bodies (an asset's page, a scan's findings,
#           users, an agent's whole life), each answer checked against its schema
#
#   tests/api_schema/run.sh [BIGR_BINARY] [--examples N]
#                           [--backend sqlite|postgres|pooled|both|all]
#                           [--seed N]
#
#   BIGR_BINARY   default /var/tmp/bigr-target/debug/bigr (not built here: no cargo)
#   --examples N  test cases per operation in the fuzzing and stateful phases
#                 (default 20: the whole script takes 3-4 minutes on 2 cores; use e.g.
#                 200 for a longer bench run)
#   --backend     which stores to test (default all; both is sqlite and postgres; postgres
#                 and pooled are skipped with a note when postgres://root@127.0.0.1/test
#                 does not answer, pooled also without PgBouncer: $BIGR_PGBOUNCER, else
#                 /var/tmp/pgbouncer-1.24/bin/pgbouncer)
#   --seed N      schemathesis seed, to replay a run exactly (each pass prints its seed)
#
# Checks (each one a failure): no 5xx (not_a_server_error; a 503 a route documents is
# fine), every status code documented for its operation (status_code_conformance), the
# documented content type (content_type_conformance) and body (response_schema_conformance).
#
# Exits 0 when every pass is clean, 1 on any failure, 2 on a usage or set-up error. Reports
# (NDJSON, JUnit), server logs and a grouped summary stay in the work folder it prints.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ST_VERSION=4.32.5                      # the version this suite was written and checked against
VENV=/var/tmp/bigr-schemathesis-venv
PG_ADMIN_URL=postgres://root@127.0.0.1 # trust auth, role root: see tests/run
ADMIN_USER=admin
ADMIN_PASSWORD=admin-password-1
VIEWER_PASSWORD=viewer-password-1

BIN=/var/tmp/bigr-target/debug/bigr
EXAMPLES=20
BACKENDS=all
PGBOUNCER="${BIGR_PGBOUNCER:-/var/tmp/pgbouncer-1.24/bin/pgbouncer}"
SEED=()
while (($#)); do
    case "$1" in
        --examples) EXAMPLES="${2:?--examples needs a number}"; shift 2 ;;
        --backend) BACKENDS="${2:?--backend needs sqlite, postgres, pooled, both or all}"; shift 2 ;;
        --seed) SEED=(--seed "${2:?--seed needs a number}"); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) BIN="$1"; shift ;;
    esac
done
case "$BACKENDS" in sqlite|postgres|pooled|both|all) ;; *) echo "run.sh: --backend sqlite|postgres|pooled|both|all" >&2; exit 2 ;; esac
[[ "$EXAMPLES" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --examples needs a positive number" >&2; exit 2; }

log() { printf '[api_schema %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
started=$SECONDS

# --- schemathesis, pinned, in its own venv (reused between runs) ----------------------
if ! "$VENV/bin/st" --version 2>/dev/null | grep -qx "st, version $ST_VERSION"; then
    log "installing schemathesis $ST_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

# --- work folder and cleanup ------------------------------------------------------------
WORK="$(mktemp -d /var/tmp/bigr-api-schema.XXXXXX)"
PIDS=()
CREATED_DBS=()
POOLER_DIR=""
cleanup() {
    local pid
    # Only the servers this script started, by their pid.
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    local db
    for db in "${CREATED_DBS[@]}"; do
        dropdb -h 127.0.0.1 -U root --if-exists --force "$db" 2>/dev/null \
            || dropdb -h 127.0.0.1 -U root --if-exists "$db" \
            || log "could not drop database $db"
    done
    # The homes hold the SQLite file and config, sessions.env the (now dead) sessions;
    # the reports and logs are kept.
    rm -rf "$WORK"/*/home "$WORK"/*/sessions.env "$WORK/bigr"
    if [[ -n "$POOLER_DIR" ]]; then
        cp "$POOLER_DIR/pgbouncer.log" "$WORK/pgbouncer.log" 2>/dev/null || true
        rm -rf "$POOLER_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a private copy of the binary: someone may rebuild it while this runs, and every
# pass must test the same build. A rebuild can leave the path missing for a moment.
for _ in $(seq 60); do
    [[ -x "$BIN" ]] && cp "$BIN" "$WORK/bigr" 2>/dev/null && "$WORK/bigr" version >/dev/null 2>&1 && break
    rm -f "$WORK/bigr"
    sleep 2
done
[[ -x "$WORK/bigr" ]] || { log "no working bigr binary at $BIN"; exit 2; }
log "binary: $BIN ($("$WORK/bigr" version | head -1)); work folder: $WORK"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME [--database-url URL]: starts `bigr serve` on a free loopback port with
# a fresh home and a clean environment (no BIGR_*/DATABASE_URL of the caller leaks in),
# waits until /api/health answers 200, and sets BASE.
# A release key (any 32 bytes): the install script is served, release uploads are checked.
RELEASE_KEY="bigr-ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

start_server() {
    local name="$1"; shift
    local home="$WORK/$name/home" port pid
    mkdir -p "$home"
    port="$(free_port)"
    env -i PATH="$PATH" HOME="$home" \
        BIGR_ADMIN_USER="$ADMIN_USER" BIGR_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        BIGR_RELEASE_PUBLIC_KEY="$RELEASE_KEY" \
        "$WORK/bigr" --home "$home" serve --host 127.0.0.1 --port "$port" "$@" \
        >"$WORK/$name/server.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    BASE="http://127.0.0.1:$port"
    for _ in $(seq 120); do
        if curl -fsS -o /dev/null "$BASE/api/health" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    log "$name: the server did not become healthy; its log:"
    tail -20 "$WORK/$name/server.log" >&2
    exit 2
}

# session_alive COOKIE: whether the session still works (a pass must not lose it midway,
# or everything after that point would only have tested the 401 answer).
session_alive() {
    [[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: bigr_session=$1" "$BASE/api/auth/me")" == 200 ]]
}

FAILED=0
REPORTS=()

# run_pass NAME ROLE: one bounded schemathesis run as one user (admin, viewer) or as the
# seeding agent (agent).
run_pass() {
    local name="$1" role="$2" dir="$WORK/reports/$1-$2" rc=0 cookie="" csrf=""
    local -a scope
    case "$role" in
        admin) cookie="$ADMIN_COOKIE"; csrf="$ADMIN_CSRF" ;;
        viewer) cookie="$VIEWER_COOKIE"; csrf="$VIEWER_CSRF" ;;
    esac
    if [[ "$role" == agent ]]; then
        # Only the agent channel, with a real agent token. Left out: rotate-token (it would
        # replace the token and leave the rest of the pass a row of 401s) and register (it
        # takes no token; the dashboard passes cover it).
        scope=(--include-tag "agent channel"
               --exclude-operation-id rotate_own_token --exclude-operation-id register
               -H "Authorization: Bearer $AGENT_TOKEN")
    else
        # Everything but login and logout. Logout would end the pass's session, and
        # generated logins would run into the login throttle (5 failures per account, 20
        # per address in 15 minutes) and lock the next run out. The agent channel is in:
        # no agent token is sent, so it must answer a clean 401. User deletion is in too,
        # kept off the run's own users by hooks.py.
        scope=(--exclude-operation-id login --exclude-operation-id logout)
    fi
    mkdir -p "$dir"
    log "$name: schemathesis as $role ($EXAMPLES examples per operation)"
    # Run from the report folder: schemathesis keeps .hypothesis/.schemathesis in the cwd.
    (
        cd "$dir"
        # The hook keeps PUT/DELETE /api/users/{username} off the run's own users
        # (see hooks.py); the variables feed the headers in schemathesis.toml.
        export SCHEMATHESIS_HOOKS="$HERE/hooks.py" BIGR_ST_PROTECTED_USERS="$ADMIN_USER,viewer"
        export BIGR_ST_COOKIE="$cookie" BIGR_ST_CSRF="$csrf"
        # --continue-on-failure: without it a scenario stops at its first failure, and one
        # easy undocumented 400 would hide a 500 further on in the same operation.
        "$VENV/bin/st" --config-file "$HERE/schemathesis.toml" run "$BASE/api/openapi.json" \
            --url "$BASE" \
            "${scope[@]}" \
            --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
            --max-examples "$EXAMPLES" "${SEED[@]}" \
            --continue-on-failure \
            --request-timeout 30 \
            --generation-database none \
            --no-color \
            --report ndjson,junit --report-dir "$dir"
    ) >"$dir/schemathesis.log" 2>&1 || rc=$?
    # The closing summary of schemathesis; the full output is in the log.
    sed -n '/^=* SUMMARY =*$/,$p' "$dir/schemathesis.log" >&2
    REPORTS+=("$dir"/ndjson-*.ndjson)
    if ((rc != 0)); then
        log "$name/$role: schemathesis exited $rc (full output: $dir/schemathesis.log)"
        FAILED=1
    fi
    if [[ -n "$cookie" ]] && ! session_alive "$cookie"; then
        log "$name/$role: the $role session no longer works after the pass: results after that point are void"
        FAILED=1
    fi
}

# test_backend NAME [--database-url URL]
test_backend() {
    local name="$1"; shift
    start_server "$name" "$@"
    log "$name: server at $BASE; signing in and seeding"
    python3 "$HERE/setup_server.py" "$BASE" "$ADMIN_USER" "$ADMIN_PASSWORD" "$VIEWER_PASSWORD" \
        "$WORK/$name/sessions.env"
    # shellcheck disable=SC1091
    source "$WORK/$name/sessions.env"
    # Admin first, so the viewer then reads an inventory that the admin pass grew too.
    run_pass "$name" admin
    run_pass "$name" viewer
    run_pass "$name" agent
    # The answers schemathesis never provokes (no session, no CSRF token, bodies over
    # the limit, unknown sites and ids): one request each, checked against the document.
    log "$name: probes"
    python3 "$HERE/probes.py" "$BASE" "$WORK/$name/sessions.env" \
        | tee "$WORK/reports/$name-probes.txt" >&2 || FAILED=1
    # The success paths it seldom reaches (real ids, valid bodies, an agent's life), each
    # answer validated against its documented schema; jsonschema_rs comes with the venv.
    log "$name: positive paths"
    "$VENV/bin/python" "$HERE/positive.py" "$BASE" "$WORK/$name/sessions.env" \
        | tee "$WORK/reports/$name-positive.txt" >&2 || FAILED=1
    if grep -n 'panicked' "$WORK/$name/server.log" >&2; then
        log "$name: the server panicked (lines above; log $WORK/$name/server.log)"
        FAILED=1
    fi
}

# start_pgbouncer: PgBouncer (>= 1.21, in transaction mode) on a free port in front of
# 127.0.0.1:5432, run as nobody (it refuses root); sets POOLER_PORT. Fails when there is none.
start_pgbouncer() {
    local dir pid
    "$PGBOUNCER" --version 2>/dev/null | head -1 \
        | awk '{split($2, v, "."); exit !(v[1] > 1 || (v[1] == 1 && v[2] >= 21))}' || return 1
    # Its own folder: the work folder is private, and the pooler runs as nobody.
    dir="$(mktemp -d /var/tmp/bigr-pgbouncer.XXXXXX)"
    POOLER_DIR="$dir"
    chmod 777 "$dir"
    POOLER_PORT="$(free_port)"
    printf '"root" ""\n' >"$dir/users.txt"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOLER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
max_prepared_statements = 200
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
INI
    chmod 644 "$dir/users.txt" "$dir/pgbouncer.ini"
    if [[ "$(id -u)" == 0 ]]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$PGBOUNCER" "$dir/pgbouncer.ini" \
            >/dev/null 2>&1 &
    else
        "$PGBOUNCER" "$dir/pgbouncer.ini" >/dev/null 2>&1 &
    fi
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$POOLER_PORT") 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    log "pgbouncer did not start; its log:"
    tail -20 "$dir/pgbouncer.log" >&2 || true
    return 1
}

skip_note() {
    log "$1: skipped, $2"
    # tests/run lists it in its closing summary.
    if [[ -n "${BIGR_SKIP_LOG:-}" ]]; then
        printf 'API schema on %s\t%s\n' "$1" "$2" >> "$BIGR_SKIP_LOG"
    fi
}

new_database() {
    local db="bigr_schema_$RANDOM$RANDOM"
    createdb -h 127.0.0.1 -U root "$db"
    CREATED_DBS+=("$db")
    echo "$db"
}

if [[ "$BACKENDS" =~ ^(sqlite|both|all)$ ]]; then
    test_backend sqlite
fi
if [[ "$BACKENDS" =~ ^(postgres|pooled|both|all)$ ]]; then
    if ! psql "$PG_ADMIN_URL/test" -qtAc 'select 1' >/dev/null 2>&1; then
        [[ "$BACKENDS" =~ ^(postgres|pooled)$ ]] && { log "$PG_ADMIN_URL/test does not answer"; exit 2; }
        skip_note PostgreSQL "$PG_ADMIN_URL/test does not answer"
    else
        if [[ "$BACKENDS" != pooled ]]; then
            db="$(new_database)"
            test_backend postgres --database-url "$PG_ADMIN_URL/$db"
        fi
        if [[ "$BACKENDS" =~ ^(pooled|all)$ ]]; then
            if start_pgbouncer; then
                db="$(new_database)"
                test_backend pgbouncer --database-url "postgres://root@127.0.0.1:$POOLER_PORT/$db"
            elif [[ "$BACKENDS" == pooled ]]; then
                log "no PgBouncer >= 1.21 at $PGBOUNCER (tests/pgbouncer.sh builds one)"; exit 2
            else
                skip_note "PostgreSQL through PgBouncer" "no PgBouncer >= 1.21 at $PGBOUNCER"
            fi
        fi
    fi
fi

log "distinct failures over every pass:"
python3 "$HERE/summarize.py" "${REPORTS[@]}" | tee "$WORK/summary.txt" >&2 || FAILED=1
for f in "$WORK"/reports/*-probes.txt "$WORK"/reports/*-positive.txt; do
    if [[ -f "$f" ]]; then
        { printf '\n== %s\n' "$(basename "$f" .txt)"; cat "$f"; } >>"$WORK/summary.txt"
    fi
done
log "done in $((SECONDS - started)) s; reports, logs and summary in $WORK"
exit "$FAILED"
