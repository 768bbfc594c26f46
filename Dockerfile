# rtnld in a container: one simulated host, or several as namespaces (docker-compose.yml). The
# netlink socket lives in the /run/rtnld volume so other containers (agents under test, `rtnl`)
# can share it.
#
#   docker build -t rtnld .
#   docker run --rm -v rtnld-run:/run/rtnld rtnld
#
# No `# syntax=` line: BuildKit would fetch that frontend from Docker Hub, and offline builds fail.
# Without a registry, docker/offline-base.sh builds the two base images locally.
# Checked in a real engine by test/container/engine.sh (run by .ci/run); see README, "Containers".

ARG NODE_VERSION=20

# --- build: the LD_PRELOAD adaptor, all dependencies, TypeScript -> dist/, then the dev
# dependencies pruned away, so the runtime stage copies node_modules instead of installing again ---
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
# The adaptor first: without a C compiler this fails the image build, saying so (`npm run build`
# alone would only warn and leave it out).
COPY bin/rtnld-preload-path.js bin/package.json ./bin/
COPY src/preload ./src/preload/
RUN node bin/rtnld-preload-path.js --quiet
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script here, and a `prepare` script must not
# run before the sources are copied
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY types ./types
COPY protocol ./protocol
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: production dependencies only, non-root, node as PID 1 (it handles SIGTERM) ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    RTNLD_HTTP=127.0.0.1:9180
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY src/preload ./src/preload
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
RUN mkdir -p /run/rtnld && chown node:node /run/rtnld
USER node
VOLUME ["/run/rtnld"]
EXPOSE 9180
# /healthz on the admin API named by $RTNLD_HTTP (HOST:PORT or unix:PATH); pass /readyz as the
# argument to wait for the netlink socket too (docker-compose.yml does). Every 2 s: healthy about
# 2 s after start (the daemon listens in about a second on an idle machine), at the cost of one short node process per
# probe; a long-running rig can probe less often (`docker run --health-interval 30s`).
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/rtnld.js"]
CMD ["--socket", "/run/rtnld/rtnl.sock"]
