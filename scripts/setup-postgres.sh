#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the store tests and the publish benchmark (never a system service).
#
#   setup-postgres.sh install       install Debian's postgresql-15 if its binaries are missing
#   setup-postgres.sh start DIR     initdb a fresh cluster in DIR/data, start it on a free loopback
#                                   port (unix socket in DIR too), create role + database
#                                   "pavedroad" with a random password; prints the URL last:
#                                   postgresql://pavedroad:PASSWORD@127.0.0.1:PORT/pavedroad
#   setup-postgres.sh stop DIR      stop that server and remove DIR
#
# PostgreSQL refuses to run as root. As root, the cluster is created and run as the `postgres`
# user that the Debian package creates (`runuser -u postgres`), and DIR is handed to that user; DIR
# must be reachable by it (e.g. under /tmp, not under a 0700 home). As any other user, it runs as
# that user. Connections: local socket trusted for the superuser, TCP needs a password
# (scram-sha-256), so a wrong password is refused as in production.
#
# Environment: PGBIN (default /usr/lib/postgresql/15/bin), SKIP_APT=1 (never call apt-get).
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
log() { printf '[setup-postgres] %s\n' "$*" >&2; }

install_step() {
  if [ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ]; then
    log "postgresql-15: present ($PGBIN)"
    return
  fi
  if [ "${SKIP_APT:-0}" = 1 ]; then
    log "postgresql-15 missing and SKIP_APT=1: not installing"
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else log "need root to install postgresql-15"; return 1; fi
  fi
  log "installing postgresql-15"
  "${sudo[@]}" apt-get update -qq
  # policy-rc.d 101: do not start the packaged cluster as a service; we run our own
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 "${sudo[@]}" apt-get install -y -qq postgresql-15 >/dev/null
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_step() {
  local dir="$1"
  install_step
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  local pw port
  pw="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  as_pg sh -c "umask 077; printf '%s\n' '$pw' > '$dir/pw'"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$dir/pw" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=60" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE pavedroad LOGIN CREATEDB PASSWORD '$pw'" -c "CREATE DATABASE pavedroad OWNER pavedroad" >/dev/null
  echo "$port" | as_pg tee "$dir/port" >/dev/null
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $dir/data)"
  echo "postgresql://pavedroad:$pw@127.0.0.1:$port/pavedroad"
}

stop_step() {
  local dir="$1"
  if [ -d "$dir/data" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install_step ;;
  start) [ $# -ge 2 ] || { log "usage: $0 start DIR"; exit 2; }; start_step "$2" ;;
  stop) [ $# -ge 2 ] || { log "usage: $0 stop DIR"; exit 2; }; stop_step "$2" ;;
  *) log "usage: $0 install | start DIR | stop DIR"; exit 2 ;;
esac
