#!/usr/bin/env bash
# Makes sure the Redis and MongoDB that Trainyard needs answer at REDIS_URL and
# MONGO_URL, starting local ones only when nothing answers there. Safe to run
# again and again, and from several shells at once (npm start and npm test):
# a lock serialises runs and pid files under .dev-services/ let a later run
# find what an earlier one started. `dev-services.sh stop` (also
# scripts/stop-services.sh) stops those, and only those; data stays.
#
# Environment (a .env file in the repo root may set the first two):
#   REDIS_URL          default redis://127.0.0.1:6379
#   MONGO_URL          default mongodb://127.0.0.1:27017/trainyard
#   DEV_SERVICES_DIR   pid files, logs and data; default <repo>/.dev-services
#   FERRETDB_DATA_DIR  FerretDB's SQLite files, to share one across clones
#   FERRETDB_BIN       a FerretDB v1.24.2 binary to use instead of building one
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# CI may hand over an environment without HOME; Go needs it too.
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
export HOME
services_dir=${DEV_SERVICES_DIR:-$repo/.dev-services}
ferretdb_version=v1.24.2
ferretdb_module=github.com/FerretDB/FerretDB
# Outside the repo so that every clone on the machine reuses one build.
ferretdb_cache=${XDG_CACHE_HOME:-$HOME/.cache}/trainyard/ferretdb-$ferretdb_version

die() { echo "$*" >&2; exit 1; }

