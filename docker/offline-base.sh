#!/usr/bin/env bash
# Builds the Dockerfile's two base images locally, for machines that reach no image registry
# (air-gapped, or only a Debian mirror and the npm registry):
#
#   sudo bash docker/offline-base.sh            # builds whichever of the two is missing
#   sudo bash docker/offline-base.sh --rebuild  # replaces earlier stand-ins (never a pulled image)
#
#   node:20-bookworm-slim  debootstrap --variant=minbase bookworm + this machine's node 20 and npm
#                          in /usr/local (as the official image has them), a `node` user (uid and
#                          gid 1000), and this machine's CA bundle (NODE_EXTRA_CA_CERTS, npm
#                          cafile), so npm works behind the same TLS-inspecting proxy as the host;
#   node:20-bookworm       that + gcc, libc6-dev and make: what the Dockerfile's build stage needs
#                          (the C compiler for the LD_PRELOAD adaptor), not all of buildpack-deps.
#
# An image of either name that is already there is kept as it is, so the slow debootstrap runs
# once per machine. Stand-ins carry the label rtnld.offline-base=<node version>, which is how
# --rebuild and `docker image ls --filter label=rtnld.offline-base` tell them from pulled images.
#
# Needs: root, a running dockerd, debootstrap, and node 20 on this machine. MIRROR overrides the
# Debian mirror (default: the first one in this machine's apt sources); WORK the scratch
# directory (default: a fresh one under /tmp, removed at the end).
set -euo pipefail

REBUILD=0
case "${1:-}" in --rebuild) REBUILD=1 ;; '') ;; *) echo "usage: $0 [--rebuild]" >&2; exit 2 ;; esac
LABEL=rtnld.offline-base
SLIM=node:20-bookworm-slim
FULL=node:20-bookworm

log() { printf '[offline-base %s] %s\n' "$(date +%T)" "$*"; }
die() { log "error: $*" >&2; exit 1; }
stand_in_version() { docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }
present() { docker image inspect "$1" >/dev/null 2>&1; }
# build IMAGE when it is missing, or when --rebuild and it is a stand-in
wanted() {
  present "$1" || return 0
  local v; v=$(stand_in_version "$1")
  if [ -z "$v" ]; then log "$1: present and not a stand-in (pulled?): kept"; return 1; fi
  [ "$REBUILD" = 1 ] && return 0
  log "$1: stand-in with node $v already there: kept"; return 1
}

# Debian's docker CLI before any other on PATH (a newer client without buildx cannot build)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot)"
docker info >/dev/null 2>&1 || die "no docker engine answers"
NODE_BIN=$(readlink -f "$(command -v node)") || die "no node on this machine"
NODE_VER=$("$NODE_BIN" -v)
NPM_ROOT=$(npm root -g)

if [ "$REBUILD" = 1 ]; then   # the full image first: it is built on the slim one
  for img in "$FULL" "$SLIM"; do [ -n "$(stand_in_version "$img")" ] && docker rmi "$img" >/dev/null; done
fi

WORK=${WORK:-$(mktemp -d /tmp/rtnld-offline-base.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
trap 'log "error: line $LINENO: $BASH_COMMAND failed" >&2' ERR

if wanted "$SLIM"; then
  [[ "$NODE_VER" == v20.* ]] || die "this machine's node is $NODE_VER; the images are node 20"
  [ -d "$NPM_ROOT/npm" ] || die "no npm under $NPM_ROOT"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mirror=${MIRROR:-$( (awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null
                      awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null; true) | head -n1)}
  [ -n "$mirror" ] || die "no Debian mirror in this machine's apt sources; set MIRROR"
  R=$WORK/rootfs
  log "$SLIM: debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$R" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 5 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  # what the official slim image leaves out too
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/info/*
  find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  install -D -m 755 "$NODE_BIN" "$R/usr/local/bin/node"
  mkdir -p "$R/usr/local/lib/node_modules"
  cp -a "$NPM_ROOT/npm" "$R/usr/local/lib/node_modules/"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  # this machine's trust store, where update-ca-certificates (run when a derived image installs
  # ca-certificates) does not regenerate it away
  install -D -m 644 /etc/ssl/certs/ca-certificates.crt "$R/usr/local/etc/host-ca-certificates.crt"
  echo 'cafile=/usr/local/etc/host-ca-certificates.crt' >"$R/usr/local/etc/npmrc"
  chroot "$R" groupadd --gid 1000 node
  chroot "$R" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$R" /usr/local/bin/node -v >/dev/null || die "node does not run in the new root"
  tar --numeric-owner -C "$R" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${NODE_VER#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/etc/host-ca-certificates.crt' \
    --change "LABEL $LABEL=${NODE_VER#v}" \
    --change 'CMD ["node"]' \
    --message "stand-in for $SLIM: debootstrap minbase bookworm + node $NODE_VER" - "$SLIM" >/dev/null
  rm -rf "$R"
  log "$SLIM: built ($(docker image inspect -f '{{.Size}}' "$SLIM" | numfmt --to=si --suffix=B))"
fi

if wanted "$FULL"; then
  mkdir -p "$WORK/full"
  cat >"$WORK/full/Dockerfile" <<EOF
FROM $SLIM
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates gcc libc6-dev make \\
 && rm -rf /var/lib/apt/lists/*
LABEL $LABEL=${NODE_VER#v}
EOF
  log "$FULL: $SLIM + gcc libc6-dev make"
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$FULL" "$WORK/full" >"$WORK/build.log" 2>&1 ||
    { tail -n 5 "$WORK/build.log" >&2; die "building $FULL failed"; }
  log "$FULL: built ($(docker image inspect -f '{{.Size}}' "$FULL" | numfmt --to=si --suffix=B))"
fi
