# Helpdesk Reset: the production image (README, "Run in production"). Not built on this project's CI, whose
# machines have no Docker engine; `.ci/run` checks what it can without one (see the README).

# 1. Compile the TypeScript.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native addon from source when no prebuilt binary is reachable.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bot bot
COPY cards cards
COPY core core
COPY dialogs dialogs
COPY graph graph
COPY storage storage
COPY doctor doctor
COPY simulator simulator
COPY demo demo
COPY bench bench
COPY manifest manifest
COPY test test
RUN npx tsc -p tsconfig.json

# 2. Production dependencies only. Install scripts are skipped (botbuilder-dialogs' own calls `npx rimraf`, a
#    development tool), then the one native addon is built, here, where the compilers are.
FROM node:22-bookworm-slim AS dependencies
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3

# 3. What runs: no compilers, no sources, no test code, not root.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=3978 \
    STATE_SQLITE_FILE=/app/data/helpdesk-reset.sqlite
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY --from=build /app/dist/bot dist/bot
COPY --from=build /app/dist/cards dist/cards
COPY --from=build /app/dist/core dist/core
COPY --from=build /app/dist/dialogs dist/dialogs
COPY --from=build /app/dist/graph dist/graph
COPY --from=build /app/dist/storage dist/storage
COPY --from=build /app/dist/doctor dist/doctor
COPY package.json ./
# The embedded store's folder (STATE_STORE=sqlite, the default): mount a volume here so that a new container
# keeps open cards, counters and the audit trail. Owned by the unprivileged `node` user the image provides.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3978
# Liveness: the process answers. Platforms probe /readyz themselves (store and Graph credential).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop taking turns, finish resets in flight (25 s at most), exit. Node is PID 1 and handles it.
STOPSIGNAL SIGTERM
# The heap limits of `npm start` (package.json), which BENCHMARKS.md measured: without them V8 sizes the heap from
# the host's memory, not the container's needs. test/e2e/productionStart.test.ts keeps the two the same.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/bot/index.js"]
