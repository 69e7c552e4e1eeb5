# syntax=docker/dockerfile:1
# Two stages: the build stage compiles TypeScript with the dev dependencies; the runtime stage holds only
# production dependencies, dist/ and config/, and runs as the unprivileged `node` user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json tsconfig.migrations.json ./
COPY src ./src
COPY migrations ./migrations
COPY console ./console
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    SIGNING_KEY_DIR=/var/lib/gateway/keys \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
# The signing keys are generated on first start when the directory is empty; keep them on a volume.
RUN mkdir -p /var/lib/gateway/keys && chown -R node:node /var/lib/gateway && chmod 700 /var/lib/gateway/keys
VOLUME ["/var/lib/gateway/keys"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Exec form: node is PID 1 and gets SIGTERM itself, so it drains in-flight work before exiting.
CMD ["node", "dist/main.js"]
