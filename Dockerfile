# Lethe: one image for three roles, chosen by the command (see docker-compose.yml):
#   node dist/src/db/migrate-cli.js   apply database migrations, then exit
#   node dist/src/worker.js           Temporal worker (task queue `lethe`)
#   node dist/src/server.js           HTTP API (the default)
# No secrets are baked in: every setting comes from the environment at run time.
#
# Debian (glibc), not Alpine: the native parts of @temporalio/core-bridge and @node-rs/argon2 come prebuilt
# from npm, and core-bridge ships no musl build.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript (and copy the SQL migrations) into dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies before sources, so a source change does not reinstall them.
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script here (native binaries come prebuilt), and it keeps the
# project's own install hooks (provisioning Temporal binaries for `npm start`) out of the image build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and dist/ only, run as the unprivileged `node` user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production TZ=UTC
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Health probe of the API service (no curl in slim images); used by docker-compose.yml, not by a HEALTHCHECK here,
# because the worker and migrate containers of the same image serve no HTTP.
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
# Files stay owned by root: the app can read its code but not change it.
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
