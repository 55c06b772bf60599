#!/usr/bin/env bash
# Throwaway PostgreSQL + MariaDB + NATS (JetStream) instances for redb's integration tests.
#
#   scripts/test-servers.sh start [pg|mysql|nats ...]  # install if needed, start (idempotent), print URLs
#   scripts/test-servers.sh stop [pg|mysql|nats ...]   # stop them (idempotent)
#   scripts/test-servers.sh status   # report whether each is running
#   scripts/test-servers.sh env      # print URLs only:  eval "$(scripts/test-servers.sh env)"
#
# Without names, start and stop act on all three; `start nats` starts NATS alone, leaving the others
# as they are.
#
# The instances are private to this script: own data dirs, loopback only,
# non-default ports. Any system-wide service the Debian packages start is ignored.
# Only the `export VAR=...` lines go to stdout; all diagnostics go to stderr.
set -euo pipefail
# runuser and mariadbd live in sbin dirs, which minimal CI environments may leave off PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

PG_PORT="${REDB_TEST_PG_PORT:-54329}"
MY_PORT="${REDB_TEST_MYSQL_PORT:-33069}"
NATS_PORT="${REDB_TEST_NATS_PORT:-42229}"
BASE="${REDB_TEST_SERVERS_DIR:-${TMPDIR:-/tmp}/redb-test-servers}"
[[ "$BASE" = /* ]] || BASE="$PWD/$BASE"
# Run from / so that commands executed as the postgres user never start in an
# unreadable cwd (e.g. /root), which makes initdb/pg_ctl complain.
cd /
TIMEOUT="${REDB_TEST_SERVERS_TIMEOUT:-60}"   # seconds to wait for a server to accept TCP

PG_DIR="$BASE/pg";    PG_DATA="$PG_DIR/data";    PG_SOCK="$PG_DIR/sock";    PG_LOG="$PG_DIR/server.log"
MY_DIR="$BASE/mysql"; MY_DATA="$MY_DIR/data";    MY_SOCK="$MY_DIR/mysqld.sock"
MY_PID="$MY_DIR/mysqld.pid"; MY_LOG="$MY_DIR/server.log"; MY_BINLOG="$MY_DIR/binlog"
NATS_DIR="$BASE/nats"; NATS_STORE="$NATS_DIR/jetstream"; NATS_PID="$NATS_DIR/nats-server.pid"; NATS_LOG="$NATS_DIR/server.log"

log() { echo "[test-servers] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

print_env() {
  echo "export REDB_TEST_PG_URL=postgres://redb:redb@127.0.0.1:${PG_PORT}/postgres"
  echo "export REDB_TEST_MYSQL_URL=mysql://redb:redb@127.0.0.1:${MY_PORT}/mysql"
  echo "export REDB_TEST_NATS_URL=nats://127.0.0.1:${NATS_PORT}"
}

# ---------------------------------------------------------------- binaries

# Prefer Debian's versioned dir (highest version) so initdb/pg_ctl/postgres always
# match; a stray /usr/local/bin/pg_ctl from another install could otherwise win on PATH.
find_pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/postgres" ]]; then echo "$d"; fi
}

find_mariadbd() {
  command -v mariadbd 2>/dev/null || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; } || true
}

find_nats() {
  command -v nats-server 2>/dev/null || { [[ -x /usr/sbin/nats-server ]] && echo /usr/sbin/nats-server; } || true
}

APT_UPDATED=0
apt_install() {
  [[ "$(id -u)" -eq 0 ]] || die "need root to apt-get install $*"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" </dev/null >&2
}

ensure_nats_installed() {
  [[ -n "$(find_nats)" ]] || apt_install nats-server
  NATS_SERVER="$(find_nats)"; [[ -n "$NATS_SERVER" ]] || die "nats-server not found after install"
}

ensure_installed() {
  # The `postgresql` metapackage pulls the distro's supported major (15 on Debian 12).
  [[ -n "$(find_pg_bin)" ]] || apt_install postgresql
  [[ -n "$(find_mariadbd)" ]] && command -v mariadb-install-db >/dev/null && command -v mariadb >/dev/null \
    || apt_install mariadb-server mariadb-client
  PG_BIN="$(find_pg_bin)";  [[ -n "$PG_BIN" ]] || die "PostgreSQL binaries not found after install"
  MARIADBD="$(find_mariadbd)"; [[ -n "$MARIADBD" ]] || die "mariadbd not found after install"
}

# ------------------------------------------------------------------ helpers

# Poll "$@" until it succeeds. Fail (showing the server log) on timeout, or at once
# if the liveness check says the server process has died, e.g. port already in use.
wait_for() {
  local name="$1" logfile="$2" alive="$3"; shift 3
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! "$alive"; then
      log "$name did not accept connections (waited $((SECONDS + TIMEOUT - deadline))s); last lines of $logfile:"
      tail -n 40 "$logfile" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.3
  done
}

as_pg() { runuser -u postgres -- "$@"; }   # initdb/pg_ctl/postgres refuse to run as root

pg_running() { [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }
pg_ready()   { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
# Client calls use --no-defaults so /etc/mysql/*.cnf cannot redirect us to the system server.
my_admin()   { mariadb-admin --no-defaults --connect-timeout=2 --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot "$@"; }
my_running() { [[ -f "$MY_PID" ]] && kill -0 "$(cat "$MY_PID")" 2>/dev/null; }
# Ping our own socket first: a TCP ping alone could be answered by some other
# server that already holds the port while ours died on "address in use".
my_ready()   { mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot ping && my_admin ping; }
# While starting, the pid file may not exist yet, so also accept the pid we launched.
my_alive()   { my_running || { [[ -n "${MY_LAUNCHED:-}" ]] && kill -0 "$MY_LAUNCHED" 2>/dev/null; }; }

# ------------------------------------------------------------------ postgres

start_pg() {
  mkdir -p "$PG_DIR"
  # postgres must be able to traverse down to its data dir (e.g. not under /root).
  as_pg test -x "$BASE" || die "$BASE is not accessible to the postgres user; set REDB_TEST_SERVERS_DIR"
  chown postgres:postgres "$PG_DIR"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initdb $PG_DATA ($("$PG_BIN/postgres" --version))"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  fi
  as_pg mkdir -p "$PG_SOCK"
  if pg_running; then
    log "postgres already running (port $PG_PORT)"
  else
    log "starting postgres on 127.0.0.1:$PG_PORT"
    # Logical WAL + slots/senders: redb may test replication-based features.
    # fsync/full_page_writes/synchronous_commit off: durability is pointless for throwaway data.
    # max_slot_wal_keep_size: a slot left by a killed or timed-out test is invalidated, not kept until the disk fills.
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" -o "-p $PG_PORT -k $PG_SOCK \
-c listen_addresses=127.0.0.1 -c wal_level=logical -c max_replication_slots=40 -c max_wal_senders=40 \
-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200 -c max_locks_per_transaction=256 -c max_slot_wal_keep_size=8GB" start >&2 \
      || { log "pg_ctl start failed; last lines of $PG_LOG:"; tail -n 40 "$PG_LOG" >&2 || true; exit 1; }
  fi
  wait_for postgres "$PG_LOG" pg_running pg_ready
  # Auth is trust, so the password only matters to clients that insist on sending one.
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'redb') THEN
    CREATE ROLE redb LOGIN SUPERUSER PASSWORD 'redb';
  END IF;
END $$;
SQL
}

stop_pg() {
  if [[ -n "$PG_BIN" ]] && pg_running; then
    log "stopping postgres"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >&2
  else
    log "postgres not running"
  fi
}

# ------------------------------------------------------------------- mariadb

start_my() {
  mkdir -p "$MY_DIR" "$MY_BINLOG"
  if [[ ! -d "$MY_DATA/mysql" ]]; then
    log "mariadb-install-db $MY_DATA ($("$MARIADBD" --version))"
    # normal auth: root@localhost/127.0.0.1 without password, no unix_socket plugin surprises.
    mariadb-install-db --no-defaults --user=root --datadir="$MY_DATA" \
      --auth-root-authentication-method=normal --skip-test-db >"$MY_DIR/install.log" 2>&1 \
      || { tail -n 40 "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  if my_running; then
    log "mariadb already running (port $MY_PORT)"
  else
    rm -f "$MY_PID"   # stale pid file from an unclean shutdown
    log "starting mariadb on 127.0.0.1:$MY_PORT"
    # --no-defaults: ignore /etc/mysql config. utf8mb4 restores Debian's usual server
    # default (compiled-in is latin1). Binlog in ROW format for CDC-style tests.
    # setsid + nohup: detach fully so the server survives this shell / CI step.
    setsid nohup "$MARIADBD" --no-defaults --user=root --datadir="$MY_DATA" \
      --socket="$MY_SOCK" --port="$MY_PORT" --bind-address=127.0.0.1 --pid-file="$MY_PID" \
      --log-error="$MY_LOG" --skip-name-resolve --local-infile=1 \
      --log-bin="$MY_BINLOG/mysql-bin" --binlog-format=ROW --server-id=1 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
      --max-connections=200 --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 \
      </dev/null >>"$MY_LOG" 2>&1 &
    MY_LAUNCHED=$!
  fi
  wait_for mariadb "$MY_LOG" my_alive my_ready
  mariadb --no-defaults --socket="$MY_SOCK" -uroot >&2 <<'SQL'
CREATE USER IF NOT EXISTS 'redb'@'%'         IDENTIFIED BY 'redb';
CREATE USER IF NOT EXISTS 'redb'@'127.0.0.1' IDENTIFIED BY 'redb';
CREATE USER IF NOT EXISTS 'redb'@'localhost' IDENTIFIED BY 'redb';
GRANT ALL PRIVILEGES ON *.* TO 'redb'@'%'         WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'redb'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'redb'@'localhost' WITH GRANT OPTION;
SQL
}

stop_my() {
  if my_running; then
    local pid; pid="$(cat "$MY_PID")"
    log "stopping mariadb (pid $pid)"
    mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot shutdown >&2 2>/dev/null || kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || { log "mariadb did not exit; sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.3
    done
    rm -f "$MY_PID"
  else
    log "mariadb not running"
  fi
}

# ---------------------------------------------------------------------- nats

nats_running() { [[ -f "$NATS_PID" ]] && kill -0 "$(cat "$NATS_PID")" 2>/dev/null; }
nats_alive()   { nats_running || { [[ -n "${NATS_LAUNCHED:-}" ]] && kill -0 "$NATS_LAUNCHED" 2>/dev/null; }; }
# Ready means: our port answers with the server's INFO line, and that says JetStream is on.
nats_ready()   { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT && head -n 1 <&3" 2>/dev/null | grep -q '"jetstream":true'; }

start_nats() {
  mkdir -p "$NATS_DIR" "$NATS_STORE"
  if nats_running; then
    log "nats-server already running (port $NATS_PORT)"
  else
    rm -f "$NATS_PID"
    log "starting nats-server with JetStream on 127.0.0.1:$NATS_PORT ($("$NATS_SERVER" --version))"
    # setsid + nohup: detach fully so the server survives this shell / CI step.
    setsid nohup "$NATS_SERVER" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$NATS_STORE" -P "$NATS_PID" \
      </dev/null >>"$NATS_LOG" 2>&1 &
    NATS_LAUNCHED=$!
  fi
  wait_for nats-server "$NATS_LOG" nats_alive nats_ready
}

stop_nats() {
  if nats_running; then
    local pid; pid="$(cat "$NATS_PID")"
    log "stopping nats-server (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || { log "nats-server did not exit; sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.3
    done
    rm -f "$NATS_PID"
  else
    log "nats-server not running"
  fi
}

# ---------------------------------------------------------------------- main

# Which servers a start or stop is about: the names given, or all of them.
wants() {
  local name="$1"; shift
  [[ $# -eq 0 ]] && return 0
  local w; for w in "$@"; do [[ "$w" == "$name" ]] && return 0; done
  return 1
}

cmd="${1:-}"
shift || true
for name in "$@"; do
  case "$name" in pg|mysql|nats) ;; *) echo "unknown server '$name' (pg, mysql or nats)" >&2; exit 2 ;; esac
done
case "$cmd" in
  start)
    if wants pg "$@" || wants mysql "$@"; then ensure_installed; fi
    if wants nats "$@"; then ensure_nats_installed; fi
    # Only chmod a dir we create (never e.g. /tmp itself): postgres must traverse it.
    [[ -d "$BASE" ]] || { mkdir -p "$BASE"; chmod 755 "$BASE"; }
    if wants pg "$@"; then start_pg; fi
    if wants mysql "$@"; then start_my; fi
    if wants nats "$@"; then start_nats; fi
    log "ready (data under $BASE)"
    print_env
    ;;
  stop)
    PG_BIN="$(find_pg_bin)"
    if wants pg "$@"; then stop_pg; fi
    if wants mysql "$@"; then stop_my; fi
    if wants nats "$@"; then stop_nats; fi
    ;;
  status)
    PG_BIN="$(find_pg_bin)"; rc=0
    if [[ -n "$PG_BIN" ]] && pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT (data $PG_DATA)"
    else echo "postgres: stopped"; rc=1; fi
    if my_running; then echo "mariadb: running on 127.0.0.1:$MY_PORT (data $MY_DATA)"
    else echo "mariadb: stopped"; rc=1; fi
    if nats_running; then echo "nats-server: running on 127.0.0.1:$NATS_PORT (JetStream store $NATS_STORE)"
    else echo "nats-server: stopped"; rc=1; fi
    exit "$rc"
    ;;
  env)
    print_env
    ;;
  *)
    echo "usage: $0 {start|stop} [pg|mysql|nats ...] | status | env" >&2
    exit 2
    ;;
esac
