#!/usr/bin/env bash
# LuxOS test PostgreSQL: PostgreSQL 17 + pgvector inside a Debian trixie chroot.
#
# Usage: scripts/pg-server.sh start|stop|status|url
#
#   start   Build the chroot once (about 30-60 s; reused afterwards), start the
#           server on 127.0.0.1:$LUXOS_PG_PORT if it is not running, make sure
#           the `vector` extension exists in `postgres` and `luxos_test`, and
#           print the connection URL as the last line of stdout.
#   stop    Fast shutdown (no error when it is not running).
#   status  Exit 0 if the server is up and accepting connections, 1 otherwise.
#   url     Print the connection URL.
#
# Needs root (debootstrap, chroot). Environment overrides:
#   LUXOS_PG_ROOT        chroot directory   (default $HOME/.cache/luxos/pg17-trixie)
#   LUXOS_PG_PORT        TCP port           (default 54329)
#   LUXOS_DEBIAN_MIRROR  Debian mirror URL  (default: the host's apt mirror, else
#                        http://deb.debian.org/debian)
#   LUXOS_PG_BUILD_LOG   build log file     (default $LUXOS_PG_ROOT.build.log)
set -euo pipefail

ROOT="${LUXOS_PG_ROOT:-${HOME:-/root}/.cache/luxos/pg17-trixie}"
ROOT="${ROOT%/}"
case "$ROOT" in "" | / | "$HOME" | /root | /tmp | /var | /usr) echo "pg-server: refusing LUXOS_PG_ROOT='$ROOT'" >&2; exit 2 ;; esac
PORT="${LUXOS_PG_PORT:-54329}"
BUILD_LOG="${LUXOS_PG_BUILD_LOG:-$ROOT.build.log}"
LOCK_FILE="$ROOT.lock"
SUITE=trixie
PG_VERSION=17
PACKAGES="postgresql-$PG_VERSION postgresql-$PG_VERSION-pgvector"
# Bump STAMP_CONTENT when the chroot recipe changes, to force a rebuild.
STAMP="$ROOT/.luxos-pg-build-complete"
STAMP_CONTENT="v1 $SUITE $PACKAGES"
PGBIN="/usr/lib/postgresql/$PG_VERSION/bin"
DATA_DIR="/var/lib/postgresql/$PG_VERSION/main"
CONF_FILE="/etc/postgresql/$PG_VERSION/main/postgresql.conf"
HBA_FILE="/etc/postgresql/$PG_VERSION/main/pg_hba.conf"
SERVER_LOG="/var/log/postgresql/luxos-pg$PG_VERSION.log" # inside the chroot
TEST_DB=luxos_test
URL="postgres://postgres@127.0.0.1:$PORT/$TEST_DB"
# Test-only server: durability is traded for speed.
SERVER_OPTS="-p $PORT -c listen_addresses=127.0.0.1 -k /tmp -c config_file=$CONF_FILE -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

log() { echo "pg-server: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Run a command inside the chroot with a clean environment.
in_chroot() {
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
}
as_postgres() { in_chroot runuser -u postgres -- "$@"; }

is_built() { [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP" 2>/dev/null)" == "$STAMP_CONTENT" ]]; }

# Accepting connections on our port? (uses the chroot's client, so the host needs no psql)
is_ready() {
  is_built || return 1
  in_chroot "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -t 2 >/dev/null 2>&1
}

# Is *our* postmaster (per its pid file) alive?
our_postmaster_pid() {
  local pidfile="$ROOT$DATA_DIR/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == postgres ]] || return 1
  echo "$pid"
}

# A pid file left by a killed server/container whose pid is now reused by
# something else would make postgres refuse to start: remove stale ones.
clear_stale_pidfiles() {
  local pidfile="$ROOT$DATA_DIR/postmaster.pid" f pid
  if [[ -f "$pidfile" ]] && ! our_postmaster_pid >/dev/null; then
    log "removing stale $pidfile"
    rm -f "$pidfile"
  fi
  for f in "$ROOT/tmp/.s.PGSQL.$PORT.lock"; do
    [[ -f "$f" ]] || continue
    pid="$(head -n1 "$f" 2>/dev/null || true)"
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" != postgres ]]; then
      rm -f "$f" "$ROOT/tmp/.s.PGSQL.$PORT"
    fi
  done
}

