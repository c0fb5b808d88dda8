# syntax=docker/dockerfile:1
# The demo coffee shop (npm run demo) as an image: instrumented services under steady traffic,
# sending OTLP to SIGHTLINE_OTLP_URL (the compose file points it at the receive role).
# Build from the repository root:  docker build -f deploy/docker/demo.Dockerfile -t sightline-demo .
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY model/package.json model/
COPY store/package.json store/
COPY collector/package.json collector/
COPY query/package.json query/
COPY dashboard/package.json dashboard/
COPY sdk/package.json sdk/
COPY deploy/package.json deploy/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The SDK the demo services load is compiled JavaScript (sdk/dist), built with the dev tools.
FROM ${NODE_IMAGE} AS sdk
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY model/package.json model/
COPY store/package.json store/
COPY collector/package.json collector/
COPY query/package.json query/
COPY dashboard/package.json dashboard/
COPY sdk/package.json sdk/
COPY deploy/package.json deploy/
RUN npm ci --no-audit --no-fund
COPY sdk sdk
RUN npm run build -w sdk

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app /app
COPY --from=sdk /app/sdk/dist sdk/dist
COPY model/src model/src
COPY sdk/src sdk/src
COPY demo/src demo/src
USER node
ENTRYPOINT ["node", "--import", "tsx", "demo/src/run-demo.ts"]
