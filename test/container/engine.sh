#!/usr/bin/env bash
# The Dockerfile and docker-compose.yml in a real engine, checked as a user checks them. Run by
# .ci/run after `npm test` (which never needs an engine); as root it installs what is missing:
#
#   sudo bash test/container/engine.sh
#
#   1. engine: Debian's docker.io and docker-compose when missing; a dockerd of its own when none
#      answers, started with --iptables=false --ip-forward=false so the host's sysctls and
#      firewall stay as they were (builds use the host network), stopped again at the end;
#   2. base images: those present are used (a pulled one, or a stand-in kept from an earlier run);
#      missing ones are pulled, or built by docker/offline-base.sh where no registry answers;
#   3. the image: BuildKit build, the LD_PRELOAD adaptor in it, no devDependency in it, non-root;
#      a build stage without a C compiler fails; the container turns healthy, its socket is in
#      the volume, a second container lists the links as another uid in the socket's group (and
#      is refused without the group), `docker stop` is graceful;
#   4. compose (v2 `docker compose` or v1.29 `docker-compose`): the file is valid for each one
#      installed; without the token the rig refuses to start; the README's sequence with the token
#      in .env: up, rtnld healthy, agent-a and agent-b (uid 1001) print their own host's links and
#      see only their host's socket, a link added in host B through agent-b's socket is seen by
#      nothing of host A, the API on 127.0.0.1 refuses a change without the token and accepts it
#      with it, GET /v1/snapshot holds both hosts, `run --rm agent-b addr show` from a shell without
#      the token, stop (rtnld removes every socket from the hosts' volumes);
#   5. reports image size and start-to-healthy times, removes what it made (containers, volumes,
#      its images, its build cache when the dockerd was its own), and ends "N passed, M failed";
#      exit status 0 only when nothing failed. Without root and without an engine it skips.
#
# One run at a time per machine (a lock); bounded by WATCHDOG_S (default 2400 s), then at most
# 300 s of cleanup.
# KEEP=1 keeps everything for a look afterwards.
set -uo pipefail

WATCHDOG_S=${WATCHDOG_S:-2400}
if [ -z "${RTNLD_ENGINE_TEST_WATCHDOG:-}" ]; then
  export RTNLD_ENGINE_TEST_WATCHDOG=1
  exec timeout -s TERM -k 300 "$WATCHDOG_S" bash "$0" "$@"
fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Debian's docker CLI before any other on PATH (a newer client without buildx cannot build)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
RUN=rtnldci$$                          # names of everything this run makes
TAG=rtnld:ci-$$                        # the image
LABEL=rtnld.engine-test=$RUN           # on its containers and volumes
CLIENT_GID=2000                        # the socket's group in the README's pattern and the rig
T0=$(date +%s)
PASSED=0 FAILED=0 STARTED_DOCKERD=0 DOCKERD_PID='' DONE=0
declare -a RESULTS=() METRICS=()
WORK=$(mktemp -d /tmp/rtnld-engine-test.XXXXXX)
LOGS=$WORK/logs
mkdir -p "$LOGS"
exec 3>&1

# every step's own time limit; --foreground keeps the step in this script's process group, so the
# watchdog's TERM reaches it too and cleanup runs at once, not after the step
limit() { timeout --foreground -k 10 "$@"; }
log() { printf '[engine-test %s] %s\n' "$(date +%T)" "$*"; }
pass() { PASSED=$((PASSED + 1)); RESULTS+=("PASS  $1"); log "PASS  $1"; }
fail() { FAILED=$((FAILED + 1)); RESULTS+=("FAIL  $1${2:+ -- $2}"); log "FAIL  $1${2:+ -- $2}"; }
metric() { METRICS+=("$1"); log "METRIC $1"; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
size() { docker image inspect -f '{{.Size}}' "$1" | numfmt --to=si --suffix=B; }
tail_of() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-500; }
# check NAME COMMAND...: passes when COMMAND exits 0; its output goes to a log named after the check
check() {
  local name=$1 f; shift
  f=$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' _ | cut -c1-50).log
  if "$@" >"$f" 2>&1; then pass "$name"; else fail "$name" "rc=$? $(tail_of "$f")"; fi
}
# COMMAND's output must match the extended regular expression PATTERN
output_matches() { local pattern=$1; shift; local out; out=$("$@" 2>&1); printf '%s\n' "$out"; grep -qE "$pattern" <<<"$out"; }