# ---------------------------------------------------------------- build ----

detect_mirror() {
  if [[ -n "${LUXOS_DEBIAN_MIRROR:-}" ]]; then echo "${LUXOS_DEBIAN_MIRROR%/}"; return; fi
  local m
  # deb822 sources first (URIs: ...), then one-line sources (deb URL suite ...);
  # take the first plain .../debian archive (not debian-security, not snapshot dates).
  m="$( { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -E 's/^[[:space:]]*URIs:[[:space:]]*//' | tr ' ' '\n'
          grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*//'
        } | grep -E '^https?://[^ ]*/debian/?$' | grep -v snapshot.debian.org | head -n1 || true)"
  echo "${m:-http://deb.debian.org/debian}" | sed 's:/*$::'
}

apt_host() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 "$@" </dev/null
}

ensure_debootstrap() {
  if command -v debootstrap >/dev/null 2>&1 || [[ -x /usr/sbin/debootstrap ]]; then return 0; fi
  log "installing debootstrap (apt-get; waits for the dpkg lock if apt is busy)"
  if ! apt_host install -y --no-install-recommends debootstrap >>"$BUILD_LOG" 2>&1; then
    apt_host update >>"$BUILD_LOG" 2>&1
    apt_host install -y --no-install-recommends debootstrap >>"$BUILD_LOG" 2>&1
  fi
}

# Unmount anything mounted below $ROOT (proc from apt, or proc/sys left by an
# interrupted debootstrap). Deepest first.
unmount_all() {
  [[ -d "$ROOT" ]] || return 0
  local mp
  # /proc/mounts escapes spaces etc.; our paths have none.
  awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mp; do
    umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
  done
}

# EXIT trap while building: always unmount; explain if the build did not finish.
build_cleanup() {
  local rc=$?
  unmount_all
  is_built && return 0
  [[ "$rc" != 0 ]] || rc=1
  {
    echo
    echo "pg-server: ---- last 40 lines of $BUILD_LOG ----"
    tail -n 40 "$BUILD_LOG" 2>/dev/null || true
    echo "pg-server: ----"
    echo "pg-server: ERROR: building the PostgreSQL $PG_VERSION chroot at $ROOT failed (exit $rc)."
    echo "pg-server: Full log: $BUILD_LOG"
    echo "pg-server: Check that the Debian mirror ($MIRROR) is reachable (override with LUXOS_DEBIAN_MIRROR=...),"
    echo "pg-server: that you are root and that there is ~1 GB free disk, then run '$0 start' again"
    echo "pg-server: (the half-built chroot is detected and rebuilt automatically)."
  } >&2
  exit "$rc"
}

