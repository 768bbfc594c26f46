# syntax=docker/dockerfile:1
# rtnld in a container: one daemon = one simulated host. The netlink socket lives in the
# /run/rtnld volume so other containers (agents under test, `rtnl`) can share it.
#
#   docker build -t rtnld .
#   docker run --rm -v rtnld-run:/run/rtnld rtnld
#
# Not run in a container engine where it was written (no engine there); see README, "Containers".

ARG NODE_VERSION=20

# --- build: dev dependencies, TypeScript -> dist/, and the LD_PRELOAD adaptor (needs a C compiler) ---
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY types ./types
COPY protocol ./protocol
COPY src ./src
COPY bin ./bin
RUN npm run build

# --- runtime: production dependencies only, non-root, node as PID 1 (it handles SIGTERM) ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    RTNLD_HTTP=127.0.0.1:9180
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY src/preload ./src/preload
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
RUN mkdir -p /run/rtnld && chown node:node /run/rtnld
USER node
VOLUME ["/run/rtnld"]
EXPOSE 9180
# /healthz on the admin API named by $RTNLD_HTTP (HOST:PORT or unix:PATH); pass /readyz as the
# argument to wait for the netlink socket too (docker-compose.yml does).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/rtnld.js"]
CMD ["--socket", "/run/rtnld/rtnl.sock"]
