#!/usr/bin/env bash
# Start or stop the real services the tests can use, on this machine only.
#   scripts/services.sh up     install what is missing, start, print `export` lines
#   scripts/services.sh down   stop what `up` started
# Services: PostgreSQL (Debian package), Chromium for browser tests (Debian package),
# stripe-mock (Stripe's API test server, `go install` at a pinned tag), Elasticsearch 8
# (Elastic's own build from Maven Central, run as a system user with Debian's id_ID hunspell),
# Redis (Debian package), axe-core for the accessibility checks (npm, pinned).
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="$PWD/.services"
PG_PORT="${PG_PORT:-54329}"
PG_DIR="$STATE/postgres"
mkdir -p "$STATE"

log() { echo "[services] $*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (Debian packages)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
      apt-get update -q >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
    fi
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

postgres_up() {
  apt_install postgresql
  local bin; bin="$(pg_bin)"
  # PostgreSQL refuses to run as root: run it as the "postgres" user in our own folder.
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR" && chown postgres:postgres "$PG_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
      -o "-p $PG_PORT -h 127.0.0.1 -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  fi
  runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='okoce'" | grep -q 1 \
    || runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" okoce
  log "PostgreSQL on 127.0.0.1:$PG_PORT"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/okoce"
}

postgres_down() {
  local bin; bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$PG_DIR/PG_VERSION" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true
}

chromium_up() {
  apt_install chromium chromium-driver
  log "Chromium at /usr/bin/chromium"
  echo "export CHROMIUM_PATH=/usr/bin/chromium"
}

# stripe-mock v0.197.0 carries Stripe's OpenAPI spec of October 2025; stripe-python 13.2.0
# (API 2025-10-29.clover) sends only parameters that spec knows (see requirements.txt).
STRIPE_MOCK_VERSION="${STRIPE_MOCK_VERSION:-v0.197.0}"
STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}"
STRIPE_MOCK_BIN="$STATE/bin/stripe-mock"

stripe_mock_up() {
  if [ ! -x "$STRIPE_MOCK_BIN" ]; then
    log "building stripe-mock $STRIPE_MOCK_VERSION (go install)"
    GOBIN="$STATE/bin" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" >&2
  fi
  if ! curl -s -o /dev/null "http://127.0.0.1:$STRIPE_MOCK_PORT/v1/customers" -H "Authorization: Bearer sk_test_123"; then
    nohup "$STRIPE_MOCK_BIN" -http-port "$STRIPE_MOCK_PORT" -https-port $((STRIPE_MOCK_PORT + 1)) >"$STATE/stripe-mock.log" 2>&1 &
    echo $! >"$STATE/stripe-mock.pid"
    for _ in $(seq 50); do
      curl -s -o /dev/null "http://127.0.0.1:$STRIPE_MOCK_PORT/v1/customers" -H "Authorization: Bearer sk_test_123" && break
      sleep 0.2
    done
  fi
  log "stripe-mock $STRIPE_MOCK_VERSION on 127.0.0.1:$STRIPE_MOCK_PORT"
  echo "export STRIPE_MOCK_URL=http://127.0.0.1:$STRIPE_MOCK_PORT"
}

stripe_mock_down() {
  if [ -f "$STATE/stripe-mock.pid" ]; then
    kill "$(cat "$STATE/stripe-mock.pid")" 2>/dev/null || true
    rm -f "$STATE/stripe-mock.pid"
  fi
}

# Redis (Debian's redis-server): shared cache and, later, the Celery broker. Own folder, own port,
# no persistence (a test service), run in the background with a pid file.
REDIS_PORT="${REDIS_PORT:-16379}"

redis_up() {
  apt_install redis-server
  mkdir -p "$STATE/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$STATE/redis" --pidfile "$STATE/redis/redis.pid" --logfile "$STATE/redis/redis.log" >&2
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || { log "Redis did not start: see $STATE/redis/redis.log"; return 1; }
  log "Redis on 127.0.0.1:$REDIS_PORT"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

redis_down() {
  if [ -f "$STATE/redis/redis.pid" ]; then
    kill "$(cat "$STATE/redis/redis.pid")" 2>/dev/null || true
    rm -f "$STATE/redis/redis.pid"
  fi
}

# Elasticsearch 8: Elastic's integ-test build from Maven Central (core modules only), run with
# the machine's Temurin JDK as a system user (it refuses root), Indonesian hunspell from Debian.
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-19200}"
ES_USER="${ES_USER:-okoce-es}"

es_home() {
  # The node's user must be able to enter every parent folder of its home.
  if runuser -u "$ES_USER" -- test -x "$STATE" 2>/dev/null; then
    echo "$STATE/elasticsearch"
  else
    echo "/var/tmp/okoce-elasticsearch-$(echo "$STATE" | md5sum | cut -c1-8)"
  fi
}