# Only the two URLs are read from .env, and it is parsed, never sourced: the
# environment wins over the file.
if [[ -f $repo/.env ]]; then
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?(REDIS_URL|MONGO_URL)[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
    name=${BASH_REMATCH[2]} value=${BASH_REMATCH[3]}
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    if [[ -z ${!name:-} ]]; then printf -v "$name" '%s' "$value"; fi
  done <"$repo/.env"
fi
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
MONGO_URL=${MONGO_URL:-mongodb://127.0.0.1:27017/trainyard}

# Sets url_host, url_port, url_user, url_pass from the first host of a URL.
parse_url() {
  local url=$1 default_port=$2 authority hostport auth=""
  authority=${url#*://}
  authority=${authority%%[/?]*}
  if [[ $authority == *@* ]]; then auth=${authority%@*}; authority=${authority##*@}; fi
  hostport=${authority%%,*}
  if [[ $hostport == \[* ]]; then
    url_host=${hostport%%]*}; url_host=${url_host#[}
    url_port=${hostport#*]}; url_port=${url_port#:}
  else
    url_host=${hostport%%:*}
    url_port=${hostport#"$url_host"}; url_port=${url_port#:}
  fi
  url_port=${url_port:-$default_port}
  url_user="" url_pass=""
  if [[ -n $auth ]]; then
    if [[ $auth == *:* ]]; then url_user=${auth%%:*}; url_pass=${auth#*:}; else url_user=$auth; fi
    url_user=$(printf '%b' "${url_user//%/\\x}") url_pass=$(printf '%b' "${url_pass//%/\\x}")
  fi
  [[ $url_host && $url_port =~ ^[0-9]+$ ]] || die "cannot read a host and port from '$url'"
}

is_local() { [[ $1 == localhost || $1 == 127.* || $1 == ::1 || $1 == 0.0.0.0 ]]; }
bind_addr() { if [[ $1 == localhost ]]; then echo 127.0.0.1; else echo "$1"; fi; }
hostport() { if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi; }
# shellcheck disable=SC2016 # the inner bash expands $0 and $1
tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# Files of the instance for a port: the default port gets plain names, any
# other a -PORT suffix, so that two ports never share a data directory.
instance_name() { if [[ $2 == "$3" ]]; then echo "$1"; else echo "$1-$2"; fi; }

# Prints the pid recorded in a pid file if that process is alive and is the
# program named (pids get reused); fails otherwise.
live_pid() {
  local file=$1 program=$2 pid cmdline
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$program"* ]] || return 1
  echo "$pid"
}

stop_pid() {
  local pid=$1 _
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

# Calls a probe (0 answers, 1 nothing listens, 2 something else answers)
# every 0.3 s until it answers, the process `pid` (if given) dies, or `secs` pass.
wait_for() {
  local pid=$2 probe=$3 deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    "$probe" && return 0
    [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.3
  done
  "$probe"
}

docker_engine() { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

# Compose v2 (the docker plugin), else the older standalone docker-compose.
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -f "$repo/docker-compose.yml" "$@"
  else
    docker-compose -f "$repo/docker-compose.yml" "$@"
  fi
}

compose_up() {
  local service=$1
  REDIS_HOST_PORT=${redis_port:-6379} MONGO_HOST_PORT=${mongo_port:-27017} \
    compose up -d "$service" >>"$services_dir/docker-compose.log" 2>&1 9>&- ||
    { tail -n 20 "$services_dir/docker-compose.log" >&2; die "$service: docker compose up failed (log: $services_dir/docker-compose.log)"; }
  touch "$services_dir/compose-$service.started"
}

log_tail_and_die() {
  echo "--- last lines of $1 ---" >&2
  tail -n 20 "$1" >&2 || true
  die "$2"
}

# ---------------------------------------------------------------- Redis

redis_probe() {
  local reply
  tcp_open "$redis_host" "$redis_port" || return 1
  if command -v redis-cli >/dev/null; then
    local args=(-h "$redis_host" -p "$redis_port" --no-auth-warning)
    [[ -n $url_redis_user ]] && args+=(--user "$url_redis_user")
    reply=$(REDISCLI_AUTH=$url_redis_pass timeout 5 redis-cli "${args[@]}" ping 2>&1) || true
  else
    # shellcheck disable=SC2016
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "PING\r\n" >&3; read -r -t 2 line <&3; echo "$line"' \
      "$redis_host" "$redis_port" 2>/dev/null) || true
    # Without redis-cli there is no AUTH: a password-protected Redis still counts.
    [[ $reply == -NOAUTH* ]] && reply=PONG
  fi
  reply=$(tr -s '\r\n' '  ' <<<"$reply")
  [[ $reply == *PONG* ]] && return 0
  probe_reply=$reply
  return 2
}

ensure_redis() {
  parse_url "$REDIS_URL" 6379
  redis_host=$url_host redis_port=$url_port url_redis_user=$url_user url_redis_pass=$url_pass
  local where name pidfile pid rc=0
  where=$(hostport "$redis_host" "$redis_port")
  name=$(instance_name redis "$redis_port" 6379)
  pidfile=$services_dir/$name.pid

  if pid=$(live_pid "$pidfile" redis-server); then
    wait_for 10 "$pid" redis_probe || rc=$?
    if ((rc == 0)); then echo "redis: already running on $where (started by dev-services.sh, pid $pid)"; return; fi
    echo "redis: pid $pid from $pidfile does not answer; restarting it" >&2
    stop_pid "$pid"
    rc=0
  fi
  redis_probe || rc=$?
  case $rc in
    0) echo "redis: already answering on $where"; return ;;
    2) die "redis: something listens on $where but does not answer PING with PONG (it said: ${probe_reply:-nothing}); free the port or set REDIS_URL" ;;
  esac
  is_local "$redis_host" || die "redis: nothing answers on $where, which is not this machine, so not starting one"

  if ! command -v redis-server >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      echo "redis: installing redis-server with apt-get" >&2
      { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; } \
        >"$services_dir/apt-redis.log" 2>&1 9>&- || log_tail_and_die "$services_dir/apt-redis.log" "redis: apt-get install redis-server failed"
    elif docker_engine; then
      compose_up redis
      wait_for 30 "" redis_probe || die "redis: docker compose started redis but nothing answers on $where"
      echo "redis: started the docker compose service redis on $where"
      return
    else
      die "redis: nothing answers on $where and there is no redis-server (install Debian's redis-server, run it yourself, or set REDIS_URL)"
    fi
  fi

  local dir=$services_dir/$name log=$services_dir/$name.log args
  mkdir -p "$dir"
  rm -f "$pidfile"
  args=(--daemonize yes --port "$redis_port" --bind "$(bind_addr "$redis_host")" --save "" --appendonly no
    --dir "$dir" --pidfile "$pidfile" --logfile "$log")
  [[ -n $url_redis_pass && -z $url_redis_user ]] && args+=(--requirepass "$url_redis_pass")
  redis-server "${args[@]}" 9>&- || log_tail_and_die "$log" "redis: redis-server did not start"
  wait_for 20 "" redis_probe || log_tail_and_die "$log" "redis: started redis-server but nothing answers on $where"
  pid=$(live_pid "$pidfile" redis-server) || pid="?"
  echo "redis: started $(redis-server --version | grep -o 'v=[0-9.]*' | sed 's/v=/redis-server /') on $where, pid $pid, log ${log#"$repo"/}"
}

# ---------------------------------------------------------------- MongoDB

# Prints what answers (e.g. "FerretDB v1.24.2", "MongoDB 7.0.14") into
# mongo_server. With the repo's mongodb driver installed the probe is a real
# hello; before `npm ci` it can only be a TCP connect.
mongo_probe() {
  tcp_open "$mongo_host" "$mongo_port" || return 1
  local driver=$repo/node_modules/mongodb
  if ! command -v node >/dev/null || [[ ! -f $driver/package.json ]]; then
    mongo_server="a server (the port is open; without node and node_modules/mongodb it cannot ask which)"
    return 0
  fi
  local out
  # shellcheck disable=SC2016 # JavaScript, not shell
  if out=$(DRIVER=$driver URL="mongodb://$(hostport "$mongo_host" "$mongo_port")/?directConnection=true" timeout 15 node -e '
    const { MongoClient } = require(process.env.DRIVER);
    const client = new MongoClient(process.env.URL, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 });
    (async () => {
      const admin = client.db("admin");
      await admin.command({ hello: 1 });
      const info = await admin.command({ buildInfo: 1 });
      console.log(info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`);
    })().then(() => client.close().then(() => process.exit(0)),
      (err) => { console.log(err.message); process.exit(1); });
  ' 2>&1); then
    mongo_server=$out
    return 0
  fi
  probe_reply=$out
  return 2
}

# Accepts a FerretDB binary only if it runs and says it is the pinned version:
# a plain `go install` build panics here for want of version.txt.
# (Read all of its output before matching: with pipefail, `grep -q` quitting
# early would fail the pipeline through SIGPIPE.)
ferretdb_ok() {
  local out
  [[ -x $1 ]] && out=$(timeout 10 "$1" --version 2>/dev/null) && grep -qx "version: $ferretdb_version" <<<"$out"
}

find_go() {
  local go
  for go in "$(command -v go || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [[ -n $go && -x $go ]] && { echo "$go"; return 0; }
  done
  return 1
}

# Sets ferretdb_bin, building FerretDB from the Go module proxy into the cache
# when needed. Fails (without exiting) when there is no Go to build with.
ensure_ferretdb_binary() {
  if [[ -n ${FERRETDB_BIN:-} ]]; then
    ferretdb_ok "$FERRETDB_BIN" || die "mongodb: FERRETDB_BIN=$FERRETDB_BIN does not print version $ferretdb_version"
    ferretdb_bin=$FERRETDB_BIN
    return 0
  fi
  if ferretdb_ok "$ferretdb_cache"; then ferretdb_bin=$ferretdb_cache; return 0; fi

  local go tmp log=$services_dir/ferretdb-build.log src
  go=$(find_go) || return 1
  echo "mongodb: building FerretDB $ferretdb_version with $go into $ferretdb_cache (once per machine; minutes on a cold module cache)" >&2
  tmp=$(mktemp -d)
  # The module zip lacks build/version/version.txt, which FerretDB embeds and
  # checks at start: build from a writable copy with that file added.
  # The subshell's status is tested, so set -e does not apply inside it: each
  # step says `|| exit` itself.
  if ! (
    cd "$tmp" || exit
    src=$("$go" mod download -json "$ferretdb_module@$ferretdb_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [[ -d $src ]] || { echo "go mod download gave no module directory"; exit 1; }
    cp -R "$src" "$tmp/src" && chmod -R u+w "$tmp/src" || exit
    echo "$ferretdb_version" >"$tmp/src/build/version/version.txt" || exit
    cd "$tmp/src" || exit
    # A newer Go may refuse to link an old dependency's go:linkname use.
    "$go" build -trimpath -o "$tmp/ferretdb" ./cmd/ferretdb ||
      "$go" build -trimpath -ldflags=-checklinkname=0 -o "$tmp/ferretdb" ./cmd/ferretdb
  ) >"$log" 2>&1 9>&-; then
    rm -rf "$tmp"
    log_tail_and_die "$log" "mongodb: building FerretDB $ferretdb_version failed (log: $log)"
  fi
  ferretdb_ok "$tmp/ferretdb" || { rm -rf "$tmp"; die "mongodb: the FerretDB just built does not print version $ferretdb_version"; }
  mkdir -p "$(dirname "$ferretdb_cache")"
  # Rename into place so that a concurrent run in another clone never sees half a file.
  mv -f "$tmp/ferretdb" "$ferretdb_cache.tmp.$$"
  mv -f "$ferretdb_cache.tmp.$$" "$ferretdb_cache"
  rm -rf "$tmp"
  ferretdb_bin=$ferretdb_cache
}

start_mongod() {
  local name dir log pidfile
  name=$(instance_name mongo "$mongo_port" 27017)
  dir=$services_dir/$name log=$services_dir/mongod${name#mongo}.log pidfile=$services_dir/mongod${name#mongo}.pid
  mkdir -p "$dir"
  mongod --dbpath "$dir" --port "$mongo_port" --bind_ip "$(bind_addr "$mongo_host")" \
    --fork --logpath "$log" --pidfilepath "$pidfile" >/dev/null 9>&- ||
    log_tail_and_die "$log" "mongodb: mongod did not start"
  wait_for 30 "" mongo_probe || log_tail_and_die "$log" "mongodb: started mongod but nothing answers on $mongo_where"
  echo "mongodb: started $(mongod --version | head -n 1 | sed 's/db version /mongod /') on $mongo_where, pid $(<"$pidfile"), data in ${dir#"$repo"/}"
}

start_ferretdb() {
  local name data log pidfile pid rc=0
  name=$(instance_name ferretdb "$mongo_port" 27017)
  data=${FERRETDB_DATA_DIR:-$services_dir/$name} log=$services_dir/$name.log pidfile=$services_dir/$name.pid
  mkdir -p "$data"
  # --debug-addr=- : its HTTP debug listener would otherwise take port 8088,
  # and a second instance would die on it.
  setsid nohup "$ferretdb_bin" --handler=sqlite --sqlite-url="file:$data/" --state-dir="$data" \
    --listen-addr="$(hostport "$(bind_addr "$mongo_host")" "$mongo_port")" --debug-addr=- --telemetry=disable \
    >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pidfile"
  wait_for 60 "$pid" mongo_probe || rc=$?
  if ((rc != 0)); then
    stop_pid "$pid"
    rm -f "$pidfile"
    log_tail_and_die "$log" "mongodb: FerretDB did not answer on $mongo_where (log: $log)"
  fi
  echo "mongodb: started FerretDB $ferretdb_version (sqlite) on $mongo_where, pid $pid, data in ${data#"$repo"/}"
}

ensure_mongo() {
  parse_url "$MONGO_URL" 27017
  mongo_host=$url_host mongo_port=$url_port
  mongo_where=$(hostport "$mongo_host" "$mongo_port")
  [[ $MONGO_URL == mongodb+srv://* ]] && { echo "mongodb: $MONGO_URL is an SRV address; not checking or starting anything"; return; }

  local pidfile program pid rc=0
  for program in ferretdb mongod; do
    pidfile=$services_dir/$(instance_name "$program" "$mongo_port" 27017).pid
    pid=$(live_pid "$pidfile" "$program") || continue
    wait_for 20 "$pid" mongo_probe || rc=$?
    if ((rc == 0)); then echo "mongodb: already running on $mongo_where: $mongo_server (started by dev-services.sh, pid $pid)"; return; fi
    echo "mongodb: pid $pid from $pidfile does not answer; restarting it" >&2
    stop_pid "$pid"
    rc=0
  done

  mongo_probe || rc=$?
  case $rc in
    0) echo "mongodb: already answering on $mongo_where: $mongo_server"; return ;;
    2) die "mongodb: something listens on $mongo_where but a MongoDB hello failed (${probe_reply:-no reply}); free the port or set MONGO_URL" ;;
  esac
  is_local "$mongo_host" || die "mongodb: nothing answers on $mongo_where, which is not this machine, so not starting one"

  if command -v mongod >/dev/null; then
    start_mongod
  elif ensure_ferretdb_binary; then
    start_ferretdb
  elif docker_engine; then
    compose_up mongo
    wait_for 60 "" mongo_probe || die "mongodb: docker compose started mongo but nothing answers on $mongo_where"
    echo "mongodb: started the docker compose service mongo on $mongo_where"
  else
    die "mongodb: nothing answers on $mongo_where, and there is no mongod, no Go (to build FerretDB $ferretdb_version) and no docker engine; install Go at /usr/local/go, or start a MongoDB and set MONGO_URL"
  fi
}

# Stops only processes whose pid files this script wrote, after checking that
# each pid still is that program.
stop_services() {
  local pidfile name program pid marker service stopped=0
  for pidfile in "$services_dir"/*.pid; do
    [[ -e $pidfile ]] || continue
    name=$(basename "$pidfile" .pid)
    case $name in
      redis*) program=redis-server ;;
      ferretdb*) program=ferretdb ;;
      mongod*) program=mongod ;;
      *) continue ;;
    esac
    if pid=$(live_pid "$pidfile" "$program"); then
      stop_pid "$pid"
      echo "$name: stopped $program, pid $pid"
      stopped=$((stopped + 1))
    fi
    rm -f "$pidfile"
  done
  for marker in "$services_dir"/compose-*.started; do
    [[ -e $marker ]] || continue
    service=$(basename "$marker" .started)
    service=${service#compose-}
    compose stop "$service" >/dev/null 2>&1 9>&- && echo "$service: stopped the docker compose service"
    rm -f "$marker"
    stopped=$((stopped + 1))
  done
  ((stopped > 0)) || echo "dev-services: nothing started by dev-services.sh is running"
}

mkdir -p "$services_dir"
exec 9>"$services_dir/lock"
if ! flock -n 9; then
  echo "dev-services: another run holds $services_dir/lock; waiting for it" >&2
  flock -w 1800 9 || die "dev-services: gave up waiting for $services_dir/lock after 30 minutes"
fi
case ${1:-start} in
  start) ensure_redis; ensure_mongo ;;
  stop) stop_services ;;
  *) die "usage: $0 [start|stop]" ;;
esac
