# syntax=docker/dockerfile:1
# The edge for a single self-hosted GPU host: the same Worker code, run in workerd (via miniflare)
# inside a Node container by scripts/local/serve-edge.ts. In production the edge runs on Cloudflare.
# Build from the repository root:  docker build -f infra/local-edge.Dockerfile -t tinyscale/local-edge .

# Node 24 LTS, the project's runtime (.nvmrc).
ARG NODE_IMAGE=node:24-bookworm-slim

# The lockfile and every workspace's package.json, so `npm ci` stays cached until a dependency changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json .npmrc /manifests/ \
  && find . -mindepth 2 -maxdepth 2 -name package.json -not -path "./node_modules/*" -exec cp --parents {} /manifests/ \;

FROM ${NODE_IMAGE} AS edge
WORKDIR /app
# The edge never loads onnxruntime; skip its CUDA download.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=manifests /manifests/ ./
# The root's dev tools (tsx, typescript, esbuild) run the starter; the edge's own deps bring miniflare/workerd.
RUN npm ci --no-audit --no-fund --include-workspace-root -w @tinyscale/edge -w @tinyscale/shared
COPY tsconfig.json tsconfig.base.json ./
COPY shared/ shared/
COPY edge/ edge/
COPY scripts/local/ scripts/local/
# The Worker bundle is (re)built at start into edge/dist/bundle, so the runtime user owns edge/dist.
RUN npx tsc -b edge && mkdir -p /data edge/dist/bundle && chown -R node:node /data edge/dist
# Keys, usage and Durable Object state survive restarts in this volume.
VOLUME ["/data"]
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=8787 \
  TINYSCALE_EDGE_PERSIST=/data
# node, uid 1000 in the node image (numeric so runAsNonRoot-style checks can verify it)
USER 1000:1000
EXPOSE 8787
# The edge has no health route; its public OpenAPI document answers 200 once the Worker is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/openapi.json').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "scripts/local/serve-edge.ts"]
