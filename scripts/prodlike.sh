#!/usr/bin/env bash
# make prodlike: the shop as production runs it, on this machine's loopback, then the shopper, seller and
# editor journeys end to end over HTTP; everything it started is stopped again (by process id) on exit.
#
#   PostgreSQL primary + streaming replica (Debian's binaries, as the postgres user; pg_basebackup -R)
#   Redis (cache, sessions, Celery broker) · Elasticsearch, 3 nodes (scripts/es-cluster.sh, ES_CLUSTER_PORT)
#   stripe-mock · Celery worker and beat · gunicorn, 2 workers · DEBUG=0, a generated SECRET_KEY
#
# Ports (override by environment): PRODLIKE_PG_PORT 25449, PRODLIKE_PG_REPLICA_PORT 25450 (below the kernel's ephemeral
# range 32768-60999, where an outgoing connection can hold the port: seen here with 54350), PRODLIKE_REDIS_PORT 16399,
# PRODLIKE_ES_PORT 19340 (19340-19342, transport +100), PRODLIKE_STRIPE_PORT 12131, PRODLIKE_WEB_PORT 8130.
# Data and logs: PRODLIKE_DIR (default var/prodlike; wiped at start). PRODLIKE_PRODUCTS: demo catalogue size (60).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="$ROOT/.venv/bin/python"
PG_PORT="${PRODLIKE_PG_PORT:-25449}"
PG_REPLICA_PORT="${PRODLIKE_PG_REPLICA_PORT:-25450}"
REDIS_PORT="${PRODLIKE_REDIS_PORT:-16399}"
ES_PORT="${PRODLIKE_ES_PORT:-19340}"
STRIPE_PORT="${PRODLIKE_STRIPE_PORT:-12131}"
WEB_PORT="${PRODLIKE_WEB_PORT:-8130}"
PRODUCTS="${PRODLIKE_PRODUCTS:-60}"
STATE="${PRODLIKE_DIR:-$ROOT/var/prodlike}"
STRIPE_MOCK_VERSION="${STRIPE_MOCK_VERSION:-v0.197.0}"
STRIPE_MOCK_BIN="${STRIPE_MOCK_BIN:-$ROOT/.services/bin/stripe-mock}"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
START=$(now_ms)
STEP_START=$START
log() { echo "[prodlike] $*" >&2; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
step() {
  if [ -n "${STEP_NAME:-}" ]; then log "  done: $STEP_NAME ($(elapsed "$STEP_START") s)"; fi
  STEP_NAME="$1"; STEP_START=$(now_ms)
  log "$1 ..."
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# --- everything started is recorded here and stopped on exit, success or failure --------------------------
PIDS=()
PG_DIRS=()
ES_STARTED=""
cleanup() {
  local status=$?
  set +e
  log "stopping what prodlike started"
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  for dir in "${PG_DIRS[@]}"; do as_postgres "$(pg_bin)/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1; done
  [ -n "$ES_STARTED" ] && ES_CLUSTER_PORT="$ES_PORT" ES_CLUSTER_DIR="$ES_DIR" scripts/es-cluster.sh down
  if [ "$status" = 0 ]; then
    log "PASSED in $(elapsed "$START") s"
  else
    log "FAILED (exit $status) after $(elapsed "$START") s; logs in $STATE/logs/"
    tail -n 30 "$STATE"/logs/*.log 2>/dev/null >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$what did not come up in $seconds s"; return 1
}

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$PG_PORT" "$PG_REPLICA_PORT" "$REDIS_PORT" "$ES_PORT" $((ES_PORT + 1)) $((ES_PORT + 2)) "$STRIPE_PORT" "$WEB_PORT"; do
  port_free "$port" || { log "port $port is in use (another prodlike running? set PRODLIKE_*_PORT)"; exit 1; }
done

step "preparing $STATE"
# The postgres and okoce-es users must be able to enter every parent folder of their data.
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$STATE")" 2>/dev/null; then
  STATE="/var/tmp/okoce-prodlike-$(echo "$ROOT" | md5sum | cut -c1-8)"
fi
ES_DIR="$STATE/es"
rm -rf "$STATE/pg-primary" "$STATE/pg-replica" "$STATE/logs" "$STATE/mail-web" "$STATE/mail-worker" "$STATE/media" \
  "$STATE/redis" "$STATE/celerybeat-schedule" "$ES_DIR"/node*/data
mkdir -p "$STATE/logs" "$STATE/mail-web" "$STATE/mail-worker" "$STATE/redis" "$STATE/media"
[ "$(id -u)" = 0 ] && chown postgres "$STATE/logs"
LOGS="$STATE/logs"

# --- PostgreSQL: a primary and a streaming replica of it ------------------------------------------------
step "PostgreSQL primary on 127.0.0.1:$PG_PORT"
BIN="$(pg_bin)"
[ -n "$BIN" ] || { log "PostgreSQL's server is not installed (apt-get install postgresql)"; exit 1; }
mkdir -p "$STATE/pg-primary" && { [ "$(id -u)" != 0 ] || chown postgres "$STATE/pg-primary"; }
as_postgres "$BIN/initdb" -D "$STATE/pg-primary" -U postgres --auth=trust -E UTF8 >/dev/null
# A throwaway cluster: fsync off for speed; WAL for a replica is PostgreSQL's default (wal_level=replica).
PG_DIRS+=("$STATE/pg-primary")
as_postgres "$BIN/pg_ctl" -D "$STATE/pg-primary" -l "$LOGS/postgres-primary.log" -w \
  -o "-p $PG_PORT -h 127.0.0.1 -k /tmp -c fsync=off -c synchronous_commit=off" start >/dev/null
as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres okoce

step "PostgreSQL replica on 127.0.0.1:$PG_REPLICA_PORT (pg_basebackup -R, streaming)"
mkdir -p "$STATE/pg-replica" && { [ "$(id -u)" != 0 ] || chown postgres "$STATE/pg-replica"; }
chmod 700 "$STATE/pg-replica"
as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$STATE/pg-replica" -R -X stream -c fast
PG_DIRS+=("$STATE/pg-replica")
as_postgres "$BIN/pg_ctl" -D "$STATE/pg-replica" -l "$LOGS/postgres-replica.log" -w \
  -o "-p $PG_REPLICA_PORT -h 127.0.0.1 -k /tmp -c hot_standby=on -c fsync=off" start >/dev/null
as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PG_REPLICA_PORT" -U postgres -d okoce -tAc "SELECT pg_is_in_recovery()" | grep -qx t \
  || { log "the replica is not in recovery"; exit 1; }

# --- Redis -----------------------------------------------------------------------------------------------
step "Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$STATE/redis" \
  --logfile "$LOGS/redis.log" &
PIDS+=($!)
wait_for 10 Redis redis-cli -p "$REDIS_PORT" ping

# --- stripe-mock -----------------------------------------------------------------------------------------
step "stripe-mock on 127.0.0.1:$STRIPE_PORT"
if [ ! -x "$STRIPE_MOCK_BIN" ]; then
  log "building stripe-mock $STRIPE_MOCK_VERSION (go install)"
  GOBIN="$(dirname "$STRIPE_MOCK_BIN")" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" >&2
fi
"$STRIPE_MOCK_BIN" -http-port "$STRIPE_PORT" -https-port $((STRIPE_PORT + 1)) >"$LOGS/stripe-mock.log" 2>&1 &
PIDS+=($!)
wait_for 20 stripe-mock curl -sf -o /dev/null "http://127.0.0.1:$STRIPE_PORT/v1/customers" -H "Authorization: Bearer sk_test_123"

# --- Elasticsearch, three nodes --------------------------------------------------------------------------
# Started in the background: the nodes take about a minute, as long as the migrations they run beside.
step "Elasticsearch cluster on 127.0.0.1:$ES_PORT-$((ES_PORT + 2)) (starting in the background)"
ES_STARTED=1
ES_ZIP="${ES_ZIP:-$ROOT/.services/cache/elasticsearch-${ES_VERSION:-8.19.21}.zip}" ES_CLUSTER_PORT="$ES_PORT" \
  ES_CLUSTER_DIR="$ES_DIR" ES_CLUSTER_HEAP="${PRODLIKE_ES_HEAP:-400m}" scripts/es-cluster.sh up >"$LOGS/es-cluster.log" 2>&1 &
ES_UP_PID=$!
PIDS+=($ES_UP_PID)
ES_URLS="$(ES_CLUSTER_PORT="$ES_PORT" scripts/es-cluster.sh urls)"

# --- the shop's environment: production settings ---------------------------------------------------------
export DEBUG=0
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export BASE_URL="http://127.0.0.1:$WEB_PORT" SITE_DOMAIN="127.0.0.1:$WEB_PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/okoce"
export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$PG_REPLICA_PORT/okoce"
export DB_CONN_MAX_AGE=60
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_KEY_PREFIX=okoce-prodlike
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
export SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL="$ES_URLS" ELASTICSEARCH_REPLICAS=1 ELASTICSEARCH_INDEX_PREFIX=okoce-prodlike-
export STRIPE_SECRET_KEY=sk_test_123 STRIPE_PUBLISHABLE_KEY=pk_test_123 STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT"
STRIPE_WEBHOOK_SECRET="whsec_$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
export STRIPE_WEBHOOK_SECRET
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export VAR_DIR="$STATE/var" MEDIA_ROOT="$STATE/media" STATIC_ROOT="$STATE/static"
export LOG_LEVEL=WARNING
# Web processes and the worker write emails to different folders: a message in mail-worker was sent by the worker.
export EMAIL_FILE_PATH="$STATE/mail-web"

# Until the cluster is green the database engine is used; the index is then built from the database.
step "migrate (primary only)"
SEARCH_BACKEND=database "$PY" manage.py migrate --noinput -v 0
step "demo data ($PRODUCTS products)"
SEARCH_BACKEND=database "$PY" manage.py load_demo --products "$PRODUCTS" --businesses 8 --no-progress >"$LOGS/load_demo.log" 2>&1
step "collectstatic"
"$PY" manage.py collectstatic --noinput -v 0
step "waiting for the Elasticsearch cluster to be green"
wait "$ES_UP_PID" || { log "the Elasticsearch cluster did not start"; cat "$LOGS/es-cluster.log" >&2; exit 1; }
step "search index (3-node cluster, one replica)"
# (Creating the index and its replicas on a busy machine takes longer than a search's 2 s timeout.)
ELASTICSEARCH_TIMEOUT=30 "$PY" manage.py search_index --rebuild --no-progress >"$LOGS/search_index.log" 2>&1

# --- Celery and gunicorn ---------------------------------------------------------------------------------
step "Celery worker and beat"
EMAIL_FILE_PATH="$STATE/mail-worker" "$ROOT/.venv/bin/celery" -A storefront worker --loglevel INFO --concurrency 2 \
  --hostname "prodlike@%h" >"$LOGS/celery-worker.log" 2>&1 &
PIDS+=($!)
EMAIL_FILE_PATH="$STATE/mail-worker" "$ROOT/.venv/bin/celery" -A storefront beat --loglevel INFO \
  --schedule "$STATE/celerybeat-schedule" >"$LOGS/celery-beat.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the Celery worker" "$ROOT/.venv/bin/celery" -A storefront inspect ping -d "prodlike@$(hostname)" --timeout 2

step "gunicorn (2 workers) on 127.0.0.1:$WEB_PORT"
GUNICORN_BIND="127.0.0.1:$WEB_PORT" WEB_CONCURRENCY=2 GUNICORN_ACCESS_LOG="$LOGS/access.log" \
  "$ROOT/.venv/bin/gunicorn" storefront.wsgi -c storefront/gunicorn.conf.py >"$LOGS/gunicorn.log" 2>&1 &
PIDS+=($!)
wait_for 60 gunicorn curl -sf -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$WEB_PORT/"

step "journeys over HTTP (shopper, seller, editor) and the worker's email"
JOURNEYS=(scripts/prodlike_journeys.py --base "http://127.0.0.1:$WEB_PORT" --worker-mail "$STATE/mail-worker" --web-mail "$STATE/mail-web")
{ export -p | grep -E ' (DEBUG|SECRET_KEY|ALLOWED_HOSTS|BASE_URL|SITE_DOMAIN|DATABASE_|DB_|REDIS_URL|CACHE_KEY_PREFIX|CELERY_|SEARCH_BACKEND|ELASTICSEARCH_|STRIPE_|EMAIL_|VAR_DIR|MEDIA_ROOT|STATIC_ROOT|LOG_LEVEL)'
  echo "journeys() { $ROOT/.venv/bin/python ${JOURNEYS[*]}; }"; } >"$STATE/env.sh"
if ! "$PY" "${JOURNEYS[@]}"; then
  if [ -n "${PRODLIKE_HOLD:-}" ]; then
    # Debugging: keep the stack up (`. $STATE/env.sh; journeys` runs them again), stop with kill $$.
    log "a journey failed; PRODLIKE_HOLD: the stack stays up until: kill $$"
    sleep infinity &
    PIDS+=($!)
    wait $! || true
  fi
  exit 1
fi
STEP_NAME_DONE="$STEP_NAME"; log "  done: $STEP_NAME_DONE ($(elapsed "$STEP_START") s)"; STEP_NAME=""
