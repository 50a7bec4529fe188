# shellcheck shell=bash
# PostgreSQL and Redis of their own, on free loopback ports, for CI and `make bench`:
#   source scripts/services.sh; start_services    (then $DATABASE_SERVER, $REDIS_URL_BASE)
#   stop_services                                 (and the data is gone)
# Installs Debian's postgresql and redis-server when missing.

start_services() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ "${#missing[@]}" -eq 0 ] || scripts/apt-install "${missing[@]}"
  # Debian starts the services it installs; these runs use their own, on free ports.
  systemctl stop redis-server 2>/dev/null || service redis-server stop 2>/dev/null || true
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  SERVICES_DIR=$(mktemp -d /tmp/advocacy-services.XXXXXX)
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  REDISPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  chown postgres:postgres "$SERVICES_DIR"
  runuser -u postgres -- "$PGBIN/initdb" -D "$SERVICES_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SERVICES_DIR/data" -l "$SERVICES_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $SERVICES_DIR -c fsync=off -c max_connections=200" start >/dev/null
  redis-server --bind 127.0.0.1 --port "$REDISPORT" --save '' --appendonly no --daemonize yes \
    --dir "$SERVICES_DIR" --logfile "$SERVICES_DIR/redis.log"
  DATABASE_SERVER="postgres://postgres@127.0.0.1:$PGPORT"
  REDIS_URL_BASE="redis://127.0.0.1:$REDISPORT"
  export PGBIN PGPORT REDISPORT DATABASE_SERVER REDIS_URL_BASE
}

create_database() {  # create_database NAME
  runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$1"
}

stop_services() {
  [ -n "${SERVICES_DIR:-}" ] || return 0
  redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1 || true
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SERVICES_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