build_chroot() {
  MIRROR="$(detect_mirror)"
  mkdir -p "$(dirname "$BUILD_LOG")"
  : >"$BUILD_LOG"
  trap build_cleanup EXIT

  if [[ -e "$ROOT" ]]; then
    log "removing incomplete/outdated chroot $ROOT"
    unmount_all
    if awk -v r="$ROOT/" 'index($2, r) == 1 { f=1 } END { exit !f }' /proc/mounts; then
      die "something is still mounted below $ROOT; unmount it and retry"
    fi
    rm -rf --one-file-system "$ROOT"
  fi

  ensure_debootstrap
  local t0=$SECONDS
  log "building $SUITE chroot with $PACKAGES at $ROOT (mirror $MIRROR; log: $BUILD_LOG) ..."
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >>"$BUILD_LOG" 2>&1
  log "  debootstrap done ($((SECONDS - t0)) s)"

  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  # Keep package postinst scripts from starting services.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"

  mount -t proc proc "$ROOT/proc"
  local t1=$SECONDS
  # shellcheck disable=SC2086
  in_chroot sh -c "apt-get -o Acquire::Retries=3 update && apt-get -o Acquire::Retries=3 install -y --no-install-recommends $PACKAGES && apt-get clean" \
    >>"$BUILD_LOG" 2>&1 </dev/null
  umount "$ROOT/proc"
  log "  apt-get install done ($((SECONDS - t1)) s)"

  [[ -x "$ROOT$PGBIN/postgres" ]] || { echo "postgres binary missing after install" >>"$BUILD_LOG"; false; }
  [[ -f "$ROOT/usr/share/postgresql/$PG_VERSION/extension/vector.control" ]] || { echo "vector.control missing after install" >>"$BUILD_LOG"; false; }
  [[ -f "$ROOT$DATA_DIR/PG_VERSION" ]] || { echo "cluster $DATA_DIR was not created by postinst" >>"$BUILD_LOG"; false; }

  echo "$STAMP_CONTENT" >"$STAMP"
  trap - EXIT
  log "chroot ready ($((SECONDS - t0)) s total)"
}

# ------------------------------------------------------------- commands ----

psql_in() { # psql_in DB SQL...
  local db="$1"; shift
  in_chroot env PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"
}

cmd_start() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (debootstrap/chroot)"
  mkdir -p "$(dirname "$ROOT")"
  # Serialize concurrent starts/builds.
  exec 9>"$LOCK_FILE"
  flock -w 1800 9 || die "timed out waiting for lock $LOCK_FILE"

  is_built || build_chroot

  # Host-connection trust line, once.
  if ! grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$ROOT$HBA_FILE"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$ROOT$HBA_FILE"
  fi

  if our_postmaster_pid >/dev/null && is_ready; then
    log "already running on 127.0.0.1:$PORT"
  else
    if ! our_postmaster_pid >/dev/null; then
      if in_chroot "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 >/dev/null 2>&1; then
        die "port $PORT is already used by another PostgreSQL server; set LUXOS_PG_PORT to a free port"
      fi
      clear_stale_pidfiles
      mkdir -p "$ROOT/run/postgresql" "$ROOT/var/log/postgresql"
      in_chroot chown postgres:postgres /run/postgresql /var/log/postgresql
      local t0
      t0=$(date +%s%N)
      # shellcheck disable=SC2086
      # 9>&- : the postmaster must not inherit the flock fd, or it would hold the lock forever.
      if ! as_postgres "$PGBIN/pg_ctl" -D "$DATA_DIR" -l "$SERVER_LOG" -w -t 60 -o "$SERVER_OPTS" start >/dev/null </dev/null 9>&-; then
        echo "pg-server: ---- last 30 lines of $ROOT$SERVER_LOG ----" >&2
        tail -n 30 "$ROOT$SERVER_LOG" >&2 || true
        die "PostgreSQL failed to start on 127.0.0.1:$PORT (is the port free? see $ROOT$SERVER_LOG). To rebuild from scratch: rm -rf $ROOT"
      fi
      log "started PostgreSQL $PG_VERSION on 127.0.0.1:$PORT in $((($(date +%s%N) - t0) / 1000000)) ms"
    fi
    local i
    for i in $(seq 1 60); do is_ready && break; sleep 0.5; done
    is_ready || die "server did not become ready; see $ROOT$SERVER_LOG"
  fi

  psql_in postgres -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
  if [[ "$(psql_in postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'")" != 1 ]]; then
    psql_in postgres -c "CREATE DATABASE $TEST_DB" >/dev/null
  fi
  psql_in "$TEST_DB" -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
  echo "$URL"
}

cmd_stop() {
  if ! is_built || ! our_postmaster_pid >/dev/null; then
    log "not running"
    return 0
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null
  log "stopped"
}

cmd_status() {
  if our_postmaster_pid >/dev/null && is_ready; then
    log "running: $URL"
    return 0
  fi
  log "not running"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "$URL" ;;
  *)
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
    ;;
esac
