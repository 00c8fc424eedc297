# kpi-engine service image: `docker build -t kpi-engine .` then see docker-compose.yml.
# Two stages: dependencies are installed (npm ci, production only) in the first, the second carries
# them plus the sources and runs as the unprivileged `node` user. tsx runs the TypeScript sources
# directly (no build step), exactly as `npm start` does on a developer's machine.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
# HOST: a container must listen on all interfaces to be reachable through a published port (outside a
# container the service binds 127.0.0.1 when auth is off). Set AUTH0_DOMAIN/AUTH0_AUDIENCE in production.
ENV NODE_ENV=production \
    PORT=3004 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json tsconfig.json ./
COPY --chown=node:node src ./src
COPY --chown=node:node grammar ./grammar
COPY --chown=node:node sql ./sql
COPY --chown=node:node fixtures ./fixtures
USER node
EXPOSE 3004
# /health answers 200 when the service and its required stores are up, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3004) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["npm", "start"]