# container start -> the daemon's "listening" log line
started_ms() { date -d "$(docker inspect -f '{{.State.StartedAt}}' "$1")" +%s%3N; }
to_listening() {
  local t; t=$(docker logs "$1" 2>&1 | grep -m1 '"msg":"listening"' | grep -o '"time":[0-9]*' | cut -d: -f2)
  [ -n "$t" ] && secs $((t - $(started_ms "$1"))) || echo '?'
}
# wait_health CONTAINER...: until each is healthy (or one is unhealthy/gone), at most 120 s
wait_health() {
  local c st all
  for _ in $(seq 1 600); do
    all=1
    for c in "$@"; do
      st=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$c" 2>/dev/null)
      case $st in healthy) ;; starting|running|created) all=0 ;; *) return 1 ;; esac
    done
    [ $all = 1 ] && return 0
    sleep 0.2
  done
  return 1
}
# container start -> the engine's first health_status: healthy event
to_healthy() {
  local t; t=$(limit 30 docker events --since "$(docker inspect -f '{{.State.StartedAt}}' "$1")" --until "$(date +%s)" \
    --filter container="$1" --filter event=health_status --format '{{.TimeNano}} {{.Status}}' | grep -m1 ' health_status: healthy' | cut -c1-13)
  [ -n "$t" ] && secs $((t - $(started_ms "$1"))) || echo '?'
}
health_report() { echo "$(docker inspect -f '{{.State.Status}} {{json .State.Health}}' "$1" 2>&1 | cut -c1-300); logs: $(docker logs --tail 3 "$1" 2>&1 | tr '\n' ' ' | cut -c1-300)"; }
# stopped_cleanly CONTAINER VOLUME MS: stopped within its 10 s grace period (MS), node exited 0
# and removed its sockets from the volume
stopped_cleanly() {
  local code left
  code=$(docker inspect -f '{{.State.ExitCode}}' "$1" 2>&1)
  left=$(docker run --rm --label "$LABEL" --network none -v "$2":/run/rtnld --entrypoint ls "$TAG" -A /run/rtnld 2>&1)
  if [ "$code" = 0 ] && [ "$3" -lt 9000 ] && [ -z "$left" ]; then
    pass "$1 stops gracefully: exit 0 after $(secs "$3") s, sockets removed from the volume"
  else fail "$1 stops gracefully" "exit code $code after $(secs "$3") s (10 s = SIGKILL); left in the volume: '$left'"; fi
}

cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then log "KEEP=1: left containers, volumes, $TAG, dockerd and $WORK"; return; fi
  if docker info >/dev/null 2>&1; then
    if [ -n "${COMPOSE:-}" ] && [ -d "$WORK/src" ]; then
      (cd "$WORK/src" && limit 120 $COMPOSE -p "$RUN" down -v --remove-orphans) >>"$LOGS/cleanup.log" 2>&1
    fi
    local ids; ids=$(docker ps -aq --filter "label=$LABEL")
    [ -n "$ids" ] && limit 60 docker rm -f $ids >>"$LOGS/cleanup.log" 2>&1
    ids=$(docker volume ls -q --filter "label=$LABEL")
    [ -n "$ids" ] && limit 60 docker volume rm -f $ids >>"$LOGS/cleanup.log" 2>&1
    limit 60 docker rmi -f "$TAG" "node:$RUN-bookworm" >>"$LOGS/cleanup.log" 2>&1
    if [ "$STARTED_DOCKERD" = 1 ]; then
      limit 300 docker builder prune -af >>"$LOGS/cleanup.log" 2>&1
    else
      log "NOTE  the dockerd was running before: its build cache is left ($(docker system df --format '{{.Type}}: {{.Size}}' 2>/dev/null | grep -i 'build cache'))"
    fi
    log "kept for the next run: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' --filter 'reference=node' | tr '\n' ' ')"
  fi
  if [ "$STARTED_DOCKERD" = 1 ]; then
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$DOCKERD_PID" 2>/dev/null && kill -KILL "$DOCKERD_PID"
    [ "$HAD_DOCKER0" = 0 ] && ip link delete docker0 2>/dev/null
    rm -f "$DOCKERD_PIDFILE"
    log "stopped the dockerd it started (pid $DOCKERD_PID)"
  fi
  rm -rf "$WORK"
}
finish() {
  local rc=$?
  trap - EXIT INT TERM
  exec 1>&3 2>&3
  [ "$DONE" = 1 ] || [ "${SKIPPED:-0}" = 1 ] || fail "the run reached its end" "rc=$rc: a step above ended it, or a signal / the ${WATCHDOG_S} s watchdog"
  cleanup
  [ "${SKIPPED:-0}" = 1 ] && exit 0
  echo "== container engine test: $(($(date +%s) - T0)) s in all"
  printf '  %s\n' "${RESULTS[@]}"
  [ ${#METRICS[@]} -gt 0 ] && printf '  %s\n' "${METRICS[@]}"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}
trap finish EXIT
trap 'log "interrupted"; exit 130' INT TERM

# 1. engine -----------------------------------------------------------------------------------
if [ "$(id -u)" != 0 ] && ! docker info >/dev/null 2>&1; then
  SKIPPED=1; log "SKIP: needs root (to install and start a container engine) or a running engine"; exit 0
fi
# one run per machine: runs share the engine, the base images and the build cache
exec 9>/tmp/rtnld-engine-test.lock
if ! flock -w 1200 9; then fail "lock /tmp/rtnld-engine-test.lock" "another run held it for 20 min"; exit 1; fi

need=()
for pair in dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap curl:curl; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${need[*]}"
    limit 300 apt-get update >"$LOGS/apt.log" 2>&1
    check "install ${need[*]}" limit 900 env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
  else log "NOTE  missing ${need[*]} (not root: not installed)"; fi
fi
# what an earlier, killed run left: its work directory, and a dockerd that is still this
# script's to stop ("PID HAD_DOCKER0" in the pid file)
for d in /tmp/rtnld-engine-test.*/; do [ "$d" = "$WORK/" ] || rm -rf "$d"; done
DOCKERD_PIDFILE=/tmp/rtnld-engine-test.dockerd.pid HAD_DOCKER0=1
if [ -s $DOCKERD_PIDFILE ]; then
  read -r pid had <$DOCKERD_PIDFILE
  [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dockerd ] && DOCKERD_PID=$pid HAD_DOCKER0=${had:-1} STARTED_DOCKERD=1
fi
if ! limit 20 docker info >/dev/null 2>&1; then
  log "starting dockerd (log: $LOGS/dockerd.log)"
  ip link show docker0 >/dev/null 2>&1 || HAD_DOCKER0=0
  # its own session, so a signal to this script's process group leaves it to cleanup; without
  # the lock (fd 9) and the script's stdout (fd 3), which it would otherwise hold open
  setsid dockerd --iptables=false --ip-forward=false >"$LOGS/dockerd.log" 2>&1 </dev/null 3>&- 9>&- &
  DOCKERD_PID=$! STARTED_DOCKERD=1
  echo "$DOCKERD_PID $HAD_DOCKER0" >$DOCKERD_PIDFILE
  for _ in $(seq 1 120); do limit 5 docker info >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
fi
if limit 20 docker info >/dev/null 2>&1; then
  pass "engine: dockerd $(docker version -f '{{.Server.Version}}')$([ $STARTED_DOCKERD = 1 ] && echo ' (started by this script)')"
else fail "engine" "$(tail_of "$LOGS/dockerd.log" 4)"; exit 1; fi
# containers, volumes and images of earlier runs that were killed before their cleanup (this run
# holds the lock: no other is under way)
stale=$( (docker ps -aq --filter label=rtnld.engine-test
          docker ps -a --filter label=com.docker.compose.project --format '{{.ID}} {{.Label "com.docker.compose.project"}}' |
            awk '$2 ~ /^rtnldci[0-9]+$/ { print $1 }') | sort -u)
[ -n "$stale" ] && limit 120 docker rm -f $stale >/dev/null 2>&1
stale=$( (docker volume ls -q --filter label=rtnld.engine-test
          docker volume ls --filter label=com.docker.compose.project --format '{{.Name}} {{.Label "com.docker.compose.project"}}' |
            awk '$2 ~ /^rtnldci[0-9]+$/ { print $1 }') | sort -u)
[ -n "$stale" ] && limit 120 docker volume rm -f $stale >/dev/null 2>&1
stale=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E '^(rtnld:ci|node:rtnldci)-?[0-9]' || true)
[ -n "$stale" ] && limit 120 docker rmi -f $stale >/dev/null 2>&1
COMPOSES=()
docker compose version >/dev/null 2>&1 && COMPOSES+=("docker compose")
command -v docker-compose >/dev/null && COMPOSES+=("docker-compose")
[ ${#COMPOSES[@]} -gt 0 ] || { fail "compose" "neither docker compose (v2) nor docker-compose (v1)"; exit 1; }

# 2. base images -------------------------------------------------------------------------------
t=$(now_ms)
for img in node:20-bookworm-slim node:20-bookworm; do
  docker image inspect "$img" >/dev/null 2>&1 || limit 300 docker pull -q "$img" >>"$LOGS/pull.log" 2>&1 ||
    log "$img: no registry answers ($(tail_of "$LOGS/pull.log" 1 | cut -c1-120))"
done
if ! docker image inspect node:20-bookworm-slim node:20-bookworm >/dev/null 2>&1; then
  check "base images built offline (docker/offline-base.sh)" limit 1500 bash "$ROOT/docker/offline-base.sh"
fi
docker image inspect node:20-bookworm-slim node:20-bookworm >/dev/null 2>&1 || { fail "base images" "missing"; exit 1; }
metric "base images ready in $(secs $(($(now_ms) - t))) s: node:20-bookworm-slim $(size node:20-bookworm-slim), node:20-bookworm $(size node:20-bookworm)"

# 3. the image ---------------------------------------------------------------------------------
mkdir -p "$WORK/src"
tar -C "$ROOT" --exclude=./node_modules --exclude=./.git --exclude=./dist --exclude=./.env -c . | tar -C "$WORK/src" -x
cd "$WORK/src" || exit 1
t=$(now_ms)
if limit 1200 docker build --network host -t "$TAG" . >"$LOGS/build.log" 2>&1; then
  pass "docker build (BuildKit, no image registry)"
  metric "docker build: $(secs $(($(now_ms) - t))) s"
else fail "docker build (BuildKit)" "$(grep -m2 -iE 'error|failed' "$LOGS/build.log" | tr '\n' ' ' | cut -c1-400)"; exit 1; fi
metric "image: $(size "$TAG") ($(numfmt --to=si --suffix=B $(($(docker image inspect -f '{{.Size}}' "$TAG") - $(docker image inspect -f '{{.Size}}' node:20-bookworm-slim)))) over node:20-bookworm-slim)"
# the helper containers need no network (and so no IP forwarding on the host)
inimage() { limit 60 docker run --rm --label "$LABEL" --network none --entrypoint "$1" "$TAG" "${@:2}"; }
check "image has the LD_PRELOAD adaptor" inimage test -s dist/preload/librtnld-preload.so
check "image has no devDependency (its commands run from dist/)" inimage node -e '
  const dev = Object.keys(require("./package.json").devDependencies ?? {});
  const found = dev.filter((d) => require("fs").existsSync(`node_modules/${d}`));
  if (found.length) { console.error(`in the image: ${found.join(", ")}`); process.exit(1); }'
uid=$(inimage id -u 2>&1)
if [ "$uid" != 0 ] && [ -n "$uid" ]; then pass "runs as non-root (uid $uid)"; else fail "runs as non-root" "uid '$uid'"; fi
# the build stage on a base without a C compiler (the slim image, under a temporary tag)
docker tag node:20-bookworm-slim "node:$RUN-bookworm"
if limit 600 docker build --network host --target build --build-arg "NODE_VERSION=$RUN" . >"$LOGS/build-nocc.log" 2>&1; then
  fail "a build stage without a C compiler fails" "the build passed"
elif grep -q 'no C compiler' "$LOGS/build-nocc.log"; then
  pass "a build stage without a C compiler fails, saying so"
else fail "a build stage without a C compiler fails, saying so" "$(tail_of "$LOGS/build-nocc.log")"; fi
docker rmi "node:$RUN-bookworm" >/dev/null 2>&1

# README, "Containers": the daemon, its socket group, a client as another uid in that group
VOL=$RUN-run
docker volume create --label "$LABEL" "$VOL" >/dev/null
if limit 60 docker run -d --label "$LABEL" --name "$RUN-host1" --group-add $CLIENT_GID -v "$VOL":/run/rtnld "$TAG" \
     --socket /run/rtnld/rtnl.sock --socket-group $CLIENT_GID >"$LOGS/run.log" 2>&1 && wait_health "$RUN-host1"; then
  pass "docker run: healthy"
  metric "docker run: container start -> listening $(to_listening "$RUN-host1") s, -> healthy $(to_healthy "$RUN-host1") s"
else fail "docker run: healthy" "$(tail_of "$LOGS/run.log" 1) $(health_report "$RUN-host1")"; fi
client() { limit 60 docker run --rm --label "$LABEL" --network none -v "$VOL":/run/rtnld -e RTNL_SOCKET=/run/rtnld/rtnl.sock "$@"; }
check "socket /run/rtnld/rtnl.sock in the volume, seen from another container" client --entrypoint test "$TAG" -S /run/rtnld/rtnl.sock
check "another container as uid 1001 in group $CLIENT_GID: rtnl link show" \
  output_matches '^1: lo: ' client --user 1001:1001 --group-add $CLIENT_GID --entrypoint node "$TAG" bin/rtnl.js link show
refused() { ! "$@"; }
# COMMAND exits 0 and its output does not match PATTERN
lacks() { local pattern=$1 out; shift; out=$("$@" 2>&1) || { printf '%s\n' "$out"; return 1; }; printf '%s\n' "$out"; ! grep -qE "$pattern" <<<"$out"; }
check "another container as uid 1001 outside the group is refused" \
  output_matches '[Pp]ermission denied|EACCES' refused client --user 1001:1001 --entrypoint node "$TAG" bin/rtnl.js link show
t=$(now_ms); limit 60 docker stop -t 10 "$RUN-host1" >/dev/null 2>&1
stopped_cleanly "$RUN-host1" "$VOL" $(($(now_ms) - t))

# 4. compose -----------------------------------------------------------------------------------
for c in "${COMPOSES[@]}"; do
  check "$c config: the file is valid ($($c version --short 2>/dev/null))" env -u RTNLD_HTTP_TOKEN $c -p "$RUN" config -q
done
COMPOSE=${COMPOSES[0]}
export RTNLD_IMAGE=$TAG                # the image built above: `up` needs no build of its own
PORT=9180
if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT "; then   # taken here: any free one
  PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
fi
export RTNLD_HTTP_PORT=$PORT
unset RTNLD_HTTP_TOKEN
cid() { $COMPOSE -p "$RUN" ps -q "$1" 2>/dev/null | head -n1; }
# Without a token (no .env yet) rtnld refuses to start, and the agents, which wait for it, never run.
limit 120 $COMPOSE -p "$RUN" up -d --no-build >"$LOGS/compose-up-notoken.log" 2>&1
rt=$(cid rtnld)
for _ in $(seq 1 150); do [ "$(docker inspect -f '{{.State.Status}}' "$rt" 2>/dev/null)" = exited ] && break; sleep 0.2; done
# `up -d` may still be starting the others when rtnld exits: give them 10 s to give up too.
running() { docker ps --format '{{.Names}}' --filter "label=com.docker.compose.project=$RUN" --filter status=running; }
for _ in $(seq 1 50); do [ -z "$(running)" ] && break; sleep 0.2; done
if [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$rt" 2>&1)" = "exited 1" ] &&
   docker logs "$rt" 2>&1 | grep -qi token && [ -z "$(running)" ]; then
  pass "compose without RTNLD_HTTP_TOKEN: rtnld refuses to start (its API is on the network), nothing runs"
else fail "compose without RTNLD_HTTP_TOKEN: the rig refuses to start" "rtnld: $(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$rt" 2>&1) $(docker logs --tail 2 "$rt" 2>&1 | tr '\n' ' ' | cut -c1-200) running: $(running | tr '\n' ' ')"; fi
limit 120 $COMPOSE -p "$RUN" down -v >>"$LOGS/compose-up-notoken.log" 2>&1
TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "RTNLD_HTTP_TOKEN=$TOKEN" >.env    # README: once, then every compose command has it
check "$COMPOSE up -d" limit 300 $COMPOSE -p "$RUN" up -d --no-build
rt=$(cid rtnld) aa=$(cid agent-a) ab=$(cid agent-b)
if wait_health "$rt"; then
  pass "compose: rtnld healthy (/readyz: every host's socket listens)"
  metric "compose: container start -> listening / healthy: rtnld $(to_listening "$rt") / $(to_healthy "$rt") s"
else fail "compose: rtnld healthy" "$(health_report "$rt")"; fi
# agent NAME CONTAINER PRESENT ABSENT: exited 0 as uid 1001, printed PRESENT (its host's links) and not ABSENT
agent_printed() {
  local name=$1 c=$2 present=$3 absent=$4 log=$LOGS/compose-$1.log
  for _ in $(seq 1 150); do [ "$(docker inspect -f '{{.State.Status}}' "$c" 2>/dev/null)" = exited ] && break; sleep 0.2; done
  docker logs "$c" >"$log" 2>&1
  if [ "$(docker inspect -f '{{.State.ExitCode}} {{.Config.User}}' "$c" 2>&1)" = "0 1001:1001" ] &&
     grep -q '^1: lo:' "$log" && grep -q "$present" "$log" && ! grep -q "$absent" "$log"; then
    pass "compose: $name (uid 1001) printed its host's links ($(grep -cE '^[0-9]+:' "$log") links, $present, no $absent)"
  else fail "compose: $name printed its host's links" "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c" 2>&1): $(tail_of "$log")"; fi
}
agent_printed agent-a "$aa" 'veth0@veth1' 'eth0.100'
agent_printed agent-b "$ab" 'eth0.100@eth0' 'veth0'
check "compose: agent-a's /run/rtnld holds only its host's socket" \
  output_matches '^rtnl\.sock$' limit 120 env -u RTNLD_HTTP_TOKEN $COMPOSE -p "$RUN" run --rm --entrypoint ls agent-a -A /run/rtnld
check "compose: a dummy added in host B through agent-b's socket" \
  limit 120 $COMPOSE -p "$RUN" run --rm agent-b link add hostb-only type dummy
check "compose: host A does not have it" \
  lacks 'hostb-only' limit 120 $COMPOSE -p "$RUN" run --rm agent-a link show
api() { curl -sS -m 5 -o "$LOGS/api.out" -w '%{http_code}' "$@" 2>>"$LOGS/http.log"; }
url=http://127.0.0.1:$PORT/v1
without=$(api -X POST "$url/reset") wrong=$(api -X POST -H "Authorization: Bearer x$TOKEN" "$url/reset") with=$(api -X POST -H "Authorization: Bearer $TOKEN" "$url/reset")
if [ "$without" = 401 ] && [ "$wrong" = 401 ] && [ "$with" = 200 ]; then
  pass "compose: the API on 127.0.0.1:$PORT: POST /v1/reset 401 without the token and with a wrong one, 200 with it"
else fail "compose: the API" "without $without, wrong $wrong, with $with $(tail_of "$LOGS/http.log" 1)"; fi
check "compose: the reset took host B back to its seed (hostb-only gone)" \
  lacks 'hostb-only' limit 120 $COMPOSE -p "$RUN" run --rm agent-b link show
code=$(api "$url/snapshot")
if [ "$code" = 200 ] && node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const names = (s.netns ?? []).map((n) => n.name).join(",");
  if (names !== "host-a,host-b") { console.error(`namespaces: ${names}`); process.exit(1); }' "$LOGS/api.out" 2>>"$LOGS/http.log"; then
  pass "compose: GET /v1/snapshot holds both hosts"
else fail "compose: GET /v1/snapshot holds both hosts" "$code $(tail_of "$LOGS/http.log" 1)"; fi
check "compose: run --rm agent-b addr show, in a shell without the token (it is in .env)" \
  output_matches '10\.0\.12\.2/24' limit 120 env -u RTNLD_HTTP_TOKEN $COMPOSE -p "$RUN" run --rm agent-b addr show
# A container holding host A's volume while rtnld stops (a tmpfs volume lives while mounted):
# rtnld must leave it empty.
docker run -d --label "$LABEL" --name "$RUN-holder" --network none -v "${RUN}_host-a":/run/rtnld --entrypoint sleep "$TAG" 600 >/dev/null 2>&1
t=$(now_ms); limit 60 $COMPOSE -p "$RUN" stop >"$LOGS/compose-stop.log" 2>&1; t=$(($(now_ms) - t))
code=$(docker inspect -f '{{.State.ExitCode}}' "$rt" 2>&1)
left=$(docker exec "$RUN-holder" ls -A /run/rtnld 2>&1)
if [ "$code" = 0 ] && [ "$t" -lt 9000 ] && [ -z "$left" ]; then
  pass "compose: rtnld stops gracefully: exit 0 after $(secs "$t") s, host A's socket removed from its volume"
else fail "compose: rtnld stops gracefully" "exit code $code after $(secs "$t") s (10 s = SIGKILL); left in host A's volume: '$left'"; fi
docker rm -f "$RUN-holder" >/dev/null 2>&1
DONE=1
