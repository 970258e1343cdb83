#!/usr/bin/env bash
# A 3-node Elasticsearch cluster on the loopback, for the node-loss test and `make prodlike`.
#   scripts/es-cluster.sh up              start (or keep) three nodes, wait for green, print `export` lines
#   scripts/es-cluster.sh down            stop the nodes this script started (by their pid files)
#   scripts/es-cluster.sh stop-node N     stop node N (1-3) at once (SIGKILL), as a machine that dies
#   scripts/es-cluster.sh start-node N    start node N again
#   scripts/es-cluster.sh master          the number of the elected master node
# The same build as scripts/services.sh (Elastic's integ-test zip of ES_VERSION from Maven Central, cached in
# .services/cache; ES_ZIP may point at a copy), run as the system user okoce-es with the Temurin JDK,
# ~400 MB heap per node, HTTP on ES_CLUSTER_PORT..+2 (19320-19322; 19300 is the single node's transport), transport on +100 (19420-19422),
# every node master-eligible (three, so losing any one keeps a quorum), one replica per index.
# ES_CLUSTER_DIR: where the nodes live (default .services/es-cluster), for a second cluster on other ports.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="$PWD/.services"
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_USER="${ES_USER:-okoce-es}"
PORT="${ES_CLUSTER_PORT:-19320}"
HEAP="${ES_CLUSTER_HEAP:-400m}"
ZIP="${ES_ZIP:-$STATE/cache/elasticsearch-$ES_VERSION.zip}"
NODES=(1 2 3)

log() { echo "[es-cluster] $*" >&2; }

base() {
  # ES_CLUSTER_DIR: a folder of its own (make prodlike runs a second cluster beside the tests' one).
  if [ -n "${ES_CLUSTER_DIR:-}" ]; then echo "$ES_CLUSTER_DIR"; return; fi
  # The nodes' user must be able to enter every parent folder.
  if runuser -u "$ES_USER" -- test -x "$STATE" 2>/dev/null; then echo "$STATE/es-cluster"
  else echo "/var/tmp/okoce-es-cluster-$(echo "$STATE" | md5sum | cut -c1-8)"; fi
}

java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  ls -d /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/java-*-openjdk-* 2>/dev/null | sort -V -r | head -n 1
}

http_port() { echo $((PORT + $1 - 1)); }
urls() { local out=() n; for n in "${NODES[@]}"; do out+=("http://127.0.0.1:$(http_port "$n")"); done; (IFS=,; echo "${out[*]}"); }

install() {
  id "$ES_USER" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$ES_USER"
  local home; home="$(base)/home"
  if [ ! -f "$ZIP" ]; then
    log "downloading Elasticsearch $ES_VERSION (Maven Central, about 107 MB)"
    mkdir -p "$(dirname "$ZIP")"
    mvn -q -B dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$(dirname "$ZIP")" >&2
  fi
  if [ ! -x "$home/bin/elasticsearch" ]; then
    mkdir -p "$(base)" && rm -rf "$home.tmp" && mkdir -p "$home.tmp"
    unzip -q "$ZIP" -d "$home.tmp"
    mv "$home.tmp"/elasticsearch-*/ "$home" && rm -rf "$home.tmp"
  fi
  local seeds=() masters=() n
  for n in "${NODES[@]}"; do seeds+=("127.0.0.1:$(($(http_port "$n") + 100))"); masters+=("okoce-es-$n"); done
  for n in "${NODES[@]}"; do
    local dir; dir="$(base)/node$n"
    mkdir -p "$dir/data" "$dir/logs"
    rm -rf "$dir/config" && cp -r "$home/config" "$dir/config"
    mkdir -p "$dir/config/hunspell/id_ID"
    cp /usr/share/hunspell/id_ID.aff /usr/share/hunspell/id_ID.dic "$dir/config/hunspell/id_ID/"
    cat >"$dir/config/elasticsearch.yml" <<YML
cluster.name: okoce-cluster
node.name: okoce-es-$n
network.host: 127.0.0.1
http.port: $(http_port "$n")
transport.port: $(($(http_port "$n") + 100))
discovery.seed_hosts: [$(IFS=,; echo "${seeds[*]}")]
cluster.initial_master_nodes: [$(IFS=,; echo "${masters[*]}")]
xpack.security.enabled: false
path.data: $dir/data
path.logs: $dir/logs
action.destructive_requires_name: false
# A developer's disk is often fuller than a server's: do not stop allocating replicas because of it.
cluster.routing.allocation.disk.threshold_enabled: false
YML
  done
  chown -R "$ES_USER" "$(base)"
}

start_node() {
  local n="$1" dir; dir="$(base)/node$n"
  if curl -s -o /dev/null "http://127.0.0.1:$(http_port "$n")/"; then return 0; fi
  log "starting node $n on 127.0.0.1:$(http_port "$n")"
  ES_PATH_CONF="$dir/config" ES_JAVA_HOME="$(java_home)" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
    runuser -u "$ES_USER" -- "$(base)/home/bin/elasticsearch" -d -p "$dir/es.pid" >/dev/null
}

stop_node() {
  local n="$1" signal="${2:-TERM}" pidfile; pidfile="$(base)/node$n/es.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  kill -s "$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  rm -f "$pidfile"
}

wait_green() {
  local url; url="http://127.0.0.1:$(http_port "${1:-1}")"
  for _ in $(seq "${2:-240}"); do
    curl -s "$url/_cluster/health?wait_for_status=green&wait_for_nodes=3&timeout=1s" 2>/dev/null | grep -q '"status":"green"' && return 0
    sleep 1
  done
  log "the cluster is not green: see $(base)/node*/logs/"
  return 1
}

master() {
  local n
  for n in "${NODES[@]}"; do
    local name; name="$(curl -s "http://127.0.0.1:$(http_port "$n")/_cat/master?h=node" 2>/dev/null || true)"
    if [ -n "$name" ]; then echo "${name##*-}" | tr -d '[:space:]'; echo; return 0; fi
  done
  return 1
}

case "${1:-}" in
  up)
    install
    # In parallel: each launcher waits for its node to start, and the first master needs two of them.
    for n in "${NODES[@]}"; do start_node "$n" & done
    wait
    wait_green 1
    log "3 nodes green at $(urls)"
    echo "export SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL=$(urls) ELASTICSEARCH_REPLICAS=1"
    ;;
  down) for n in "${NODES[@]}"; do stop_node "$n"; done ;;
  stop-node) stop_node "$2" KILL ;;
  start-node) start_node "$2" ;;
  wait-green) wait_green "${2:-1}" ;;
  master) master ;;
  urls) urls ;;
  *) echo "usage: $0 up|down|stop-node N|start-node N|wait-green [N]|master|urls" >&2; exit 2 ;;
esac
