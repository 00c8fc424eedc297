# kpi-engine service image: `docker build -t kpi-engine .` then see docker-compose.yml.
# Three stages: production dependencies (no install scripts: nothing to build there), the build (esbuild
# bundles src/ and grammar/ into dist/, scripts/build.mjs), and the runtime, which carries dependencies,
# dist/, the data files the code reads (fixtures/, sql/), the CLI (bin/) and runs as the unprivileged
# `node` user. tini is PID 1: it forwards signals to node and reaps zombies; node runs the built
# JavaScript directly (no npm, no shell, no TypeScript loader), so `docker stop` reaches the service.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY grammar ./grammar
RUN node scripts/build.mjs

FROM node:22-bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# HOST: a container must listen on all interfaces to be reachable through a published port (outside a
# container the service binds 127.0.0.1 when auth is off). Set AUTH0_DOMAIN/AUTH0_AUDIENCE in production.
ENV NODE_ENV=production \
    PORT=3004 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node scripts/build.mjs scripts/start.mjs ./scripts/
COPY --chown=node:node bin ./bin
COPY --chown=node:node sql ./sql
COPY --chown=node:node fixtures ./fixtures
# The user guide the service serves at /docs/guide (src/docs).
COPY --chown=node:node README.md ./
COPY --chown=node:node docs ./docs
USER node
EXPOSE 3004
# /health answers 200 when the service and its required stores are up, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3004) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# scripts/start.mjs finds the build through dist/current.json (there is no src/ to rebuild from).
CMD ["node", "scripts/start.mjs"]
