# syntax=docker/dockerfile:1
# The gpu-backend image: one Node process serving one GPU through onnxruntime-node's CUDA EP.
# Build from the repository root:  docker build -f infra/gpu-backend.Dockerfile -t tinyscale/gpu-backend .
# Run (bundle mounted read-only):  docker run --gpus '"device=0"' -p 8090:8090 -v "$PWD/bundle:/models:ro" \
#   -e TINYSCALE_SIGNING_SECRET=... tinyscale/gpu-backend

# Node 24 LTS, the project's runtime (.nvmrc); only its `node` binary reaches the runtime stage.
ARG NODE_IMAGE=node:24-bookworm-slim
# CUDA 12.8 runtime + cuDNN 9: what onnxruntime-node 1.30's CUDA 12 provider (NuGet
# Microsoft.ML.OnnxRuntime.Gpu.Linux) links against. Needs an NVIDIA driver for CUDA 12.8 (R570+).
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# --- manifests: the lockfile and every workspace's package.json, nothing else, so the `npm ci` layers
# below stay cached until a dependency changes (and a new workspace needs no edit here) ------------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json .npmrc /manifests/ \
  && find . -mindepth 2 -maxdepth 2 -name package.json -not -path "./node_modules/*" -exec cp --parents {} /manifests/ \;

# --- build: compile shared/ and gpu-backend/ with the whole workspace's dev tools ---------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The CUDA provider is fetched once, in the `deps` stage below; the compiler never needs it (the
# variable also covers an npm that predates allowScripts and would run the install script).
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY shared/ shared/
COPY gpu-backend/ gpu-backend/
RUN npx tsc -b gpu-backend

# --- deps: production dependencies of the backend only, with the CUDA 12 execution provider ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
# The repository denies onnxruntime-node's install script (package.json#allowScripts: CPU machines
# need nothing from it and cannot reach NuGet), so `npm ci` never runs it; it is run explicitly here,
# with ONNXRUNTIME_NODE_INSTALL=cuda12, and the build fails if the provider did not arrive: a silent
# skip would give an image that starts on the CPU EP only.
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund -w @tinyscale/gpu-backend -w @tinyscale/shared \
  && node node_modules/onnxruntime-node/script/install.js \
  && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so

# --- runtime: CUDA 12 + cuDNN 9 libraries, Node 24, non-root -----------------------------------
FROM ${CUDA_IMAGE} AS runtime
COPY --from=build /usr/local/bin/node /usr/local/bin/node
# A fixed uid so Kubernetes' runAsNonRoot/runAsUser can match it (ubuntu's own user owns 1000).
RUN groupadd --system --gid 10001 tinyscale \
  && useradd --system --uid 10001 --gid tinyscale --home-dir /app --shell /usr/sbin/nologin tinyscale
WORKDIR /app
COPY --from=deps /src/node_modules node_modules/
COPY --from=build /src/package.json ./
COPY --from=build /src/shared/package.json shared/
COPY --from=build /src/shared/dist shared/dist/
COPY --from=build /src/gpu-backend/package.json gpu-backend/
COPY --from=build /src/gpu-backend/dist gpu-backend/dist/
# The bundle is not baked in: mount a folder written by `python -m export` (or models/tiny) here.
VOLUME ["/models"]
ENV NODE_ENV=production \
  PORT=8090 \
  HOST=0.0.0.0 \
  TINYSCALE_BUNDLE=/models \
  TINYSCALE_EP=cuda
USER 10001:10001
EXPOSE 8090
# Node's own fetch, so the runtime image needs no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8090)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# One process per GPU (the CUDA EP's only option is deviceId): give each container one device and
# run more containers for more GPUs. node is PID 1 and drains in-flight requests on SIGTERM.
STOPSIGNAL SIGTERM
CMD ["node", "gpu-backend/dist/server.js"]