java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  ls -d /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/java-*-openjdk-* 2>/dev/null | sort -V -r | head -n 1
}

elasticsearch_up() {
  apt_install hunspell-id
  id "$ES_USER" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$ES_USER"
  local zip="$STATE/cache/elasticsearch-$ES_VERSION.zip" home; home="$(es_home)"
  if [ ! -f "$zip" ]; then
    log "downloading Elasticsearch $ES_VERSION (Maven Central, about 107 MB)"
    mkdir -p "$STATE/cache"
    mvn -q -B dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$STATE/cache" >&2
  fi
  if [ ! -x "$home/bin/elasticsearch" ]; then
    rm -rf "$home.tmp" && mkdir -p "$home.tmp"
    unzip -q "$zip" -d "$home.tmp"
    mv "$home.tmp"/elasticsearch-*/ "$home" && rm -rf "$home.tmp"
  fi
  mkdir -p "$home/config/hunspell/id_ID" "$home/data" "$home/logs"
  cp /usr/share/hunspell/id_ID.aff /usr/share/hunspell/id_ID.dic "$home/config/hunspell/id_ID/"
  cat >"$home/config/elasticsearch.yml" <<YML
cluster.name: okoce-test
node.name: okoce-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
xpack.security.enabled: false
path.data: $home/data
path.logs: $home/logs
action.destructive_requires_name: false
YML
  chown -R "$ES_USER" "$home"
  if ! curl -s -o /dev/null "http://127.0.0.1:$ES_PORT/_cluster/health"; then
    log "starting Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT"
    ES_JAVA_HOME="$(java_home)" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
      runuser -u "$ES_USER" -- "$home/bin/elasticsearch" -d -p "$home/es.pid" >/dev/null
  fi
  for _ in $(seq 120); do
    curl -s "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" | grep -q '"status":"\(green\|yellow\)"' && break
    sleep 1
  done
  curl -s -o /dev/null "http://127.0.0.1:$ES_PORT/_cluster/health" || { log "Elasticsearch did not start: see $home/logs/"; return 1; }
  log "Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT (home $home)"
  echo "export SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT"
}

elasticsearch_down() {
  local home; home="$(es_home 2>/dev/null)" || return 0
  if [ -f "$home/es.pid" ]; then
    local pid; pid="$(cat "$home/es.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$home/es.pid"
  fi
}

# axe-core, the accessibility checker the browser tests inject into pages (npm package, pinned).
AXE_VERSION="4.14.1"
axe_up() {
  local js="$STATE/axe/node_modules/axe-core/axe.min.js"
  if ! grep -q "axe v$AXE_VERSION" "$js" 2>/dev/null; then
    command -v npm >/dev/null 2>&1 || apt_install npm
    log "installing axe-core $AXE_VERSION (npm)"
    npm install --silent --no-audit --no-fund --prefix "$STATE/axe" "axe-core@$AXE_VERSION" >&2
  fi
  log "axe-core at $js"
  echo "export AXE_JS=$js"
}

# An S3-compatible object store for the media-storage tests: gofakes3 (`go install` at a pinned tag),
# in memory, on loopback. Tests make a bucket of their own per test; the shop itself keeps local media
# unless MEDIA_S3_BUCKET is set (README).
GOFAKES3_VERSION="${GOFAKES3_VERSION:-v1.2.0}"
S3_PORT="${S3_PORT:-19900}"
s3() {
  local bin="$STATE/bin/gofakes3"
  if [ "$1" = down ]; then
    [ -f "$STATE/gofakes3.pid" ] && kill "$(cat "$STATE/gofakes3.pid")" 2>/dev/null || true
    rm -f "$STATE/gofakes3.pid"; return 0
  fi
  if [ ! -x "$bin" ]; then
    log "building gofakes3 $GOFAKES3_VERSION (go install)"
    GOBIN="$STATE/bin" go install "github.com/johannesboyne/gofakes3/cmd/gofakes3@$GOFAKES3_VERSION" >&2
  fi
  if ! curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/"; then
    nohup "$bin" -host "127.0.0.1:$S3_PORT" -backend memory -quiet >"$STATE/gofakes3.log" 2>&1 &
    echo $! >"$STATE/gofakes3.pid"
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.1; done
  fi
  curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" || { log "gofakes3 did not start: see $STATE/gofakes3.log"; return 1; }
  log "gofakes3 $GOFAKES3_VERSION (S3) on 127.0.0.1:$S3_PORT"
  echo "export S3_TEST_URL=http://127.0.0.1:$S3_PORT"
}

case "${1:-}" in
  up) postgres_up; chromium_up; stripe_mock_up; redis_up; elasticsearch_up; axe_up; s3 up ;;
  down) postgres_down; stripe_mock_down; redis_down; elasticsearch_down; s3 down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
